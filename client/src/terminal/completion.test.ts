// Tab completion and the syntax hint (completion.ts), driven through the line editor and checked
// on a real (headless) xterm.js screen.
import { describe, expect, test } from 'vitest';
import { byteCountMark } from '../../../shared/live-prompt.ts';
import { CTRL, HeadlessScreen, REDIS_COMMANDS, redisScreen as redis } from './headless-screen.ts';

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

  test('a prefix Tab cannot extend lists the candidates at once, in every terminal', async () => {
    // SELECT, SET and SETNX share only "SE": the first Tab has nothing to add, so it lists.
    const s = redis({ commands: [...REDIS_COMMANDS, { name: 'SELECT', syntax: 'index' }] });
    s.keys('SE\t');
    expect(s.editor.state.buffer).toBe('SE');
    let lines = await s.lines();
    expect(lines[0]).toBe('redis> SE');
    expect(lines[1]).toMatch(/^SELECT\s+SET\s+SETNX$/);
    expect(lines[2]).toMatch(/^redis> SE/);
    expect(await s.cursor()).toEqual({ x: 9, y: 2 });
    // Typing on narrows it; Tab then completes as before.
    s.keys('L\t');
    expect(s.editor.state.buffer).toBe('SELECT ');

    // The same rule in a case-sensitive catalog (memcached's): `g` is get, gets, gat, gats.
    const m = new HeadlessScreen({
      commands: ['get', 'gets', 'gat', 'gats', 'delete'].map((name) => ({ name, syntax: '' })),
    });
    m.editor.prompt('memcached> ');
    m.keys('g\t');
    lines = await m.lines();
    expect(lines[1]).toMatch(/^gat\s+gats\s+get\s+gets$/);
    expect(m.editor.state.buffer).toBe('g');
  });

  test('Tab on an empty line lists the whole catalog only on the second press', async () => {
    const s = redis();
    s.keys('\t');
    expect(await s.lines()).toEqual(['redis>']);
    s.keys('\t');
    const lines = await s.lines();
    expect(lines[1]).toMatch(/^CLIENT\s+GET/);
    expect(lines.at(-1)).toBe('redis>');
  });

  test('a prompt that counts bytes (a data block) counts live, with no hint and no completion', async () => {
    const s = new HeadlessScreen({ commands: [{ name: 'get', syntax: '<key>' }] });
    s.editor.prompt(`data (${byteCountMark(0)}/10 bytes)> `);
    expect((await s.lines())[0]).toBe('data (0/10 bytes)>');
    s.keys('gé');
    expect((await s.lines())[0]).toBe('data (3/10 bytes)> gé');
    s.keys('\t');
    expect(s.editor.state.buffer).toBe('gé');
    expect(await s.dimText(0)).toBe('');
    s.type('\r');
    // The line stays on screen with the count it was sent with.
    expect((await s.lines())[0]).toBe('data (3/10 bytes)> gé');
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
