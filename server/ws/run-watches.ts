// A snippet run's watchers (ServiceAdapter.runWatch): started for the services its files mention,
// before the program starts, and asked once it has ended what the run did there; the answer goes
// to the page as one `summary` frame after `exit`. A watcher that cannot start in time (a busy or
// lost service) is left out: the run never waits long for it.
import type { RunSummary } from '../../shared/protocol.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';
import type { RunWatch } from '../services/run-watch-types.ts';
import { visibleText } from '../services/visible-text.ts';
import { withTimeout } from '../util/async.ts';
import type { ServiceAccess } from './service-access.ts';

/** How long a run waits for its watchers to take their "before" look. */
export const WATCH_START_MS = 1_500;
const WATCH_FINISH_MS = 5_000;

export interface RunWatches {
  /** What the run did, per service that has something to say; empty: nothing seen. */
  finish(): Promise<RunSummary[]>;
  cancel(): void;
}

export async function watchRun(
  services: ServiceAccess,
  endpoints: Record<ServiceId, Endpoint>,
  text: string,
): Promise<RunWatches> {
  const started = await Promise.all(
    services.adapters.map(async (adapter) => {
      const endpoint = endpoints[adapter.name];
      if (!adapter.runWatch || !endpoint || !adapter.runWatch.mentions.test(text)) return null;
      const start = adapter.runWatch.start(endpoint, services.admin?.(adapter.name) ?? null);
      try {
        return { adapter, watch: await withTimeout(start, WATCH_START_MS, 'watching the run') };
      } catch {
        // Too slow or refused: this service's part of the summary is left out.
        void start.then((late) => late.cancel()).catch(() => {});
        return null;
      }
    }),
  );
  const watches = started.filter((w): w is { adapter: (typeof services.adapters)[number]; watch: RunWatch } => !!w);
  return {
    async finish() {
      const told = await Promise.all(
        watches.map(async ({ adapter, watch }) => {
          try {
            const lines = await withTimeout(watch.finish(), WATCH_FINISH_MS, 'summing up the run');
            // The lines name keys, queues and tables, and the page writes them into the run's
            // terminal: their control characters are escaped, each stays one line.
            return { service: adapter.name, title: adapter.title, lines: lines.map((l) => visibleText(l, 'none')) };
          } catch {
            return { service: adapter.name, title: adapter.title, lines: [] };
          }
        }),
      );
      return told.filter((s) => s.lines.length > 0);
    },
    cancel() {
      for (const { watch } of watches) watch.cancel();
    },
  };
}
