// The contract between a snippet run (server/ws/run-watches.ts) and a service's run watcher
// (ServiceAdapter.runWatch, in the service's folder): before the program starts, the watcher looks
// at the learner's service (and may listen to it); once the program has ended, `finish` says in a
// few short lines what the run did there — keys added and expired, messages published and where
// they went, rows added per table, cache hits and misses. No lines: nothing the watcher could see.
import type { Endpoint } from './endpoint.ts';

export interface RunWatch {
  finish(): Promise<string[]>;
  /** The run could not start after all: drop what was kept. */
  cancel(): void;
}

export interface RunWatcher {
  /** A run is watched only when its files mention the service (a client library, its variable). */
  mentions: RegExp;
  /** `admin`: the playground's privileged access to that server (ServiceAdapter.admin), or null. */
  start(endpoint: Endpoint, admin: unknown): Promise<RunWatch>;
}

/** "1 key" / "3 keys". */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}

/** At most `max` names, then "and N more". */
export function someNames(names: readonly string[], max = 4): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
