// How hard the property-based fuzz tests (`*.fuzz.test.ts`) push: one number for all of them, so a
// long soak is `FUZZ_RUNS=200000 npx vitest run server/ws/frames.fuzz.test.ts` and the default
// run stays fast. Test support only: nothing the server ships imports server/testing/.
import fc from 'fast-check';

/** Cases each fuzz property runs. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS) || 10_000;

/** One property of a boundary, with the inputs that once broke it, tried first on every run. */
export interface FuzzProperty {
  name: string;
  property: fc.IProperty<[unknown]>;
  examples: [unknown][];
}

/** Every property of one boundary (the WebSocket frames, a terminal's line parser, …). */
export interface FuzzBoundary {
  name: string;
  properties: FuzzProperty[];
}

/**
 * A property over one generated value: `check` throws (an assertion) when the property does not
 * hold. `examples` are regression inputs: each once made `check` fail before the fix it names.
 */
export function fuzzProperty<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => void,
  examples: T[] = [],
): FuzzProperty {
  return {
    name,
    property: fc.property(arbitrary, (value) => check(value)) as fc.IProperty<[unknown]>,
    examples: examples.map((e) => [e]),
  };
}

/** Runs one property as a test does: throws fast-check's report (seed, path, shrunk input) on a failure. */
export function assertFuzz(p: FuzzProperty, runs = FUZZ_RUNS): void {
  fc.assert(p.property, { numRuns: runs, examples: p.examples });
}
