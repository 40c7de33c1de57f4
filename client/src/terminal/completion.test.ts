// Tab completion and the syntax hint (completion.ts), driven through the line editor and checked
// on a real (headless) xterm.js screen.
import { describe, expect, test } from 'vitest';
import { CTRL, HeadlessScreen, redisScreen as redis } from './headless-screen.ts';

describe('completion and hints', () => {
  test('a unique match completes with a space', async () => {
    const s = redis();
    s.keys('pi\t');
    expect(s.editor.state.buffer).toBe('ping ');
    s.type(CTRL('u')).keys('HS\t');
    expect(s.editor.state.buffer).toBe('HSET ');
  });

  test('several matches complete their common prefix; a second Tab lists them', async () => {
    const s = redis();
    s.keys('ge\t');
    expect(s.editor.state.buffer).toBe('get');
    s.type('\t');
    const lines = await s.lines();
    expect(lines[0]).toMatch(/^redis> get/);
    expect(lines[1]).toMatch(/get\s+getdel\s+getex/);
    expect(lines[2]).toMatch(/^redis> get/);
    expect(await s.cursor()).toEqual({ x: 10, y: 2 });
  });

  test('only the first word completes', () => {
    const s = redis();
    s.keys('GET pi\t');
    expect(s.editor.state.buffer).toBe('GET pi');
  });

  test('case-sensitive catalogs complete exactly', () => {
    const s = new HeadlessScreen({
      commands: [
        { name: 'queue.declare', syntax: 'queue=<name>' },
        { name: 'queue.bind', syntax: '' },
      ],
    });
    s.editor.prompt('amqp> ');
    s.keys('QUEUE\t');
    expect(s.editor.state.buffer).toBe('QUEUE');
    s.type(CTRL('u')).keys('queue.d\t');
    expect(s.editor.state.buffer).toBe('queue.declare ');
  });

  test('a dim hint shows the syntax still to type', async () => {
    const s = redis();
    s.keys('SET');
    // 40 columns: the hint is cut to end before the margin, so it never wraps.
    expect((await s.lines())[0]).toBe('redis> SET key value [NX | XX] [GET] […');
    expect(await s.dimText(0)).toBe(' key value [NX | XX] [GET] […');
    expect(await s.cursor()).toEqual({ x: 10, y: 0 });
    s.keys(' k');
    expect(await s.dimText(0)).toBe(' value [NX | XX] [GET] [EX…');
    s.keys(' v ');
    expect(await s.dimText(0)).toBe('[NX | XX] [GET] [EX sec…');
    s.type('\r');
    expect(await s.lines()).toEqual(['redis> SET k v']);
  });

  test('multi-word commands hint by their longest name', async () => {
    const s = redis();
    s.keys('client list ');
    expect(await s.dimText(0)).toBe('[TYPE NORMAL|MASTER]');
    s.type(CTRL('u')).keys('client kill');
    expect(await s.dimText(0)).toBe(' ip:port');
  });

  test('no hint once every argument is typed, nor for unknown commands', async () => {
    const s = redis();
    s.keys('GET k');
    expect(await s.dimText(0)).toBe('');
    s.type(CTRL('u')).keys('NOPE a');
    expect(await s.dimText(0)).toBe('');
  });
});
