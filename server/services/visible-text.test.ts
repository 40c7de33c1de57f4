// Service data shown in a terminal: no byte of it can drive the terminal, however it is cut into
// chunks, and different bytes show as different text. FUZZ_RUNS sets how many cases each
// property tries (10,000 by default).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LineBreaks, VisibleTextDecoder, visibleBytes, visibleText } from './visible-text.ts';
import { HOSTILE_PARTS } from '../testing/hostile-text.ts';

const RUNS = Number(process.env.FUZZ_RUNS) || 10_000;
/** A long soak (FUZZ_RUNS=200000) needs more than the default 5 s: about a millisecond a case at most. */
const TIMEOUT_MS = Math.max(10_000, RUNS);

const bytes = (text: string) => new TextEncoder().encode(text);
const latin1 = (data: Uint8Array) => Buffer.from(data).toString('latin1');

/** The reading the module's header promises: `\xNN` is the byte NN, anything else its own UTF-8. */
function unescape(text: string): Uint8Array {
  const out: number[] = [];
  const pattern = /\\x([0-9a-f]{2})|[\s\S]/gu;
  for (const m of text.matchAll(pattern)) {
    if (m[1] !== undefined) out.push(parseInt(m[1], 16));
    else out.push(...bytes(m[0]));
  }
  return Uint8Array.from(out);
}

/** Output split at `cuts` and fed chunk by chunk. */
function streamed(data: Uint8Array, cuts: number[], breaks: LineBreaks): string {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const bounds = [0, ...points, data.length];
  const decoder = new VisibleTextDecoder(breaks);
  let out = '';
  for (let k = 1; k < bounds.length; k++) out += decoder.write(data.subarray(bounds[k - 1], bounds[k]));
  return out + decoder.end();
}

/** Never in the output: C0 controls but TAB (line breaks are checked per mode), DEL, C1, lone surrogates. */
const FORBIDDEN =
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function assertVisible(text: string, breaks: LineBreaks): void {
  expect(text).not.toMatch(FORBIDDEN);
  if (breaks === 'none') expect(text).not.toMatch(/[\r\n]/);
  // A CR that is not the start of a CR LF would move the cursor back over what was written.
  if (breaks !== 'none') expect(text).not.toMatch(/\r(?!\n)/);
  if (breaks === 'crlf') expect(text).not.toMatch(/(?<!\r)\n/);
}

/** Bytes that stress the rules: escape sequences, C1 in UTF-8, cut and invalid UTF-8, CR and LF, backslashes. */
const PIECES = [...HOSTILE_PARTS, '\x9d', '\r\n', '\r', '\n', '\t', '\\', 'x', 'é', '日本', '😀'].map(bytes);
const RAW_PIECES = [[0xc2], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xff], [0x80], [0xed, 0xa0, 0x80], [0xc0, 0xaf]].map(
  (b) => Uint8Array.from(b),
);

const data = fc
  .array(fc.oneof(fc.uint8Array({ maxLength: 12 }), fc.constantFrom(...PIECES, ...RAW_PIECES)), { maxLength: 16 })
  .map((parts) => Uint8Array.from(parts.flatMap((p) => [...p])));
const breaks = fc.constantFrom<LineBreaks>('none', 'lf', 'crlf');

describe('visible text', () => {
  it('writes the escape sequences of a hostile value as visible text', () => {
    expect(visibleText('a\x1b]52;c;aGk=\x07b')).toBe('a\\x1b]52;c;aGk=\\x07b');
    expect(visibleText('\x1b]8;;http://x\x07link')).toBe('\\x1b]8;;http://x\\x07link');
    expect(visibleText('\x1b[2J\x1b[H')).toBe('\\x1b[2J\\x1b[H');
    expect(visibleText('\x9b31m')).toBe('\\xc2\\x9b31m');
    expect(visibleText('\x7f\x00')).toBe('\\x7f\\x00');
    expect(visibleBytes(Uint8Array.from([0x41, 0xff, 0xc3, 0x42]))).toBe('A\\xff\\xc3B');
  });

  it('keeps printable text, tabs, and the line breaks the caller names', () => {
    expect(visibleText('héllo 日本 😀 C:\\dir\ttab')).toBe('héllo 日本 😀 C:\\dir\ttab');
    expect(visibleText('a\r\nb\nc\rd', 'lf')).toBe('a\r\nb\nc\\x0dd');
    expect(visibleText('a\r\nb\nc\rd', 'crlf')).toBe('a\r\nb\\x0ac\\x0dd');
    expect(visibleText('a\r\nb\nc\rd', 'none')).toBe('a\\x0d\\x0ab\\x0ac\\x0dd');
  });

  it('waits for the rest of a character or of a CR LF cut between chunks', () => {
    const decoder = new VisibleTextDecoder('crlf');
    expect(decoder.write(Uint8Array.from([0x61, 0xe6, 0x97]))).toBe('a');
    expect(decoder.write(Uint8Array.from([0xa5, 0x0d]))).toBe('日');
    expect(decoder.write(Uint8Array.from([0x0a, 0xc2]))).toBe('\r\n');
    expect(decoder.write(Uint8Array.from([0x9b]))).toBe('\\xc2\\x9b');
    expect(decoder.write(Uint8Array.from([0x0d]))).toBe('');
    expect(decoder.end()).toBe('\\x0d');
  });

  it(
    'arbitrary bytes, cut anywhere: no control character but the allowed line structure',
    () => {
      fc.assert(
        fc.property(data, fc.array(fc.nat(), { maxLength: 6 }), breaks, (input, cuts, mode) => {
          const whole = visibleBytes(input, mode);
          assertVisible(whole, mode);
          // However the chunks fall, the text is the same as for the whole.
          expect(streamed(input, cuts, mode)).toBe(whole);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'different bytes look different: reading \\xNN back gives the bytes (unless they spell \\xNN themselves)',
    () => {
      fc.assert(
        fc.property(data, breaks, (input, mode) => {
          fc.pre(!/\\x[0-9a-f]{2}/.test(latin1(input)));
          expect(unescape(visibleBytes(input, mode))).toEqual(input);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'escaping twice is escaping once, and printable text is left as it is',
    () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), breaks, (text, mode) => {
          const once = visibleText(text, mode);
          expect(visibleText(once, mode)).toBe(once);
          const printable = text.replace(/[\x00-\x1f\x7f-\x9f]/g, '');
          expect(visibleText(printable, mode)).toBe(printable);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );
});
