// Property-based fuzzing of the redis-cli line splitter (splitArgs): generators and properties in
// server/testing/fuzz/redis-lines.ts, shared with bench/fuzz.ts.
import { describe, it } from 'vitest';
import { assertFuzz } from '../../testing/fuzz.ts';
import { redisLines } from '../../testing/fuzz/redis-lines.ts';

describe('the redis-cli line splitter (splitArgs), fuzzed', () => {
  for (const p of redisLines.properties) it(p.name, () => assertFuzz(p));
});
