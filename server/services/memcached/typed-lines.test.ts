// The memcached terminal's reading of typed lines: data blocks, their byte counts, the notes for a
// data line that does not fit, and the usage after a wrong number of arguments.
import { describe, expect, it } from 'vitest';
import { fillByteCount } from '../../../shared/live-prompt.ts';
import { COMMAND_PROMPT, TypedLines, withUsage } from './typed-lines.ts';

/** The prompt as the browser draws it before `line` (ANSI removed). */
const drawn = (t: TypedLines, line = '') => fillByteCount(t.prompt(), line).replace(/\x1b\[[0-9;]*m/g, '');

describe('memcached typed lines', () => {
  it('prompts memcached> and counts a data block in UTF-8 bytes as it is typed', () => {
    const t = new TypedLines();
    expect(t.prompt()).toBe(COMMAND_PROMPT);
    expect(drawn(t)).toBe('memcached> ');
    expect(t.send('set k 0 0 10')).toEqual({ note: null, usage: null });
    expect(drawn(t)).toBe('data (0/10 bytes)> ');
    expect(drawn(t, 'héllo')).toBe('data (6/10 bytes)> ');
    expect(drawn(t, '日本')).toBe('data (6/10 bytes)> ');
    // 4 + 6 bytes: exactly what was declared, so no note, and back to commands.
    expect(t.send('cafe日本').note).toBeNull();
    expect(drawn(t)).toBe('memcached> ');
  });

  it('a short data line: the line end is data too, and the count goes on', () => {
    const t = new TypedLines();
    t.send('set k 0 0 10');
    const { note } = t.send('short');
    expect(note).toContain('5 of the 10 bytes set declared: the line end is data too');
    expect(note).toContain('waits for 3 more bytes');
    expect(note!.endsWith('\r\n')).toBe(true);
    expect(note!.split('\r\n')).toHaveLength(2); // one line
    expect(drawn(t)).toBe('data (7/10 bytes)> ');
    expect(t.send('abc').note).toBeNull();
    expect(drawn(t)).toBe('memcached> ');
  });

  it('a long data line, or one byte short: the block is refused, back to commands', () => {
    const t = new TypedLines();
    t.send('set k 0 0 3');
    // memcached answers CLIENT_ERROR, and the terminal's hint under it says the sizes.
    expect(t.send('hello').note).toBeNull();
    expect(t.prompt()).toBe(COMMAND_PROMPT);
    // With noreply it answers nothing: the note says it.
    t.send('set k 0 0 3 noreply');
    expect(t.send('hello').note).toContain('5 bytes, but set declared 3: memcached refuses the block');
    expect(t.prompt()).toBe(COMMAND_PROMPT);
    t.send('add k 0 0 6 noreply');
    expect(t.send('hello').note).toContain("5 of the 6 bytes add declared: the line's \\r is taken as the last");
    expect(t.prompt()).toBe(COMMAND_PROMPT);
  });

  it('a wrong argument count has the usage ready for after ERROR', () => {
    const t = new TypedLines();
    const set = t.send('set k 0 0').usage!;
    expect(set).toContain('usage: set <key> <flags> <exptime> <bytes> [noreply]');
    expect(t.prompt()).toBe(COMMAND_PROMPT);
    expect(t.send('get').usage).toContain('usage: get <key> [<key> ...]');
    expect(t.send('incr a').usage).toContain('usage: incr <key> <value> [noreply]');
    expect(t.send('cas k 0 0 2').usage).toContain('<cas unique>');
    // Right counts, and commands with any number of keys, get none.
    expect(t.send('get a b c d').usage).toBeNull();
    expect(t.send('delete k').usage).toBeNull();
    expect(t.send('version').usage).toBeNull();
    // Unknown commands are memcached's to answer; upper case gets a hint.
    expect(t.send('nope a').usage).toBeNull();
    expect(t.send('GET k').usage).toContain("memcached's commands are lower case: get <key>");
  });

  it('puts the usage right after the reply that calls for it', () => {
    const usage = 'usage: get <key>\r\n';
    expect(withUsage('ERROR\r\n', usage)).toBe(`ERROR\r\n${usage}`);
    expect(withUsage('STORED\r\nERROR\r\n', usage)).toBe(`STORED\r\nERROR\r\n${usage}`);
    expect(withUsage('CLIENT_ERROR bad command line format\r\n', usage)).toBe(
      `CLIENT_ERROR bad command line format\r\n${usage}`,
    );
    expect(withUsage('END\r\n', usage)).toBeNull();
    expect(withUsage('SERVER_ERROR out of memory\r\n', usage)).toBeNull();
  });
});
