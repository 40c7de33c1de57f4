// Property-based fuzzing of the AMQP method-line parser (parseLine): generators and properties in
// server/testing/fuzz/amqp-lines.ts, shared with bench/fuzz.ts.
import { describe, it } from 'vitest';
import { assertFuzz } from '../../testing/fuzz.ts';
import { amqpLines } from '../../testing/fuzz/amqp-lines.ts';

describe('the AMQP method-line parser, fuzzed', () => {
  for (const p of amqpLines.properties) it(p.name, () => assertFuzz(p));
});
