import { describe, expect, it } from 'vitest';
import { oomHint } from './oom-hint.ts';

describe('the hint under an OOM error', () => {
  it('says how much the Redis may hold and why it refuses, by its eviction policy', () => {
    expect(oomHint(32 * 1024 * 1024, 'noeviction')).toBe(
      'this Redis may hold 32 MB (maxmemory) and is full; with maxmemory-policy noeviction it refuses writes rather than drop keys by itself: make room with DEL or UNLINK of keys you no longer need, or FLUSHDB',
    );
    expect(oomHint(1, 'volatile-lru')).toMatch(
      /^this Redis may hold 1 byte .* volatile-lru evicts only keys with a TTL/,
    );
    expect(oomHint(1.5 * 1024 * 1024, 'allkeys-lru')).toMatch(
      /^this Redis may hold 1\.5 MB .*allkeys-lru found nothing/,
    );
  });
});
