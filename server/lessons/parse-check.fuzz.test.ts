// Property-based fuzzing of the check fences (parseCheckBlock) and the fence info strings
// (parseFenceInfo) of lesson.md: generators and properties in server/testing/fuzz/lesson-files.ts,
// shared with bench/fuzz.ts.
import { describe, it } from 'vitest';
import { assertFuzz } from '../testing/fuzz.ts';
import { checkBlockProperty, fenceInfoProperty } from '../testing/fuzz/lesson-files.ts';

describe('check fences and fence info, fuzzed', () => {
  for (const p of [checkBlockProperty, fenceInfoProperty]) it(p.name, () => assertFuzz(p));
});
