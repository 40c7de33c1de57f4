// JSON as it arrives from outside: text, not values. Objects are written from [key, value text]
// pairs, so a frame or a body can hold what no object literal can (a "__proto__" key of its own, a
// key given twice, 1e400), the way a hostile or broken client would send it.
import fc from 'fast-check';

/** Keys that mean something to JavaScript objects: a parser that reads them naively gets surprises. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];

/** Text of every kind: printable, any code point, lone surrogate halves, controls. */
export const anyText = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength }),
    fc.constantFrom('', ' ', '\0', '\u2028', '\ufeff', '\ud800', 'é', '😀', '\x1b[2J', 'a'.repeat(65)),
  );

/** A string far past any limit a field has (ids, names, code), built once per size. */
export const hugeText = fc
  .constantFrom(64, 65, 250, 4096, 256 * 1024 + 1)
  .chain((n) => fc.constantFrom('x', 'é', '\0', '"').map((c) => c.repeat(n)));

/** Number literals JSON.parse reads into values a schema must still judge: Infinity, -0, floats, huge. */
export const numberText = fc.oneof(
  fc.constantFrom('0', '-0', '1', '-1', '1.5', '1e400', '-1e400', '1e-400', '9007199254740993', '1.0', '1e3', '80'),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);

/** How deep a value nests: shallow, or deep enough to overflow the stack of anything that recurses into it. */
export const nestingDepth = fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constantFrom(1000, 5000, 20_000));

/** A list in a list … `depth` deep, or objects `{"a":…}` as deep. */
export function nested(depth: number, list = true): string {
  return list ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '0' + '}'.repeat(depth);
}

/** Any JSON value, as text, with the odd numbers above and deep nesting now and then. */
export const jsonValueText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: numberText },
  { weight: 2, arbitrary: anyText().map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: hugeText.map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.constantFrom('null', 'true', 'false', '[]', '{}', '[[[[[[[[[[]]]]]]]]]]') },
  { weight: 1, arbitrary: fc.tuple(nestingDepth, fc.boolean()).map(([n, list]) => nested(n, list)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.jsonValue({ maxDepth: 2 }))
      .map(([k, v]) => `{${JSON.stringify(k)}:${JSON.stringify(v)}}`),
  },
);

export type Entry = [key: string, valueText: string];

/** `{"k":v,…}` from pairs, in order, duplicates and odd keys kept. */
export function objectText(entries: readonly Entry[]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

/** A pair from a real value. */
export const entry = (key: string, value: unknown): Entry => [key, JSON.stringify(value)];

/** One change to an object's pairs: a field of the wrong type, gone, doubled, or an odd key beside them. */
export type Mutation = (entries: Entry[]) => Entry[];

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // A field's value replaced by anything.
  fc.tuple(fc.nat(), jsonValueText).map(
    ([i, value]): Mutation =>
      (entries) =>
        entries.length === 0 ? entries : entries.map((e, n) => (n === i % entries.length ? [e[0], value] : e)),
  ),
  // A field left out.
  fc.nat().map(
    (i): Mutation =>
      (entries) =>
        entries.filter((_, n) => entries.length === 0 || n !== i % entries.length),
  ),
  // A field given twice, the second time with another value (JSON.parse keeps the last).
  fc.tuple(fc.nat(), jsonValueText).map(
    ([i, value]): Mutation =>
      (entries) =>
        entries.length === 0 ? entries : [...entries, [entries[i % entries.length][0], value]],
  ),
  // A key that is no field: a prototype name, or any text.
  fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), anyText(12)), jsonValueText, fc.boolean()).map(
    ([key, value, first]): Mutation =>
      (entries) =>
        first ? [[key, value], ...entries] : [...entries, [key, value]],
  ),
  // A value nested inside an object or a list where a plain value belongs.
  fc.tuple(fc.nat(), fc.boolean()).map(
    ([i, asList]): Mutation =>
      (entries) =>
        entries.map((e, n) =>
          n === i % Math.max(1, entries.length) ? [e[0], asList ? `[${e[1]}]` : `{"value":${e[1]}}`] : e,
        ),
  ),
);

/** The pairs after up to `max` mutations. */
export function mutated(base: fc.Arbitrary<Entry[]>, max = 3): fc.Arbitrary<Entry[]> {
  return fc
    .tuple(base, fc.array(mutation, { maxLength: max }))
    .map(([entries, changes]) => changes.reduce((acc, change) => change(acc), entries));
}

/** Text that is almost JSON: a valid text cut short, or with one character changed or dropped. */
export function brokenJson(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.nat(), fc.constantFrom('cut', 'drop', 'swap'), anyText(2)).map(([text, at, how, other]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    if (how === 'cut') return text.slice(0, i);
    if (how === 'drop') return text.slice(0, i) + text.slice(i + 1);
    return text.slice(0, i) + other + text.slice(i + 1);
  });
}
