// Page-wide keyboard shortcuts. They use Alt so they do not collide with the line editor's
// Ctrl keys (Ctrl/Cmd+Enter, Run, is no key of a terminal's); the terminals are told to ignore
// them (terminal-session.ts) and capturing window listeners act on them, so they work from the
// lesson, the editor or a terminal alike.
import type { ServiceInfo } from '../../shared/protocol.ts';

export type ShortcutAction =
  /** Alt+N: the N-th service terminal (index N-1) of the server's list. */
  | { kind: 'focus-service'; index: number }
  /** Alt+0: back to the editor (from a run's pane, which takes the keyboard when a run starts). */
  | { kind: 'focus-editor' }
  | { kind: 'cycle-layout' }
  /** Alt+I: the Inspect tab over the terminals, and back. */
  | { kind: 'toggle-inspect' }
  /** Alt+W: the Wire view of the pane in front (what it exchanges with the services), and back. */
  | { kind: 'toggle-wire' }
  | { kind: 'toggle-help' }
  | { kind: 'run' }
  | { kind: 'prev-lesson' }
  | { kind: 'next-lesson' };

type KeyLike = Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'code'>;

/** The page's action for a key, if it is one; Alt+N only for a service that exists (`serviceCount`). */
export function shortcutFor(event: KeyLike, serviceCount = 0): ShortcutAction | null {
  if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey) {
    return event.code === 'Enter' || event.code === 'NumpadEnter' ? { kind: 'run' } : null;
  }
  if (!event.altKey || event.ctrlKey || event.metaKey) return null;
  // event.code, not event.key: on a Mac, Option+1 types "¡".
  if (event.code === 'Digit0' && !event.shiftKey) return { kind: 'focus-editor' };
  const digit = /^Digit([1-9])$/.exec(event.code);
  if (digit && !event.shiftKey) {
    const index = Number(digit[1]) - 1;
    return index < serviceCount ? { kind: 'focus-service', index } : null;
  }
  if (event.code === 'KeyL' && !event.shiftKey) return { kind: 'cycle-layout' };
  if (event.code === 'KeyI' && !event.shiftKey) return { kind: 'toggle-inspect' };
  if (event.code === 'KeyW' && !event.shiftKey) return { kind: 'toggle-wire' };
  // Brackets, not arrows: Alt+↑/↓ moves lines in the editor and words in some terminals.
  if (event.code === 'BracketLeft' && !event.shiftKey) return { kind: 'prev-lesson' };
  if (event.code === 'BracketRight' && !event.shiftKey) return { kind: 'next-lesson' };
  if (event.code === 'Slash') return { kind: 'toggle-help' };
  return null;
}

/** What the help popover lists, in order, for the server's services. */
export const shortcutHelp = (services: readonly ServiceInfo[]): ReadonlyArray<{ keys: string; what: string }> => [
  { keys: 'Ctrl+Enter (⌘+Enter)', what: 'Run the file open in the editor; its pane takes the keyboard' },
  { keys: 'Alt+0', what: 'Back to the editor' },
  ...services.slice(0, 9).map((s, i) => ({ keys: `Alt+${i + 1}`, what: `${s.title} terminal` })),
  { keys: 'Alt+L', what: 'Next layout: one pane, two side by side, 2×2' },
  { keys: 'Alt+I', what: 'Inspect: what is inside the services, live' },
  { keys: 'Alt+W', what: 'Wire: the bytes the pane in front exchanges with the services' },
  { keys: 'Alt+[ / Alt+]', what: 'Previous / next lesson' },
  { keys: 'Alt+/', what: 'This help' },
];

export const LINE_EDITOR_HELP: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: 'Tab', what: 'Complete the command name (twice: list)' },
  { keys: '↑ ↓', what: 'History (kept per service)' },
  { keys: 'Ctrl+R', what: 'Search history' },
  { keys: 'Ctrl+A / Ctrl+E', what: 'Start / end of line' },
  { keys: 'Alt+B / Alt+F', what: 'Word back / forward' },
  { keys: 'Ctrl+W / Ctrl+K / Ctrl+U', what: 'Delete word / to end / to start' },
  { keys: 'Ctrl+C', what: 'Interrupt (copy when text is selected)' },
  { keys: 'Ctrl+Shift+C / Ctrl+V', what: 'Copy / paste' },
  { keys: 'Ctrl+L', what: 'Clear the screen' },
  { keys: 'Esc, then Tab', what: 'Leave the terminal (Tab alone completes)' },
];

/** The editor's tab strip. */
export const EDITOR_HELP: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: 'F2 / double-click a tab', what: 'Rename the file' },
  { keys: 'Delete (on a tab)', what: 'Delete the file' },
  { keys: '+', what: 'New file: .py and .js run; others go along as data' },
];

/** Keys of a run's pane: it is a terminal for the program, whose input the server edits. */
export const RUN_PANE_HELP: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: 'typing, Enter', what: "A line for the program's input()" },
  { keys: 'Backspace / Ctrl+U', what: 'Delete a character / the line' },
  { keys: 'Ctrl+D', what: 'End of input' },
  { keys: 'Ctrl+C', what: 'Interrupt (again: kill); Stop does the same' },
  { keys: 'Alt+0', what: 'Back to the editor' },
  { keys: 'Esc, then Tab', what: 'Leave the pane' },
];

/** The Wire view's list of frames, once it has the keyboard (a click into it, or Alt+W). */
export const WIRE_HELP: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: '↑ ↓', what: 'Previous / next frame' },
  { keys: 'Home / End', what: 'First / last frame' },
  { keys: 'Enter', what: "Go to the selected frame's reply or request" },
  { keys: 'Esc', what: 'Back to the terminal or the run' },
];
