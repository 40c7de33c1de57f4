// Where the line editor's cursor may stop in the line: character boundaries that keep a surrogate
// pair or a base character and its combining marks together (so one Left or Backspace is one
// character on screen), and the word boundaries of Alt-B/F, Ctrl-W and friends. Indexes are
// UTF-16 offsets into the line, as JavaScript strings count.
import { charWidth } from '../../../shared/char-width.ts';

function isWordChar(ch: string): boolean {
  return /[\p{L}\p{N}_]/u.test(ch);
}

/** One character back, skipping combining marks that belong to it. */
export function prevIndex(text: string, i: number): number {
  while (i > 0) {
    i--;
    const code = text.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff && i > 0) i--;
    if (i === 0 || charWidth(text.codePointAt(i)!) !== 0) break;
  }
  return i;
}

/** One character on, with the combining marks that follow it. */
export function nextIndex(text: string, i: number): number {
  if (i >= text.length) return i;
  i += text.codePointAt(i)! > 0xffff ? 2 : 1;
  while (i < text.length && charWidth(text.codePointAt(i)!) === 0) {
    i += text.codePointAt(i)! > 0xffff ? 2 : 1;
  }
  return i;
}

/** Start of the word before `i` (Alt-B, Ctrl-Left, Alt-Backspace): letters, digits and underscores make words. */
export function wordStartBefore(text: string, i: number): number {
  while (i > 0 && !isWordChar(text[i - 1])) i--;
  while (i > 0 && isWordChar(text[i - 1])) i--;
  return i;
}

/** End of the word after `i` (Alt-F, Ctrl-Right, Alt-D). */
export function wordEndAfter(text: string, i: number): number {
  const n = text.length;
  while (i < n && !isWordChar(text[i])) i++;
  while (i < n && isWordChar(text[i])) i++;
  return i;
}

/** Start of what Ctrl-W kills before `i`: back over spaces, then to the previous space, as in a shell. */
export function ruboutWordStart(text: string, i: number): number {
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  while (i > 0 && !/\s/.test(text[i - 1])) i--;
  return i;
}

/**
 * Ctrl-T: the characters before and at the cursor swap places (at the end of the line, the last
 * two) and the cursor moves past them; null when there is nothing to swap.
 */
export function transposed(text: string, cursor: number): { text: string; cursor: number } | null {
  const chars = Array.from(text);
  let at = Array.from(text.slice(0, cursor)).length;
  if (chars.length < 2 || at === 0) return null;
  if (at === chars.length) at--;
  [chars[at - 1], chars[at]] = [chars[at], chars[at - 1]];
  return { text: chars.join(''), cursor: chars.slice(0, at + 1).join('').length };
}

/**
 * A paste as the lines it holds, control characters dropped; the last is the part after the final
 * line break (often ''), which stays in the line rather than being entered.
 */
export function pastedLines(raw: string): string[] {
  // Tabs become spaces: a pasted tab is whitespace, not a request to complete.
  const text = raw.replace(/\r\n?/g, '\n').replace(/\t/g, ' ');
  return text.split('\n').map((line) => line.replace(/[\x00-\x1f\x7f-\x9f]/g, ''));
}
