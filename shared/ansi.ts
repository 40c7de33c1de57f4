// The ANSI escape sequences the playground writes to (and reads from) terminals, in one place so
// server and client colour their notices alike and nobody re-types an escape code. Plain strings
// only: shared/ sees neither DOM nor Node types, and both sides use these in template literals.

/** Control Sequence Introducer: the start of every sequence below. */
export const CSI = '\x1b[';

// SGR (Select Graphic Rendition): colours and attributes.
export const RESET = `${CSI}0m`;
export const BOLD = `${CSI}1m`;
export const DIM = `${CSI}2m`;
/** Normal intensity: ends DIM (and BOLD) without dropping the colour, as RESET would. */
export const UNDIM = `${CSI}22m`;
export const RED = `${CSI}31m`;
export const GREEN = `${CSI}32m`;
export const YELLOW = `${CSI}33m`;
/** Bright black, the grey redis-cli uses for a command's syntax. */
export const GREY = `${CSI}90m`;

// DEC private modes.
export const SHOW_CURSOR = `${CSI}?25h`;
export const HIDE_CURSOR = `${CSI}?25l`;
/** Bracketed paste: the terminal then wraps a paste in PASTE_START … PASTE_END. */
export const BRACKETED_PASTE_ON = `${CSI}?2004h`;

/** The markers around a paste while bracketed paste is on (sent by the terminal, not to it). */
export const PASTE_START = `${CSI}200~`;
export const PASTE_END = `${CSI}201~`;
