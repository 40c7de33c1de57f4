import { describe, expect, it } from 'vitest';
import { splitArgs } from './split-args.ts';

/** The arguments as latin1 text (one character per byte), or null. */
function split(line: string): string[] | null {
  return splitArgs(line)?.map((a) => a.toString('latin1')) ?? null;
}

describe('splitArgs (redis-cli sdssplitargs)', () => {
  it('splits on spaces, tabs and line ends, ignoring runs of them', () => {
    expect(split('set foo bar')).toEqual(['set', 'foo', 'bar']);
    expect(split('  set \t foo\r\nbar  ')).toEqual(['set', 'foo', 'bar']);
  });

  it('gives no arguments for an empty or blank line', () => {
    expect(split('')).toEqual([]);
    expect(split(' \t ')).toEqual([]);
  });

  it('reads double quotes with every escape redis-cli knows', () => {
    expect(split('"hello world"')).toEqual(['hello world']);
    expect(split('"a\\nb\\rc\\td\\be\\af\\\\g\\"h"')).toEqual(['a\nb\rc\td\be\x07f\\g"h']);
    expect(split('"\\x41\\x7a\\xfF"')).toEqual(['Az\xff']);
    // Not a full \xHH: the backslash just quotes the next character.
    expect(split('"\\xZZ \\q"')).toEqual(['xZZ q']);
  });

  it("reads single quotes with only \\' as an escape", () => {
    expect(split("'it\\'s'")).toEqual(["it's"]);
    expect(split('\'a\\nb "c"\'')).toEqual(['a\\nb "c"']);
  });

  it('joins quotes that start inside a word, and keeps empty quoted arguments', () => {
    expect(split('foo"bar baz" x')).toEqual(['foobar baz', 'x']);
    expect(split('set k ""')).toEqual(['set', 'k', '']);
    expect(split("'' ''")).toEqual(['', '']);
  });

  it('accepts a closing quote followed by any whitespace', () => {
    expect(split('"a"\tb')).toEqual(['a', 'b']);
    expect(split("'a'\nb")).toEqual(['a', 'b']);
  });

  it('keeps \\v and \\f inside a bare word, as sdssplitargs only ends words at space, \\t, \\r, \\n', () => {
    expect(split('a\vb c\fd')).toEqual(['a\vb', 'c\fd']);
  });

  it('sends what is typed as UTF-8 bytes', () => {
    const args = splitArgs('set k ü');
    expect(args?.[2]).toEqual(Buffer.from([0xc3, 0xbc]));
  });

  it('stops at a NUL character, as the C string would', () => {
    expect(split('get a\0b c')).toEqual(['get', 'a']);
  });

  describe('refuses what redis-cli calls "Invalid argument(s)"', () => {
    it.each([
      ['an unterminated double quote', 'set k "abc'],
      ['an unterminated single quote', "set k 'abc"],
      ['a closing double quote followed by text', 'set k "abc"def'],
      ['a closing single quote followed by text', "set k 'abc'def"],
      ['a backslash ending a double-quoted argument', 'set k "abc\\'],
      ['an escaped closing double quote', 'set k "abc\\"'],
      ['an escaped closing single quote', "set k 'abc\\'"],
      ['a quote left open by a NUL', 'set k "ab\0c"'],
      ['a lone double quote', '"'],
    ])('%s', (_what, line) => {
      expect(splitArgs(line)).toBeNull();
    });
  });
});
