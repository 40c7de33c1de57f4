// The line editor, driven by keys and checked on a real (headless) xterm.js screen.
import { describe, expect, test } from 'vitest';
import { MAX_LINE_BYTES } from '../../../shared/limits.ts';
import { CTRL, HeadlessScreen, MemoryStorage, redisScreen as redis } from './headless-screen.ts';
import { HISTORY_LIMIT, LineHistory } from './history.ts';

const LEFT = '\x1b[D';
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const HOME = '\x1b[H';
const END = '\x1b[F';
const DELETE = '\x1b[3~';
const BACKSPACE = '\x7f';
const ALT = (ch: string) => `\x1b${ch}`;
const paste = (text: string) => `\x1b[200~${text}\x1b[201~`;

describe('typing and editing', () => {
  test('echoes locally and sends nothing until Enter', async () => {
    const s = redis();
    s.keys('PING');
    expect(s.submitted).toEqual([]);
    expect((await s.lines())[0]).toMatch(/^redis> PING/);
    s.type('\r');
    expect(s.submitted).toEqual(['PING']);
    expect(await s.lines()).toEqual(['redis> PING']);
    expect(await s.cursor()).toEqual({ x: 0, y: 1 });
  });

  test('inserts and deletes in the middle of the line', async () => {
    const s = redis();
    s.keys('SET k vale').type(LEFT).keys('u').type(END).type(BACKSPACE).type(HOME).type(DELETE);
    expect(s.editor.state.buffer).toBe('ET k valu');
    expect((await s.lines())[0]).toBe('redis> ET k valu');
    expect(await s.cursor()).toEqual({ x: 7, y: 0 });
  });

  test('Ctrl-A/E/B/F move like Home/End/Left/Right', async () => {
    const s = redis();
    s.keys('abc').type(CTRL('a')).keys('1').type(CTRL('e')).keys('2').type(CTRL('b')).type(CTRL('b')).keys('3');
    s.type(CTRL('f')).keys('4');
    expect(s.editor.state.buffer).toBe('1ab3c42');
    expect((await s.lines())[0]).toBe('redis> 1ab3c42');
    expect((await s.cursor()).x).toBe(7 + 6);
  });

  test('Ctrl-K, Ctrl-U, Ctrl-W kill and Ctrl-Y yanks back', async () => {
    const s = redis();
    s.keys('SET key value').type(ALT('b')).type(CTRL('k'));
    expect(s.editor.state.buffer).toBe('SET key ');
    s.type(CTRL('y'));
    expect(s.editor.state.buffer).toBe('SET key value');
    s.type(CTRL('w'));
    expect(s.editor.state.buffer).toBe('SET key ');
    s.type(CTRL('w'));
    expect(s.editor.state.buffer).toBe('SET ');
    s.keys('a b').type(LEFT).type(LEFT).type(CTRL('u'));
    expect(s.editor.state.buffer).toBe(' b');
    expect((await s.lines())[0]).toBe('redis>  b');
  });

  test('Alt-B and Alt-F (and Ctrl-arrows) move by word', async () => {
    const s = redis();
    s.keys('HSET user:1 name ada');
    s.type(ALT('b'));
    expect(s.editor.state.cursor).toBe(17);
    s.type(ALT('b')).type(ALT('b'));
    expect(s.editor.state.cursor).toBe(10);
    s.type('\x1b[1;5D');
    expect(s.editor.state.cursor).toBe(5);
    s.type(ALT('f'));
    expect(s.editor.state.cursor).toBe(9);
    s.type('\x1b[1;5C');
    expect(s.editor.state.cursor).toBe(11);
    expect((await s.cursor()).x).toBe(7 + 11);
  });

  test('Alt-Backspace and Alt-D kill words', () => {
    const s = redis();
    s.keys('SET alpha beta').type(ALT('\x7f'));
    expect(s.editor.state.buffer).toBe('SET alpha ');
    s.type(HOME).type(ALT('d'));
    expect(s.editor.state.buffer).toBe(' alpha ');
  });

  test('wide characters take two cells and the cursor follows', async () => {
    const s = redis({ commands: [] });
    s.keys('SET k 日本').type(LEFT);
    expect((await s.lines())[0]).toBe('redis> SET k 日本');
    expect(await s.cursor()).toEqual({ x: 7 + 6 + 2, y: 0 });
    s.type(BACKSPACE);
    expect((await s.lines())[0]).toBe('redis> SET k 本');
  });
});

