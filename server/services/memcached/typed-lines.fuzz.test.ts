// Property-based fuzzing of the memcached terminal's typed lines (TypedLines): generators and
// properties in server/testing/fuzz/memcached-lines.ts, shared with bench/fuzz.ts.
import { describe, it } from 'vitest';
import { assertFuzz } from '../../testing/fuzz.ts';
import { memcachedLines } from '../../testing/fuzz/memcached-lines.ts';

describe('memcached typed lines, fuzzed', () => {
  for (const p of memcachedLines.properties) it(p.name, () => assertFuzz(p));
});
