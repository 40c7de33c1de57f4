// The run-time settings a server had when the playground first met it, so "Start this lesson
// fresh" can put back what a learner changed (`CONFIG SET maxmemory 1` breaks every Redis write in
// every lesson until someone undoes it). They are read at the first contact: the supervisor's
// readiness probe of a server it starts (or was pointed at), or the first terminal or reset of a
// learner's own instance, so before any learner could type into it. Each service's folder says
// which settings count and how to read and write them; this only remembers them.
//
// A limitation, said plainly: the playground cannot know what a server was started with before it
// first saw it. An external server (REDIS_URL, MEMCACHED_SERVERS) that a learner changed before the
// playground was restarted is remembered as it was found.

/** A server's settings by name, as the server words them (`maxmemory` → "67108864"). */
export type Settings = ReadonlyMap<string, string>;

/** Servers remembered at most; the oldest goes first (a long class starts instances on ever-new ports). */
export const MAX_REMEMBERED_SERVERS = 2048;

export class StartSettings {
  private readonly known = new Map<string, Promise<Settings>>();

  /**
   * The settings the server at `address` had when first seen; `read` asks it now if it never was.
   * A failed read is not kept: the next contact tries again.
   */
  remember(address: string, read: () => Promise<Settings>): Promise<Settings> {
    const known = this.known.get(address);
    if (known) return known;
    const reading = read();
    this.known.set(address, reading);
    reading.catch(() => {
      if (this.known.get(address) === reading) this.known.delete(address);
    });
    if (this.known.size > MAX_REMEMBERED_SERVERS) this.known.delete(this.known.keys().next().value!);
    return reading;
  }

  /** Whether `address` was seen (for tests). */
  has(address: string): boolean {
    return this.known.has(address);
  }
}

/** One setting that differs from its start value: what to put back. */
export interface Drift {
  name: string;
  start: string;
  now: string;
}

/** The settings whose value now differs from the start, in the start's order. */
export function drifted(start: Settings, now: Settings): Drift[] {
  const drift: Drift[] = [];
  for (const [name, value] of start) {
    const current = now.get(name);
    if (current !== undefined && current !== value) drift.push({ name, start: value, now: current });
  }
  return drift;
}