describe('a line longer than the terminal', () => {
  test('wraps, and edits in the middle redraw every row', async () => {
    const s = redis({ cols: 20, commands: [] });
    const long = 'SET key abcdefghijklmnopqrstuvwxyz0123456789';
    s.keys(long);
    expect(await s.lines()).toEqual(['redis> SET key abcde', 'fghijklmnopqrstuvwxy', 'z0123456789']);
    expect(await s.cursor()).toEqual({ x: 11, y: 2 });
    s.type(HOME).keys('>>');
    expect(await s.lines()).toEqual(['redis> >>SET key abc', 'defghijklmnopqrstuvw', 'xyz0123456789']);
    expect(await s.cursor()).toEqual({ x: 9, y: 0 });
    s.type(END);
    expect(await s.cursor()).toEqual({ x: 13, y: 2 });
    for (let i = 0; i < 15; i++) s.type(BACKSPACE);
    expect(await s.lines()).toEqual(['redis> >>SET key abc', 'defghijklmnopqrstu']);
    expect(await s.cursor()).toEqual({ x: 18, y: 1 });
  });

  test('a line ending exactly at the margin puts the cursor on the next row', async () => {
    const s = redis({ cols: 20 });
    s.keys('x'.repeat(13));
    expect(await s.lines()).toEqual(['redis> xxxxxxxxxxxxx']);
    expect(await s.cursor()).toEqual({ x: 0, y: 1 });
    s.keys('y');
    expect(await s.lines()).toEqual(['redis> xxxxxxxxxxxxx', 'y']);
    s.type(BACKSPACE).type(BACKSPACE);
    expect(await s.lines()).toEqual(['redis> xxxxxxxxxxxx']);
    expect(await s.cursor()).toEqual({ x: 19, y: 0 });
  });

  test('the terminal can shrink and grow while a wrapped line is being edited', async () => {
    const s = redis({ cols: 30, commands: [] });
    s.editor.output('hello\r\n');
    s.keys('SET key abcdefghijklmnopqrstuvwxyz');
    await s.resize(20);
    s.keys('!');
    expect(await s.lines()).toEqual(['hello', 'redis> SET key abcde', 'fghijklmnopqrstuvwxy', 'z!']);
    await s.resize(50);
    s.type(HOME).keys('#');
    expect(await s.lines()).toEqual(['hello', 'redis> #SET key abcdefghijklmnopqrstuvwxyz!']);
    expect(await s.cursor()).toEqual({ x: 8, y: 1 });
  });

  test('type-ahead lines above the line reflow; the screen stays clean', async () => {
    const s = redis({ cols: 30, commands: [] });
    s.keys('DEBUG SLEEP 1\r');
    s.keys(`PING ${'a'.repeat(20)}\r`);
    s.keys('GET k');
    expect(await s.lines()).toEqual(['redis> DEBUG SLEEP 1', `PING ${'a'.repeat(20)}`, 'GET k']);
    await s.resize(15);
    s.keys('!');
    expect(await s.lines()).toEqual(['redis> DEBUG SL', 'EEP 1', 'PING aaaaaaaa…', 'GET k!']);
    await s.resize(40);
    s.keys('?');
    expect(await s.lines()).toEqual(['redis> DEBUG SLEEP 1', `PING ${'a'.repeat(20)}`, 'GET k!?']);
    s.editor.prompt('redis> ');
    s.editor.prompt('redis> ');
    expect(await s.lines()).toEqual(['redis> DEBUG SLEEP 1', `redis> PING ${'a'.repeat(20)}`, 'redis> GET k!?']);
  });
});

