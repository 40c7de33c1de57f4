import { describe, expect, it } from 'vitest';
import { parseRepeat } from './terminal.ts';

const words = (...w: string[]) => w.map((s) => Buffer.from(s, 'latin1'));

describe('parseRepeat (redis-cli: a leading number repeats the command)', () => {
  it('reads a whole-word number before a command', () => {
    expect(parseRepeat(words('3', 'PING'))).toEqual({ count: 3 });
    expect(parseRepeat(words('+2', 'PING'))).toEqual({ count: 2 });
  });

  it('leaves words that are not wholly a number, and a lone number, as commands', () => {
    expect(parseRepeat(words('3x', 'PING'))).toBeNull();
    expect(parseRepeat(words('PING'))).toBeNull();
    expect(parseRepeat(words('3'))).toBeNull();
    expect(parseRepeat(words('+', 'PING'))).toBeNull();
  });

  it('refuses zero, negative counts and an empty word, as strtol and redis-cli do', () => {
    expect(parseRepeat(words('0', 'PING'))).toEqual({ invalid: true });
    expect(parseRepeat(words('-1', 'PING'))).toEqual({ invalid: true });
    expect(parseRepeat(words('', 'PING'))).toEqual({ invalid: true });
    expect(parseRepeat(words('99999999999999999999', 'PING'))).toEqual({ invalid: true });
  });
});
