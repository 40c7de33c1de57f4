import { expect, test } from 'vitest';
import { hexDump } from './hex-dump.ts';

const bytes = (text: string) => new Uint8Array([...text].map((c) => c.charCodeAt(0)));

test('16 bytes a row under a hex offset, hex beside text; what does not print is a dot', () => {
  const { rows, more } = hexDump(bytes('*1\r\n$4\r\nPING\r\n and then some more'));
  expect(rows.map((r) => r.label)).toEqual(['0000', '0010', '0020']);
  expect(rows[0].cells.map((c) => c.hex).join(' ')).toBe('2a 31 0d 0a 24 34 0d 0a 50 49 4e 47 0d 0a 20 61');
  expect(rows[0].cells.map((c) => c.ascii).join('')).toBe('*1..$4..PING.. a');
  expect(rows[2].cells.length).toBe(1);
  expect(rows[2].cells[0].at).toBe(32);
  expect(more).toBe(0);
});

test('masked bytes show as •• and never their value', () => {
  const { rows } = hexDump(bytes('AUTH hunter2!'), [[5, 12]]);
  expect(rows[0].cells.map((c) => c.hex).slice(4, 13)).toEqual(['20', '••', '••', '••', '••', '••', '••', '••', '21']);
  expect(rows[0].cells.map((c) => c.ascii).join('')).toBe('AUTH •••••••!');
  expect(rows[0].cells.filter((c) => c.masked).length).toBe(7);
});

test('at most the view’s limit, then how many more bytes there are (the trace’s whole size included)', () => {
  const big = new Uint8Array(5000);
  const { rows, more } = hexDump(big, [], 4096);
  expect(rows.length).toBe(256);
  expect(rows.at(-1)!.label).toBe('0ff0');
  expect(more).toBe(904);
  expect(hexDump(new Uint8Array(10), [], 4096, 70_000).more).toBe(69_990);
});

test('offsets grow past four digits only when they must', () => {
  const { rows } = hexDump(new Uint8Array(0x10010), [], 0x20000);
  expect(rows[0].label).toBe('00000');
  expect(rows.at(-1)!.label).toBe('10000');
  expect(hexDump(new Uint8Array(0)).rows).toEqual([]);
});
