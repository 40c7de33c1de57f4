// Property-based fuzzing of the /ws frame parser (parseClientMessage): generators and properties in
// server/testing/fuzz/ws-frames.ts, shared with bench/fuzz.ts.
import { describe, it } from 'vitest';
import { assertFuzz } from '../testing/fuzz.ts';
import { wsFrames } from '../testing/fuzz/ws-frames.ts';

describe('parseClientMessage, fuzzed', () => {
  for (const p of wsFrames.properties) it(p.name, () => assertFuzz(p));
});
