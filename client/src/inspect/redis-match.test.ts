import { describe, expect, test } from 'vitest';
import { matchPattern } from './RedisView.tsx';

describe('the Redis filter as a SCAN MATCH pattern', () => {
  test('plain text matches anywhere in the key; a glob goes as typed', () => {
    expect(matchPattern('')).toBeNull();
    expect(matchPattern('  ')).toBeNull();
    expect(matchPattern('user')).toBe('*user*');
    expect(matchPattern('user:*')).toBe('user:*');
    expect(matchPattern('h?llo')).toBe('h?llo');
    expect(matchPattern('[ab]c')).toBe('[ab]c');
    // A backslash in plain text is a backslash, not an escape.
    expect(matchPattern('a\\b')).toBe('*a\\\\b*');
  });
});
