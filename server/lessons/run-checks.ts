// Runs a step's checks against the learner's live services: the "Check" button and lessons:check
// both come here. Each check is asked by its service's folder (ServiceAdapter.checks); a check that
// cannot reach its service fails with the reason; nothing throws.
import { ServiceUnavailable, type CheckOutcome } from '../services/check-types.ts';
import { SERVICES } from '../services/registry.ts';
import type { ServiceSet } from '../services/service-set.ts';
import { withTimeout } from '../util/async.ts';
import { errorText } from '../util/errors.ts';
import { CheckScopes, type LearnerTargets } from './check-scopes.ts';
import type { CheckDef } from './schema.ts';

export type { CheckOutcome } from '../services/check-types.ts';
export type { LearnerTargets } from './check-scopes.ts';

/**
 * Longest one check may take. Most answer in milliseconds; a routes check on the private broker
 * starts rabbitmqctl (an Erlang VM), which takes a second or more on a busy machine.
 */
export const CHECK_TIMEOUT_MS = 30_000;

export interface CheckRunOptions {
  targets: LearnerTargets;
  /** The services the checks were parsed for; the playground's own unless a test brings others. */
  services?: ServiceSet;
  timeoutMs?: number;
}

/** Runs the checks one after another (they may share connections); answers one outcome each. */
export async function runChecks(checks: CheckDef[], options: CheckRunOptions): Promise<CheckOutcome[]> {
  const services = options.services ?? SERVICES;
  const scopes = new CheckScopes(services, options.targets);
  const outcomes: CheckOutcome[] = [];
  try {
    for (const check of checks) {
      const adapter = services.get(check.service);
      let outcome: CheckOutcome;
      try {
        const asked = adapter.checks.run(check.spec, scopes.of(check.service));
        outcome = await withTimeout(asked, options.timeoutMs ?? CHECK_TIMEOUT_MS);
        if (!outcome.ok && check.hint) outcome = { ok: false, message: `${outcome.message}. ${check.hint}` };
      } catch (err) {
        outcome = {
          ok: false,
          message: err instanceof ServiceUnavailable ? err.message : `could not ask ${adapter.title}: ${errorText(err)}`,
        };
      }
      outcomes.push(outcome);
    }
  } finally {
    await scopes.close();
  }
  return outcomes;
}
