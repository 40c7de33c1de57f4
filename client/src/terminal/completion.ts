// Tab completion and the syntax hint of the line editor, worked out from the terminal's command
// catalog (command-catalog.ts): Tab completes the command name as far as it is unambiguous, and a
// dim hint after the line shows the syntax still to type.
//
// When Tab cannot add a character (`SE` in Redis: SELECT, SET, SETEX… share only "SE"), the
// candidates are listed at once, as readline's `show-all-if-unmodified` does, rather than on a
// second Tab as bash does by default. bash rings the bell on the first Tab to say "ambiguous, press
// again"; a browser terminal has no bell, so there the first Tab looked like it did nothing, and a
// learner who does not know the double-Tab habit never found the list. A Tab that does complete
// part of the word still lists nothing, so nobody gets a list they did not need; the next Tab then
// lists, as in bash. An empty line is the exception: it would list the whole catalog (over 200
// Redis commands), so that takes the second Tab, as bash asks before showing every command.
//
// Pure functions: the editor applies what they return, so the rules live here and the cursor and
// screen bookkeeping stays in line-editor.ts.
import { DIM, UNDIM } from '../../../shared/ansi.ts';
import { stringWidth } from '../../../shared/char-width.ts';
import type { CommandCatalog } from './command-catalog.ts';
import { fitCells } from './edit-region.ts';

/** Completions listed by a second Tab; the rest are counted (a screenful is as much as anyone reads). */
export const COMPLETIONS_LISTED = 100;

/** A hint squeezed into fewer cells than this says nothing useful, so it is left out. */
const MIN_HINT_CELLS = 4;

/** What a Tab does to the line. */
export type Completion =
  | { kind: 'none' }
  /**
   * Replace buffer[from, to) with `text`, the cursor after it; `stepOverSpace`: then move past the
   * space that already follows (instead of typing another).
   */
  | { kind: 'replace'; from: number; to: number; text: string; stepOverSpace: boolean }
  /** Nothing more to complete: print the candidates (at once for a typed prefix, on a second Tab for an empty line). */
  | { kind: 'list'; candidates: readonly string[] };

const NONE: Completion = { kind: 'none' };

/** Tab with the cursor at `cursor` in `buffer`; `secondTab`: the key before was a Tab too. */
export function complete(catalog: CommandCatalog, buffer: string, cursor: number, secondTab: boolean): Completion {
  if (catalog.size === 0) return NONE;
  const before = buffer.slice(0, cursor);
  const wordStart = before.length - before.trimStart().length;
  const prefix = before.slice(wordStart);
  // Only the command name (the first word) completes.
  if (/\s/.test(prefix)) return NONE;
  const candidates = catalog.complete(prefix);
  if (candidates.length === 0) return NONE;
  let wordEnd = cursor;
  while (wordEnd < buffer.length && !/\s/.test(buffer[wordEnd])) wordEnd++;
  if (candidates.length === 1) {
    const spaceFollows = buffer[wordEnd] === ' ';
    return {
      kind: 'replace',
      from: wordStart,
      to: wordEnd,
      text: candidates[0] + (spaceFollows ? '' : ' '),
      stepOverSpace: spaceFollows,
    };
  }
  const common = catalog.commonPrefix(candidates);
  if (common.length > prefix.length) {
    return { kind: 'replace', from: wordStart, to: cursor, text: common, stepOverSpace: false };
  }
  return prefix !== '' || secondTab ? { kind: 'list', candidates } : NONE;
}

/** The candidates in columns `cols` wide in all, as bash lists them; each row ends with CRLF. */
export function completionList(candidates: readonly string[], cols: number): string {
  const shown = candidates.slice(0, COMPLETIONS_LISTED);
  const width = Math.max(...shown.map((c) => stringWidth(c))) + 2;
  const perRow = Math.max(1, Math.floor(cols / width));
  const rows = Math.ceil(shown.length / perRow);
  let text = '';
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < perRow; c++) {
      // Column-major, like ls: read down, then across.
      const item = shown[c * rows + r];
      if (item === undefined) continue;
      line += item + ' '.repeat(Math.max(0, width - stringWidth(item)));
    }
    text += `${line.trimEnd()}\r\n`;
  }
  if (candidates.length > shown.length) text += `${DIM}… and ${candidates.length - shown.length} more${UNDIM}\r\n`;
  return text;
}

/** The dim syntax hint to draw after `line` in at most `cells` cells; '' for none. */
export function syntaxHint(catalog: CommandCatalog, line: string, cells: number): string {
  if (catalog.size === 0) return '';
  const hint = catalog.hint(line);
  return hint && cells >= MIN_HINT_CELLS ? `${DIM}${fitCells(hint, cells)}${UNDIM}` : '';
}