describe('output while typing', () => {
  test('is written above the line, which is drawn again below it', async () => {
    const s = redis();
    s.keys('SUBSCRI');
    s.editor.output('1) "message"\r\n2) "news"\r\n');
    s.keys('BE');
    expect(await s.lines()).toEqual(['1) "message"', '2) "news"', 'redis> SUBSCRIBE']);
    expect(await s.cursor()).toEqual({ x: 16, y: 2 });
  });

  test('keeps a wrapped line intact', async () => {
    const s = redis({ cols: 20 });
    s.keys('GET averyveryverylongkeyname').type(LEFT);
    s.editor.output('pubsub message\r\n');
    expect(await s.lines()).toEqual(['pubsub message', 'redis> GET averyvery', 'verylongkeyname']);
    expect(await s.cursor()).toEqual({ x: 14, y: 2 });
  });

  test('output that ends mid-line is continued, and the line follows it', async () => {
    const s = new HeadlessScreen();
    s.editor.output('progress: ');
    s.keys('abc');
    expect(await s.lines()).toEqual(['progress: abc']);
    s.editor.output('50%');
    expect(await s.lines()).toEqual(['progress: 50%abc']);
    s.editor.output(' done\r\n');
    expect(await s.lines()).toEqual(['progress: 50% done', 'abc']);
  });

  test('colours in output survive a redraw of the line between two chunks', async () => {
    const s = new HeadlessScreen();
    s.editor.output('\x1b[31mred ');
    s.keys('x');
    s.editor.output('still red\x1b[0m\r\n');
    await s.lines();
    const line = s.term.buffer.active.getLine(0)!;
    expect(line.translateToString(true)).toBe('red still red');
    expect(line.getCell(6)!.getFgColor()).toBe(1);
    const typed = s.term.buffer.active.getLine(1)!;
    expect(typed.translateToString(true)).toBe('x');
    expect(typed.getCell(0)!.isFgDefault()).toBe(true);
  });

  test('a notice gets a line of its own', async () => {
    const s = redis();
    s.keys('GE');
    s.editor.notice('[reconnected]');
    expect(await s.lines()).toEqual(['[reconnected]', 'redis> GE']);
  });
});

describe('Enter, prompts and type-ahead', () => {
  test('a line typed before the prompt waits, shown dim, and runs at its turn', async () => {
    const s = redis();
    s.keys('DEBUG SLEEP 1\r');
    expect(s.submitted).toEqual(['DEBUG SLEEP 1']);
    s.keys('GET a\r');
    s.keys('GET b\r');
    s.keys('GET');
    expect(s.submitted).toEqual(['DEBUG SLEEP 1']);
    expect(await s.lines()).toEqual(['redis> DEBUG SLEEP 1', 'GET a', 'GET b', 'GET key']);
    expect(await s.dimText(1)).toBe('GET a');
    s.editor.output('OK\r\n');
    s.editor.prompt('redis> ');
    expect(s.submitted).toEqual(['DEBUG SLEEP 1', 'GET a']);
    s.editor.output('"1"\r\n');
    s.editor.prompt('redis> ');
    s.editor.output('(nil)\r\n');
    s.editor.prompt('redis> ');
    expect(s.submitted).toEqual(['DEBUG SLEEP 1', 'GET a', 'GET b']);
    expect(await s.lines()).toEqual([
      'redis> DEBUG SLEEP 1',
      'OK',
      'redis> GET a',
      '"1"',
      'redis> GET b',
      '(nil)',
      'redis> GET key',
    ]);
    expect(await s.dimText(6)).toBe(' key');
  });

  test('many waiting lines are counted, not all shown', async () => {
    const s = redis();
    s.type(paste('PING\rPING 1\rPING 2\rPING 3\rPING 4\rPING 5\r'));
    expect(await s.lines()).toEqual(['redis> PING', 'PING 1', 'PING 2', 'PING 3', '… 2 more lines waiting']);
  });

  test('an empty prompt (memcached) runs lines as a pipe', async () => {
    const s = new HeadlessScreen({ commands: [{ name: 'set', syntax: '<key> <flags> <exptime> <bytes>' }] });
    s.editor.prompt('');
    s.keys('set foo 0 0 3\r');
    s.editor.prompt('');
    s.keys('bar\r');
    s.editor.output('STORED\r\n');
    s.editor.prompt('');
    expect(s.submitted).toEqual(['set foo 0 0 3', 'bar']);
    expect(await s.lines()).toEqual(['set foo 0 0 3', 'bar', 'STORED']);
    expect(await s.cursor()).toEqual({ x: 0, y: 3 });
  });

  test('a paste of several lines submits them in order and keeps the last partial line', async () => {
    const s = new HeadlessScreen();
    s.editor.prompt('mysql> ');
    s.type(paste('SELECT 1;\nSELECT 2;\r\nSELECT'));
    expect(s.submitted).toEqual(['SELECT 1;']);
    expect(s.editor.state.buffer).toBe('SELECT');
    s.editor.output('1\r\n');
    s.editor.prompt('mysql> ');
    expect(s.submitted).toEqual(['SELECT 1;', 'SELECT 2;']);
    s.editor.output('2\r\n');
    s.editor.prompt('mysql> ');
    expect(await s.lines()).toEqual(['mysql> SELECT 1;', '1', 'mysql> SELECT 2;', '2', 'mysql> SELECT']);
  });

  test('a paste does not complete on its tabs', () => {
    const s = redis();
    s.type(paste('G\tx'));
    expect(s.editor.state.buffer).toBe('G x');
  });

  test('a paste without bracketed-paste markers still splits lines', () => {
    const s = redis();
    s.type('PING\rPING 2\rGE');
    expect(s.submitted).toEqual(['PING']);
    expect(s.editor.state.queued).toEqual(['PING 2']);
    expect(s.editor.state.buffer).toBe('GE');
  });
});

