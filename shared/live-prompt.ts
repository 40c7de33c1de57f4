// A prompt that counts, as the learner types, how many bytes the line will put on the wire. The
// memcached terminal shows `data (5/10 bytes)>` while a storage command's data block is typed: the
// server knows the declared size and the bytes already sent; only the browser knows the line being
// edited. So the server marks the number in the prompt, and the line editor adds the UTF-8 length
// of the line to it each time it draws the prompt.
//
// The mark is two OSC sequences with a number of our own, around the number the server knows.
// Terminals ignore an OSC they do not know, so a screen that does not fill the mark in (an
// instructor's mirror of the learner's terminal, a script's transcript) still reads sensibly:
// `data (5/10 bytes)>` with the bytes sent so far.
import { utf8Length } from './char-width.ts';

/** An OSC number nobody assigns (xterm's and the shells' are below 1000, VS Code's 633). */
const OSC = '\x1b]7413;';
const OPEN = `${OSC}bytes\x07`;
const CLOSE = `${OSC}\x07`;
const MARKED = /\x1b\]7413;bytes\x07(\d+)\x1b\]7413;\x07/;

/** The number to draw in a prompt: `base` plus the UTF-8 bytes of the line being typed. */
export function byteCountMark(base: number): string {
  return `${OPEN}${base}${CLOSE}`;
}

/** Whether the prompt counts bytes: what is typed after it is data, not a command. */
export function countsBytes(prompt: string): boolean {
  return MARKED.test(prompt);
}

/** The prompt as drawn before `line`: its mark, if any, holds the bytes sent so far plus the line's. */
export function fillByteCount(prompt: string, line: string): string {
  return prompt.replace(MARKED, (_, base: string) => String(Number(base) + utf8Length(line)));
}
