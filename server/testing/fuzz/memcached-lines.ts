// The memcached terminal's reading of typed lines (server/services/memcached/typed-lines.ts),
// fuzzed: any lines are read without a throw, with a prompt the terminal knows and notes of one
// line each; and a data block ends exactly where memcached ends it, accepted only when the bytes
// typed (each line's CRLF included) are the bytes its command declared.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dataBlockSize } from '../../services/memcached/data-block.ts';
import { COMMAND_PROMPT, TypedLines } from '../../services/memcached/typed-lines.ts';
import { fillByteCount } from '../../../shared/live-prompt.ts';
import { fuzzProperty, type FuzzBoundary } from '../fuzz.ts';
import { anyText, PROTOTYPE_KEYS } from './json-text.ts';

const STORAGE = ['set', 'add', 'replace', 'append', 'prepend', 'cas'];

/** Command lines: real commands with numbers good and bad, and any text. */
const word = fc.oneof(
  fc.constantFrom(...STORAGE, 'ms', 'get', 'gets', 'incr', 'delete', 'SET', 'Get', 'noreply', 'T0', ...PROTOTYPE_KEYS),
  fc.constantFrom('0', '5', '-1', '007', '1e3', '99999999999999999999', ''),
  fc.nat(300).map(String),
  anyText(6),
);
const commandLine = fc.array(word, { maxLength: 8 }).map((w) => w.join(' '));
const anyLines = fc.array(fc.oneof(commandLine, anyText(30)), { maxLength: 10 });

/** What the browser draws for a prompt: the live byte count filled in, colours removed. */
const drawn = (t: TypedLines) => fillByteCount(t.prompt(), '').replace(/\x1b\[[0-9;]*m/g, '');

/** A storage command that opens a block of `size` bytes, in any of its valid forms. */
const storageCommand = fc
  .tuple(
    fc.constantFrom(...STORAGE, 'ms'),
    fc.stringMatching(/^[!-~]{1,20}$/),
    fc.nat(2 ** 16),
    fc.integer({ min: -1000, max: 1000 }),
    fc.boolean(),
  )
  .map(([name, key, flags, exptime, quiet]) => ({
    // Only the classic commands' `noreply` silences memcached's refusal (ms's q flag is the meta way).
    noreply: quiet && name !== 'ms',
    line: (size: number) =>
      name === 'ms'
        ? `ms ${key} ${size}${quiet ? ' q' : ''}`
        : `${name} ${key} ${flags} ${exptime} ${size}${name === 'cas' ? ' 12345' : ''}${quiet ? ' noreply' : ''}`,
  }));

/**
 * Where memcached ends a block of `declared` bytes: it reads that many bytes, then expects CRLF. The
 * line whose CRLF goes past `declared` ends it (-1: none does yet); it is stored only when that line
 * ends exactly at `declared`. `ends[j]`: the stream's byte count at the end of line j (before its CRLF).
 */
function memcachedBlockEnd(lines: string[], declared: number): { ends: number[]; closing: number } {
  const ends: number[] = [];
  let at = 0;
  for (const [i, l] of lines.entries()) {
    at += (i === 0 ? 0 : 2) + Buffer.byteLength(l, 'utf8');
    ends.push(at);
  }
  return { ends, closing: ends.findIndex((e) => e + 2 > declared) };
}

export const memcachedLines: FuzzBoundary = {
  name: 'memcached command lines',
  properties: [
    fuzzProperty('any lines are read without a throw; prompts and notes are well formed', anyLines, (lines) => {
      const t = new TypedLines();
      for (const line of lines) {
        const { note, usage } = t.send(line);
        for (const text of [note, usage]) {
          if (text === null) continue;
          assert.ok(text.endsWith('\r\n') && !text.slice(0, -2).includes('\n'), `one line: ${JSON.stringify(text)}`);
        }
        assert.match(drawn(t), /^(memcached> |data \(\d+\/\d+ bytes\)> )$/);
        assert.equal(t.inDataBlock, t.prompt() !== COMMAND_PROMPT);
      }
    }),
    fuzzProperty(
      'a data block ends where memcached ends it, accepted only at its declared byte count',
      fc
        .tuple(storageCommand, fc.array(anyText(20), { minLength: 1, maxLength: 6 }), fc.integer({ min: -3, max: 3 }))
        .chain(([command, lines, off]) => {
          const exact = memcachedBlockEnd(lines, 0).ends.at(-1)!;
          // Around the lines' own size, or anywhere in them (a block that ends mid-way).
          const declared = fc.oneof(fc.constant(Math.max(0, exact + off)), fc.nat(exact + 4));
          return declared.map((size) => ({ command, lines, declared: size }));
        }),
      ({ command, lines, declared }) => {
        const line = command.line(declared);
        assert.equal(dataBlockSize(line.split(' ')), declared);
        const { ends, closing } = memcachedBlockEnd(lines, declared);
        const t = new TypedLines();
        t.send(line);
        for (const [i, l] of lines.entries()) {
          if (closing !== -1 && i > closing) break; // past the block: commands again
          const sent = i === 0 ? 0 : ends[i - 1] + 2;
          assert.equal(drawn(t), `data (${sent}/${declared} bytes)> `);
          const { note } = t.send(l);
          if (i !== closing) {
            assert.ok(t.inDataBlock, `line ${i} does not end the block`);
            assert.match(note ?? '', new RegExp(`waits for ${declared - ends[i] - 2} more bytes?\\.`));
            continue;
          }
          assert.ok(!t.inDataBlock, `line ${i} ends the block`);
          if (ends[i] === declared || !command.noreply) {
            // Stored; or refused with memcached's own CLIENT_ERROR, which the terminal's hint explains.
            assert.equal(note, null);
          } else {
            assert.match(note ?? '', /memcached refuses the block/);
          }
        }
        if (closing === -1) assert.ok(t.inDataBlock, 'a block declared longer than the lines is still open');
      },
    ),
  ],
};
