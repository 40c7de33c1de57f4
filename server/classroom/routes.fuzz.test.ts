// Property-based fuzzing of the classroom API's body parsing (routes.ts: each route's schema and
// parse()): generators and properties in server/testing/fuzz/classroom-bodies.ts, shared with
// bench/fuzz.ts. routes-http.fuzz.test.ts sends such bodies to a running server.
import { describe, it } from 'vitest';
import { assertFuzz } from '../testing/fuzz.ts';
import { classroomBodies } from '../testing/fuzz/classroom-bodies.ts';

describe('classroom API bodies, fuzzed', () => {
  for (const p of classroomBodies.properties) it(p.name, () => assertFuzz(p));
});
