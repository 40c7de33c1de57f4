// Runs a step's checks against the learner's live services: the "Check" button and lessons:check
// both come here. A check that cannot reach its service fails with the reason; nothing throws.
import type { ServiceName } from '../../../shared/services.ts';
import { errorText, withTimeout } from '../../services/supervisor.ts';
import type { CheckDef, CheckSpec } from '../schema.ts';
import type { BindingsInspector } from './bindings.ts';
import { ServiceClients, ServiceUnavailable, type EndpointOf } from './clients.ts';
import { checkMemcached } from './memcached.ts';
import { checkTable, checkQuery } from './mysql.ts';
import type { CheckOutcome } from './outcome.ts';
import { checkExchange, checkQueue } from './rabbitmq.ts';
import { checkRedisCommand, checkRedisKey } from './redis.ts';

export type { CheckOutcome } from './outcome.ts';
export type { EndpointOf } from './clients.ts';

/**
 * Longest one check may take. Most answer in milliseconds; a routes check on the private broker
 * starts rabbitmqctl (an Erlang VM), which takes a second or more on a busy machine.
 */
export const CHECK_TIMEOUT_MS = 30_000;

const SERVICE_OF: Record<CheckSpec['kind'], ServiceName> = {
  memcached: 'memcached',
  'redis-key': 'redis',
  'redis-command': 'redis',
  'rabbitmq-queue': 'rabbitmq',
  'rabbitmq-exchange': 'rabbitmq',
  'mysql-table': 'mysql',
  'mysql-query': 'mysql',
};

const SERVICE_WORDS: Record<ServiceName, string> = {
  memcached: 'memcached',
  redis: 'Redis',
  rabbitmq: 'RabbitMQ',
  mysql: 'MySQL',
};

function runOne(spec: CheckSpec, clients: ServiceClients): Promise<CheckOutcome> {
  switch (spec.kind) {
    case 'memcached':
      return checkMemcached(spec, clients);
    case 'redis-key':
      return checkRedisKey(spec, clients);
    case 'redis-command':
      return checkRedisCommand(spec, clients);
    case 'rabbitmq-queue':
      return checkQueue(spec, clients);
    case 'rabbitmq-exchange':
      return checkExchange(spec, clients);
    case 'mysql-table':
      return checkTable(spec, clients);
    case 'mysql-query':
      return checkQuery(spec, clients);
    default: {
      const unknown: never = spec;
      throw new Error(`unknown check ${JSON.stringify(unknown)}`);
    }
  }
}

export interface CheckRunOptions {
  endpointOf: EndpointOf;
  inspector: BindingsInspector;
  timeoutMs?: number;
}

/** Runs the checks one after another (they may share connections); answers one outcome each. */
export async function runChecks(checks: CheckDef[], options: CheckRunOptions): Promise<CheckOutcome[]> {
  const clients = new ServiceClients(options.endpointOf, options.inspector);
  const outcomes: CheckOutcome[] = [];
  try {
    for (const check of checks) {
      let outcome: CheckOutcome;
      try {
        outcome = await withTimeout(runOne(check.spec, clients), options.timeoutMs ?? CHECK_TIMEOUT_MS);
        if (!outcome.ok && check.hint) outcome = { ok: false, message: `${outcome.message}. ${check.hint}` };
      } catch (err) {
        const service = SERVICE_WORDS[SERVICE_OF[check.spec.kind]];
        outcome = {
          ok: false,
          message: err instanceof ServiceUnavailable ? err.message : `could not ask ${service}: ${errorText(err)}`,
        };
      }
      outcomes.push(outcome);
    }
  } finally {
    await clients.close();
  }
  return outcomes;
}
