// "Closest name first", for hints that list what exists instead of what was asked for (MySQL's
// tables for a 1146, a vhost's queues for a 404).

/** Edits (insert, delete, replace a character) between two names. */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** `names` ordered by their distance to `name` (ties by name); `fold` compares them lower-cased. */
export function closestFirst(name: string, names: readonly string[], fold = false): string[] {
  const key = (s: string) => (fold ? s.toLowerCase() : s);
  const wanted = key(name);
  return names
    .map((n) => ({ n, d: levenshtein(wanted, key(n)) }))
    .sort((x, y) => x.d - y.d || (x.n < y.n ? -1 : x.n > y.n ? 1 : 0))
    .map((s) => s.n);
}
