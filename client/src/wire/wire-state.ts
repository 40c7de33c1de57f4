// Which panes show their Wire view: a list of pane keys (a service's name, a run pane's key) kept in
// the tab's sessionStorage, so a reload finds the views open where they were.
export const WIRE_OPEN_KEY = 'playground.wire';

export function parseWireOpen(text: string | null): string[] {
  try {
    const value = JSON.parse(text ?? '[]') as unknown;
    return Array.isArray(value) ? value.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

export function serializeWireOpen(keys: readonly string[]): string {
  return JSON.stringify(keys);
}

/** `keys` with `key` shown (`open`), hidden, or switched (undefined). */
export function toggleWireOpen(keys: readonly string[], key: string, open?: boolean): readonly string[] {
  const has = keys.includes(key);
  const want = open ?? !has;
  if (want === has) return keys;
  return want ? [...keys, key] : keys.filter((k) => k !== key);
}

/**
 * `keys` without the panes that went away (`before` had them, `now` does not). Only those: after a
 * reload the run panes come back a moment later, and their views must still be open then.
 */
export function pruneWireOpen(
  keys: readonly string[],
  before: readonly string[],
  now: readonly string[],
): readonly string[] {
  const gone = new Set(before.filter((k) => !now.includes(k)));
  return keys.some((k) => gone.has(k)) ? keys.filter((k) => !gone.has(k)) : keys;
}
