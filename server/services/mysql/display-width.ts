// Terminal cells a string takes, so table borders line up around CJK text and accents. The widths
// are the browser terminal's own (shared/char-width.ts mirrors xterm.js): a table is only aligned
// if we agree with the terminal that draws it.
import { charWidth } from '../../../shared/char-width.ts';

/**
 * Cells taken by one code point. Tab and newline count one, as the mysql client counts them
 * (it pads by character count and prints them raw); other controls never reach a cell unescaped.
 */
export function codePointWidth(cp: number): 0 | 1 | 2 {
  return cp === 0x09 || cp === 0x0a ? 1 : charWidth(cp);
}

/** Cells taken by plain text (no escape sequences). ASCII, the common case, costs one pass. */
export function displayWidth(text: string): number {
  if (/^[\x20-\x7e\t\n]*$/.test(text)) return text.length;
  let width = 0;
  for (const ch of text) width += codePointWidth(ch.codePointAt(0)!);
  return width;
}
