import { describe, expect, it } from 'vitest';
import { closestFirst, levenshtein } from './closest-names.ts';

describe('closest names', () => {
  it('counts the edits between two names', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
  });

  it('orders names by distance, ties by name, case folded when asked', () => {
    expect(closestFirst('logs', ['direct_logs', 'log', 'topic_logs'])).toEqual(['log', 'topic_logs', 'direct_logs']);
    expect(closestFirst('USER', ['orders', 'users'], true)).toEqual(['users', 'orders']);
    expect(closestFirst('b', ['c', 'a'])).toEqual(['a', 'c']);
  });
});
