import { describe, expect, test } from 'vitest';
import { cellText, escapeControls, isBinary, isNumeric, toColumn, type Column } from './columns.ts';
import { displayWidth } from './display-width.ts';

const column = (type: number, charset: number): Column => ({ name: 'c', type, charset, flags: 0 });

describe('columns', () => {
  test('numeric types are the client IS_NUM set: not TIMESTAMP, but YEAR and DECIMAL', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 8, 9, 13, 246].every((t) => isNumeric(column(t, 63)))).toBe(true);
    expect([7, 10, 12, 15, 252, 253, 254].some((t) => isNumeric(column(t, 63)))).toBe(false);
  });

  test('binary means a byte string with the binary charset, not a number', () => {
    expect(isBinary(column(253, 63))).toBe(true);
    expect(isBinary(column(16, 63))).toBe(true); // BIT
    expect(isBinary(column(253, 45))).toBe(false);
    expect(isBinary(column(3, 63))).toBe(false);
  });

  test('toColumn reads mysql2 field packets', () => {
    expect(toColumn({ name: 'x', columnType: 246, characterSet: 63, flags: 129 })).toEqual({
      name: 'x',
      type: 246,
      charset: 63,
      flags: 129,
    });
  });
});

describe('cellText', () => {
  test('NULL stays null; text is the server text', () => {
    expect(cellText(null, column(253, 45))).toBeNull();
    expect(cellText(Buffer.from('12.50'), column(246, 63))).toBe('12.50');
    expect(cellText(Buffer.from('日本語'), column(253, 45))).toBe('日本語');
  });

  test('binary values: readable text as text, anything else as hex', () => {
    expect(cellText(Buffer.from('abc'), column(253, 63))).toBe('abc');
    expect(cellText(Buffer.from([0x00, 0xff]), column(253, 63))).toBe('0x00FF');
    expect(cellText(Buffer.from([0x05]), column(16, 63))).toBe('0x05');
    expect(cellText(Buffer.from([0xc3]), column(252, 63))).toBe('0xC3'); // cut UTF-8
    expect(cellText(Buffer.alloc(0), column(253, 63))).toBe('');
  });

  test('control characters are escaped, tab and newline kept', () => {
    expect(escapeControls('a\tb\nc\rd\0e\x1b[31mf\x7f\x9b')).toBe('a\tb\nc\\x0dd\\x00e\\x1b[31mf\\x7f\\xc2\\x9b');
  });

  test('a text cell with bytes that are not UTF-8 shows them as \\xNN', () => {
    expect(cellText(Buffer.from([0x61, 0xff, 0x1b, 0x5b, 0x48]), column(253, 33))).toBe('a\\xff\\x1b[H');
  });
});

describe('displayWidth', () => {
  test('as the browser terminal (xterm.js, Unicode 6) draws it', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('한국')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1); // combining accent
    expect(displayWidth('é')).toBe(1);
    expect(displayWidth('\u{1F600}')).toBe(1); // emoji are one cell in Unicode 6
    expect(displayWidth('\u{20000}')).toBe(2);
    expect(displayWidth('a\tb\nc')).toBe(5);
  });
});
