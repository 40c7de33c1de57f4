// A run's output keeps colours and cursor moves and loses every OSC (clipboard, links, title),
// however the writes cut it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_OSC_CHARS, OscFilter } from './osc-filter.ts';

const filtered = (...parts: string[]) => {
  const f = new OscFilter();
  return parts.map((p) => f.write(p)).join('');
};

describe('a run’s output filter', () => {
  it('drops a clipboard write, a link and a title, and keeps colours and cursor moves', () => {
    expect(filtered('a\x1b]52;c;aGVsbG8=\x07b')).toBe('ab');
    expect(filtered('\x1b]8;;https://example.invalid\x1b\\link\x1b]8;;\x1b\\')).toBe('link');
    expect(filtered('\x1b]0;owned\x07\x1b[31mred\x1b[0m \x1b[2J\x1b[H')).toBe('\x1b[31mred\x1b[0m \x1b[2J\x1b[H');
    expect(filtered('\x9d52;c;eA==\x9cafter')).toBe('after');
  });

  it('follows a sequence cut anywhere across writes', () => {
    const text = 'x\x1b]52;c;aGk=\x1b\\y\x1b[1mz\x1b]2;t\x07!';
    for (let cut = 0; cut <= text.length; cut++) {
      expect(filtered(text.slice(0, cut), text.slice(cut))).toBe('xy\x1b[1mz!');
    }
    expect(filtered(...[...text])).toBe('xy\x1b[1mz!');
  });

  it(`stops waiting for an OSC after ${MAX_OSC_CHARS} characters`, () => {
    const f = new OscFilter();
    // "52;c;" and the A's count: the one past the limit is the last dropped, the other 14 show.
    expect(f.write(`\x1b]52;c;${'A'.repeat(MAX_OSC_CHARS + 10)}`)).toBe('A'.repeat(14));
    expect(f.write('visible')).toBe('visible');
  });

  it('random output, cut at random: no OSC gets through, everything else does, in order', () => {
    const piece = fc.oneof(
      // No "]": after a lone ESC it would begin an OSC, as it does in a terminal.
      fc.string({ maxLength: 8 }).map((s) => s.replace(/[\x1b\x9c\x9d\x07\]]/g, '')),
      fc.constantFrom('\x1b[31m', '\x1b[0m', '\x1b[2J', '\x1bc', '\x1b', '\n'),
      fc
        .tuple(
          fc.constantFrom('\x1b]', '\x9d'),
          fc.string({ maxLength: 12 }),
          fc.constantFrom('\x07', '\x1b\\', '\x9c'),
        )
        .map(([a, body, z]) => ({ osc: a + body.replace(/[\x1b\x07\x9c]/g, '') + z })),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 6 }), (pieces, cuts) => {
        // Every piece but the OSCs comes through. (A lone ESC just before an OSC, or at the very end,
        // is the one case the plain join below does not say: it is left out of the comparison.)
        const text = pieces.map((p) => (typeof p === 'string' ? p : p.osc)).join('');
        const expected = pieces.map((p) => (typeof p === 'string' ? p : '')).join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const bounds = [0, ...points, text.length];
        const got = filtered(...bounds.slice(1).map((end, k) => text.slice(bounds[k], end)));
        expect(got).not.toMatch(/\x1b\]|\x9d/);
        if (!/\x1b$/.test(expected) && !pieces.some((p, k) => p === '\x1b' && typeof pieces[k + 1] !== 'string')) {
          expect(got).toBe(expected);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
