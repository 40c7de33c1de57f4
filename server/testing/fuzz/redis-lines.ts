// The Redis terminal's line splitter (server/services/redis/split-args.ts, redis-cli's
// sdssplitargs), fuzzed: any line splits or is refused (null) without a throw, and arguments
// quoted the way redis-cli prints them (sdscatrepr) split back into the same bytes.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitArgRanges, splitArgs } from '../../services/redis/split-args.ts';
import { fuzzProperty, type FuzzBoundary } from '../fuzz.ts';
import { anyText } from './json-text.ts';

/** Lines made mostly of what the splitter reads specially: quotes, escapes, blanks, hex digits. */
const lineText = fc.oneof(
  anyText(80),
  fc
    .array(
      fc.oneof(
        fc.constantFrom('"', "'", '\\', '\\x', '\\"', "\\'", ' ', '\t', '\r', '\n', '\v', '\f', '\0', 'a', 'F', '7'),
        anyText(4),
      ),
      { maxLength: 30 },
    )
    .map((parts) => parts.join('')),
);

/** C's isprint() in the C locale. */
const isPrint = (b: number) => b >= 0x20 && b <= 0x7e;

/** An argument as redis-cli prints it (sds.c sdscatrepr): always double-quoted, escapes for the rest. */
export function sdsRepr(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    if (b === 0x5c || b === 0x22) out += `\\${String.fromCharCode(b)}`;
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x07) out += '\\a';
    else if (b === 0x08) out += '\\b';
    else if (isPrint(b)) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** A word that needs no quotes: no blanks, quotes or NUL, and not empty. */
const BARE = /^[^\s"'\0]+$/u;

/** One argument and how it is written: redis-cli's quoting, single quotes, or bare. */
const writtenArg = fc.oneof(
  fc.uint8Array({ maxLength: 20 }).map((bytes) => ({ bytes: Buffer.from(bytes), text: sdsRepr(bytes) })),
  anyText(12)
    .filter((s) => !s.includes("'") && !s.includes('\\') && !s.includes('\0'))
    .map((s) => ({ bytes: Buffer.from(s, 'utf8'), text: `'${s}'` })),
  anyText(12)
    .filter((s) => BARE.test(s) && !/[\t\n\r ]/.test(s))
    .map((s) => ({ bytes: Buffer.from(s, 'utf8'), text: s })),
);
const gap = fc.constantFrom(' ', '  ', '\t', ' \t ', '\r\n');

export const redisLines: FuzzBoundary = {
  name: 'redis-cli line splitter',
  properties: [
    fuzzProperty('any line splits into arguments or is refused, never throws', lineText, (line) => {
      const args = splitArgs(line);
      if (args === null) return;
      assert.ok(Array.isArray(args));
      for (const a of args) assert.ok(Buffer.isBuffer(a));
    }),
    fuzzProperty(
      'arguments quoted as redis-cli prints them split back into the same bytes',
      fc.tuple(fc.array(fc.tuple(writtenArg, gap), { maxLength: 8 }), gap, gap),
      ([args, before, after]) => {
        const line = before + args.map(([a, g]) => a.text + g).join('') + after;
        const split = splitArgs(line);
        assert.ok(split !== null, `refused ${JSON.stringify(line)}`);
        assert.deepEqual(
          split.map((b) => b.toString('hex')),
          args.map(([a]) => a.bytes.toString('hex')),
        );
      },
    ),
    fuzzProperty(
      "each argument's byte range, split alone, gives that argument back",
      fc.oneof(
        fc.uint8Array({ maxLength: 60 }),
        lineText.map((s) => Buffer.from(s)),
      ),
      (raw) => {
        const line = Buffer.from(raw);
        const ranges = splitArgRanges(line);
        if (ranges === null) return;
        let end = 0;
        for (const r of ranges) {
          assert.ok(r.start >= end && r.end > r.start && r.end <= line.length, `range ${r.start}-${r.end}`);
          end = r.end;
          const alone = splitArgRanges(line.subarray(r.start, r.end));
          assert.equal(alone?.length, 1);
          assert.ok(alone![0].bytes.equals(r.bytes));
        }
      },
    ),
  ],
};
