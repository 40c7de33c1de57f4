// "Start this lesson fresh": clears exactly what the lesson's `reset` lists, and nothing else (the
// learner's other keys, queues and tables stay). Each service's folder clears its own entry
// (ServiceAdapter.reset: memcached keys, Redis key patterns, RabbitMQ queues and exchanges, MySQL
// tables). First every service puts back the run-time settings a learner changed (ServiceReset
// .restore: Redis's CONFIG SET, memcached's cache_memlimit…), whichever lesson is reset: a broken
// setting breaks every lesson. It answers what was there and is gone now (or put back), and what
// could not be cleared.
import { ServiceUnavailable, type ResetReport } from '../services/check-types.ts';
import { SERVICES } from '../services/registry.ts';
import type { ServiceSet } from '../services/service-set.ts';
import { errorText } from '../util/errors.ts';
import { CheckScopes, type LearnerTargets } from './check-scopes.ts';
import type { ResetSpec } from './schema.ts';

export interface ResetResult {
  ok: boolean;
  /** What was removed, in plain words: `memcached key "greeting"`, `2 Redis keys matching "q:*"`. */
  cleared: string[];
  /** What could not be cleared, and why. */
  errors: string[];
}

export async function resetLesson(
  reset: ResetSpec,
  options: { targets: LearnerTargets; services?: ServiceSet },
): Promise<ResetResult> {
  const services = options.services ?? SERVICES;
  const scopes = new CheckScopes(services, options.targets);
  const cleared: string[] = [];
  const errors: string[] = [];
  const report: ResetReport = {
    cleared: (what) => cleared.push(what),
    async attempt(what, removal) {
      try {
        await removal();
      } catch (err) {
        errors.push(`${what}: ${errorText(err)}`);
      }
    },
  };
  try {
    for (const adapter of services.adapters) {
      const restore = adapter.reset.restore;
      if (!restore) continue;
      await report.attempt(`${adapter.title} settings`, async () => {
        try {
          await restore(scopes.of(adapter.name), report);
        } catch (err) {
          // A service that is not running has no settings to put back; one the lesson names says so below.
          if (!(err instanceof ServiceUnavailable)) throw err;
        }
      });
    }
    // In the services' order, whatever order the front matter wrote them in.
    for (const adapter of services.adapters) {
      const spec = reset[adapter.name];
      if (spec !== undefined) await report.attempt(adapter.title, () => adapter.reset.run(spec, scopes.of(adapter.name), report));
    }
  } finally {
    await scopes.close();
  }
  return { ok: errors.length === 0, cleared, errors };
}
