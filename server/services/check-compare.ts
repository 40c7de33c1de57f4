// Comparing what a service answers with what a check expects, as text: YAML reads `equals: 3` as
// a number and `equals: [a, 1]` as a string and a number, while services answer "3" or 3. And
// showing values in failure messages the way a learner would type them.

export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/** A value from a client library (Buffers, bigints) as plain data. */
export function toPlain(value: unknown): Plain {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  return value as string | number | boolean;
}

/** Scalar as text; null stays null. */
export function textOf(value: unknown): string | null {
  const plain = toPlain(value);
  if (plain === null) return null;
  if (typeof plain === 'object') return JSON.stringify(plain);
  return String(plain);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** A flat [k1, v1, k2, v2…] reply (HGETALL, CONFIG GET) as a mapping. */
function pairsToMapping(items: unknown[]): Record<string, unknown> | null {
  if (items.length % 2 !== 0) return null;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < items.length; i += 2) out[String(textOf(items[i]))] = items[i + 1];
  return out;
}

/**
 * Whether `actual` (a service's answer) equals `expected` (from YAML), comparing scalars as text,
 * lists in order, and mappings by their keys (a flat list of pairs counts as a mapping).
 */
export function sameAsText(actual: unknown, expected: unknown): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => sameAsText(actual[i], e))
    );
  }
  if (isMapping(expected)) {
    const mapping = Array.isArray(actual) ? pairsToMapping(actual) : isMapping(actual) ? actual : null;
    if (!mapping) return false;
    const keys = Object.keys(expected);
    return (
      keys.length === Object.keys(mapping).length &&
      keys.every((k) => k in mapping && sameAsText(mapping[k], expected[k]))
    );
  }
  if (actual === null || actual === undefined || Array.isArray(actual) || isMapping(actual)) return false;
  return textOf(actual) === textOf(expected);
}

/** For messages: strings quoted, numbers bare, lists in brackets, nil as (nil). */
export function show(value: unknown): string {
  const plain = toPlain(value);
  if (plain === null) return '(nil)';
  if (typeof plain === 'string') return JSON.stringify(plain);
  if (Array.isArray(plain)) return `[${plain.map(show).join(', ')}]`;
  if (typeof plain === 'object')
    return `{${Object.entries(plain)
      .map(([k, v]) => `${k}: ${show(v)}`)
      .join(', ')}}`;
  return String(plain);
}

/** "1 message", "3 messages". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** A query or command in a message: whole when short, cut with "…" when long. */
export function abbreviate(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
