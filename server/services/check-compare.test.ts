import { describe, expect, it } from 'vitest';
import { abbreviate, plural, sameAsText, show } from './check-compare.ts';

describe('sameAsText', () => {
  it('compares scalars as text', () => {
    expect(sameAsText('3', 3)).toBe(true);
    expect(sameAsText(3, '3')).toBe(true);
    expect(sameAsText('1.5', 1.5)).toBe(true);
    expect(sameAsText('3', 4)).toBe(false);
    expect(sameAsText(null, null)).toBe(true);
    expect(sameAsText(null, 'x')).toBe(false);
    expect(sameAsText(['a'], 'a')).toBe(false);
  });
  it('compares lists in order and mappings by key (flat pairs count)', () => {
    expect(sameAsText(['a', '1'], ['a', 1])).toBe(true);
    expect(sameAsText(['1', 'a'], ['a', 1])).toBe(false);
    expect(sameAsText(['f', 'v', 'g', '2'], { g: 2, f: 'v' })).toBe(true);
    expect(sameAsText({ f: 'v' }, { f: 'v', g: 1 })).toBe(false);
    expect(sameAsText(Buffer.from('hi'), 'hi')).toBe(true);
  });
});

describe('show', () => {
  it('writes values as a learner reads them', () => {
    expect(show('x')).toBe('"x"');
    expect(show(2)).toBe('2');
    expect(show(null)).toBe('(nil)');
    expect(show(['a', 1])).toBe('["a", 1]');
    expect(show({ a: '1' })).toBe('{a: "1"}');
  });
  it('plural and abbreviate', () => {
    expect(plural(1, 'row')).toBe('1 row');
    expect(plural(0, 'row')).toBe('0 rows');
    expect(abbreviate('SELECT   1')).toBe('SELECT 1');
    expect(abbreviate('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
