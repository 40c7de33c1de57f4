// The service variables a run's program finds in its environment (REDIS_URL and the others), as
// the server reported them in its last `started`, in the order it gives them (its services' order). They are kept in localStorage so the editor can
// show them before the first run of a visit; a run always brings the current ones.

export const ENV_STORAGE_KEY = 'playground.run.env';

export interface RunEnvSnapshot {
  env: Record<string, string> | null;
  /** When the values were reported (ms since epoch). */
  at: number | null;
  /** Reported during this visit (not read back from an earlier one). */
  current: boolean;
}

/** The variables as the environment strip lists them: in the server's order. */
export function envEntries(env: Record<string, string>): Array<[string, string]> {
  return Object.entries(env);
}

/** A value quoted for a POSIX shell: single quotes, each ' written as '\''. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `export NAME=value` lines, to paste into a shell and run the same program outside the playground. */
export function exportLines(env: Record<string, string>): string {
  return envEntries(env)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join('\n');
}

export function parseStoredEnv(json: string | null): { env: Record<string, string>; at: number } | null {
  try {
    const value = JSON.parse(json ?? 'null') as { env?: unknown; at?: unknown } | null;
    if (!value || typeof value.env !== 'object' || value.env === null || typeof value.at !== 'number') return null;
    const env = Object.fromEntries(
      Object.entries(value.env as Record<string, unknown>).filter(
        (e): e is [string, string] => /^[A-Z][A-Z0-9_]*$/.test(e[0]) && typeof e[1] === 'string',
      ),
    );
    return Object.keys(env).length > 0 ? { env, at: value.at } : null;
  } catch {
    return null;
  }
}

type EnvStorage = Pick<Storage, 'getItem' | 'setItem'>;

export class RunEnvironment {
  private snap: RunEnvSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly storage: EnvStorage | null,
    private readonly now: () => number = () => Date.now(),
  ) {
    let stored: ReturnType<typeof parseStoredEnv> = null;
    try {
      stored = parseStoredEnv(storage?.getItem(ENV_STORAGE_KEY) ?? null);
    } catch {
      // Storage disabled: nothing known until the first run.
    }
    this.snap = { env: stored?.env ?? null, at: stored?.at ?? null, current: false };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RunEnvSnapshot => this.snap;

  /** A run started with these variables. */
  report(env: Record<string, string>): void {
    if (this.snap.current && JSON.stringify(this.snap.env) === JSON.stringify(env)) return;
    const at = this.now();
    this.snap = { env, at, current: true };
    try {
      this.storage?.setItem(ENV_STORAGE_KEY, JSON.stringify({ env, at }));
    } catch {
      // Not kept for the next visit; shown for this one.
    }
    for (const l of this.listeners) l();
  }
}
