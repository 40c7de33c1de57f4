import { describe, expect, it } from 'vitest';
import { Scrollback, droppedNote } from './scrollback.ts';

describe('Scrollback', () => {
  it('replays output and typed lines in order, the typed lines where they were typed', () => {
    const s = new Scrollback();
    s.output('greeting\r\n');
    s.echo('> GET a\r\n');
    s.output('"1"\r\n');
    expect(s.replay()).toBe('greeting\r\n> GET a\r\n"1"\r\n');
    expect(s.position).toBe('greeting\r\n"1"\r\n'.length);
  });

  it('gives a page that shows part of the output only the rest, without the lines it echoed itself', () => {
    const s = new Scrollback();
    s.output('abc');
    s.echo('> X\r\n');
    s.output('def');
    s.output('ghi');
    expect(s.replay(3)).toBe('defghi');
    expect(s.replay(4)).toBe('efghi');
    expect(s.replay(9)).toBe('');
    // A position this stream never reached is another page's: everything again.
    expect(s.replay(99)).toBe('abc> X\r\ndefghi');
  });

  it('keeps the newest output within its limit, from an entry start, and says that some is gone', () => {
    const s = new Scrollback(100);
    for (let i = 0; i < 20; i++) s.output(`line ${String(i).padStart(2, '0')}\r\n`); // 9 bytes each
    const replay = s.replay();
    expect(replay.startsWith(droppedNote(100))).toBe(true);
    const kept = replay.slice(droppedNote(100).length);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(100);
    expect(kept.endsWith('line 19\r\n')).toBe(true);
    expect(kept.startsWith('line ')).toBe(true);
    // The live position is not cut.
    expect(s.position).toBe(180);
  });

  it('cuts one huge entry to its newest lines, counting UTF-8 bytes', () => {
    const s = new Scrollback(1000);
    const big = Array.from({ length: 500 }, (_, i) => `é${i}\r\n`).join('');
    s.output(big);
    const kept = s.replay().slice(droppedNote(1000).length);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(1000);
    expect(kept.endsWith('é499\r\n')).toBe(true);
    expect(kept.startsWith('é')).toBe(true);
    // A page that had seen most of it gets exactly the part after.
    expect(s.replay(big.length - 7)).toBe(big.slice(-7));
  });
});
