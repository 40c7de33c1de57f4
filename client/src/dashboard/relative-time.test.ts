import { describe, expect, test } from 'vitest';
import { timeAgo } from './relative-time.ts';

describe('time ago', () => {
  const now = Date.parse('2025-03-01T12:00:00.000Z');
  const before = (ms: number) => new Date(now - ms).toISOString();

  test('coarse steps: just now, minutes, hours, days', () => {
    expect(timeAgo(before(10_000), now)).toBe('just now');
    expect(timeAgo(before(2 * 60_000), now)).toBe('2 min ago');
    expect(timeAgo(before(59 * 60_000), now)).toBe('59 min ago');
    expect(timeAgo(before(3 * 3600_000), now)).toBe('3 h ago');
    expect(timeAgo(before(2 * 86400_000), now)).toBe('2 d ago');
  });

  test('nothing yet, a clock ahead of ours, or nonsense', () => {
    expect(timeAgo(null, now)).toBe('never');
    expect(timeAgo(before(-5000), now)).toBe('just now');
    expect(timeAgo('not a date', now)).toBe('never');
  });
});