describe('Ctrl-C and Ctrl-L', () => {
  test('Ctrl-C prints ^C, drops the line and the waiting lines, and interrupts', async () => {
    const s = redis();
    s.keys('SUBSCRIBE news\r');
    s.keys('PING\r');
    s.keys('half');
    s.type(CTRL('c'));
    expect(s.interrupts).toBe(1);
    expect(s.editor.state.buffer).toBe('');
    expect(s.editor.state.queued).toEqual([]);
    s.editor.prompt('redis> ');
    expect(s.submitted).toEqual(['SUBSCRIBE news']);
    expect(await s.lines()).toEqual(['redis> SUBSCRIBE news', 'half^C', 'redis>']);
    expect(await s.cursor()).toEqual({ x: 7, y: 2 });
  });

  test('Ctrl-C at the prompt keeps the typed line on screen', async () => {
    const s = redis();
    s.keys('GET x').type(CTRL('c'));
    s.editor.prompt('redis> ');
    expect(await s.lines()).toEqual(['redis> GET x^C', 'redis>']);
  });

  test('Ctrl-L clears the screen and redraws prompt and line', async () => {
    const s = redis({ rows: 5 });
    s.editor.output('a\r\nb\r\nc\r\n');
    s.keys('GET k').type(LEFT).type(CTRL('l'));
    const b = s.term.buffer.active;
    await s.lines();
    expect(b.getLine(b.baseY)!.translateToString(true)).toBe('redis> GET k');
    expect(b.cursorY).toBe(0);
    expect(b.cursorX).toBe(11);
  });
});

describe('history', () => {
  test('Up and Down walk the history and come back to the line being typed', async () => {
    const s = redis({ commands: [] });
    for (const line of ['SET a 1', 'GET a']) {
      s.keys(`${line}\r`);
      s.editor.prompt('redis> ');
    }
    s.keys('draft');
    s.type(UP);
    expect((await s.lines()).at(-1)).toBe('redis> GET a');
    s.type(UP);
    expect((await s.lines()).at(-1)).toBe('redis> SET a 1');
    s.type(UP);
    expect(s.editor.state.buffer).toBe('SET a 1');
    s.type(DOWN).type(DOWN);
    expect(s.editor.state.buffer).toBe('draft');
    s.type(CTRL('p'));
    expect(s.editor.state.buffer).toBe('GET a');
    s.type(CTRL('n'));
    expect(s.editor.state.buffer).toBe('draft');
  });

  test('is kept in storage per key, without blanks or repeats, and capped', () => {
    const storage = new MemoryStorage();
    const first = new LineHistory(storage, 'history:redis');
    first.add('PING');
    first.add('PING');
    first.add('   ');
    first.add('GET a');
    expect(JSON.parse(storage.getItem('history:redis')!)).toEqual(['PING', 'GET a']);
    const again = new LineHistory(storage, 'history:redis');
    expect(again.entries).toEqual(['PING', 'GET a']);
    expect(new LineHistory(storage, 'history:mysql').entries).toEqual([]);
    for (let i = 0; i < HISTORY_LIMIT + 10; i++) again.add(`SET k ${i}`);
    expect(again.entries.length).toBe(HISTORY_LIMIT);
    expect(again.entries.at(-1)).toBe(`SET k ${HISTORY_LIMIT + 9}`);
  });

  test('a reloaded page finds the history again', () => {
    const storage = new MemoryStorage();
    const s1 = redis({ storage });
    s1.keys('GET persisted\r');
    const s2 = redis({ storage });
    s2.type(UP);
    expect(s2.editor.state.buffer).toBe('GET persisted');
  });

  test('survives broken storage', () => {
    const storage = new MemoryStorage();
    storage.setItem('k', '{not json');
    expect(new LineHistory(storage, 'k').entries).toEqual([]);
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceeded');
      },
    };
    const h = new LineHistory(full, 'k');
    h.add('PING');
    expect(h.entries).toEqual(['PING']);
  });
});

describe('limits', () => {
  test('a line over the byte limit is refused locally with a message', async () => {
    const s = redis({ maxLineBytes: 16 });
    s.keys('GET 0123456789');
    s.type(paste('abcdef'));
    expect(s.editor.state.buffer).toBe('GET 0123456789');
    expect(await s.lines()).toEqual([
      'line too long: 20 bytes, the limit is 16',
      '; it was not added',
      'redis> GET 0123456789',
    ]);
  });

  test('an over-long pasted line is dropped whole; the lines around it still run', () => {
    const s = redis();
    s.type(paste(`PING\r${'x'.repeat(MAX_LINE_BYTES + 1)}\rPING 2\r`));
    expect(s.submitted).toEqual(['PING']);
    expect(s.editor.state.queued).toEqual(['PING 2']);
  });

  test('the real limit counts UTF-8 bytes', () => {
    const s = redis();
    s.type(paste('é'.repeat(MAX_LINE_BYTES / 2)));
    expect(s.editor.state.buffer.length).toBe(MAX_LINE_BYTES / 2);
    s.keys('x');
    expect(s.editor.state.buffer.length).toBe(MAX_LINE_BYTES / 2);
  });

  test('type-ahead beyond the pending limit is refused', () => {
    const s = redis({ maxPendingBytes: 10 });
    s.keys('BLPOP q 0\r');
    s.keys('PING 1\r');
    s.keys('PING 2\r');
    expect(s.editor.state.queued).toEqual(['PING 1']);
  });
});

describe('lines typed for the learner (a lesson block)', () => {
  test('are echoed after the prompt, sent, and kept in history; what the learner typed stays', async () => {
    const s = redis();
    s.keys('GET dr');
    s.editor.enterLine('SET a 1');
    expect(s.submitted).toEqual(['SET a 1']);
    expect((await s.lines())[0]).toBe('redis> SET a 1');
    expect(s.editor.state.buffer).toBe('GET dr');
    s.editor.output('OK\r\n');
    s.editor.prompt('redis> ');
    expect((await s.lines()).slice(0, 3)).toEqual(['redis> SET a 1', 'OK', 'redis> GET dr']);
    s.keys(CTRL('u'));
    s.type(UP);
    expect(s.editor.state.buffer).toBe('SET a 1');
  });
});
