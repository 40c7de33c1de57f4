// One learner floods the shared broker with 500 MB as fast as it takes them (1 MB bodies, 4
// connections, 16 queues, half of the channels with confirms) while another learner keeps doing
// publish→consume round trips: with the classroom's default limits, every round trip succeeds, the
// flooder's queues never hold more than the cap allows, and the broker never raises an alarm.
// The broker takes 500 MB in about a second here, so the whole volume fits the test's time.
// bench/rabbitmq-flood.ts prints the figures (and the same flood without the cap).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { flood, alarmRaised, ROUND_TRIP_TIMEOUT_MS } from '../../testing/rabbitmq-flood.ts';
import { testSharedAdmin } from '../../testing/workspaces/shared-admin-context.ts';
import { testManager, type TestManager } from '../../testing/workspaces/test-manager.ts';
import type { Endpoint } from '../endpoint.ts';
import { queueCap, rabbitmqLearners } from './classroom.ts';

const BODY_BYTES = 1_000_000;
const CONNECTIONS = 4;
const QUEUES_PER_CONNECTION = 4;

let t: TestManager;
let flooder: Endpoint;
let other: Endpoint;

beforeAll(async () => {
  // The default limits: they are what the docs' arithmetic is about.
  t = await testManager();
  const [a, b] = await Promise.all([t.manager.claim('flooder'), t.manager.claim('bystander')]);
  [flooder, other] = await Promise.all([a, b].map(async (id) => (await t.manager.ensure(id)).rabbitmq));
});

afterAll(async () => {
  await t?.cleanup();
});

it('a learner publishing 500 MB as fast as they can neither slows another to a stall nor alarms the broker', async () => {
  const access = testSharedAdmin().rabbitmq;
  const management = { url: access.managementUrl, user: access.user, password: access.password };
  const result = await flood({
    flooder,
    other,
    management,
    totalBytes: 500 * BODY_BYTES,
    bodyBytes: BODY_BYTES,
    connections: CONNECTIONS,
    queuesPerConnection: QUEUES_PER_CONNECTION,
  });

  expect(result.error).toBeUndefined();
  expect(result.publishedBytes).toBe(500 * BODY_BYTES);
  // The other learner: round trips all along the flood, none failed nor stalled past 5 s.
  expect(result.errors).toEqual([]);
  expect(result.roundTrips.length).toBeGreaterThan(5);
  expect(Math.max(...result.roundTrips)).toBeLessThan(ROUND_TRIP_TIMEOUT_MS);
  // The cap held: one 1 MB body per queue at most, and the publishes with confirms past it were refused.
  const defaults = Object.fromEntries(Object.entries(rabbitmqLearners.limits).map(([k, l]) => [k, l.default]));
  const perQueue = Math.min(queueCap(defaults).messages, Math.floor(queueCap(defaults).bytes / BODY_BYTES));
  expect(result.maxQueuedBytes).toBeLessThanOrEqual(result.queues * perQueue * BODY_BYTES);
  expect(result.nacked).toBeGreaterThan(0);
  // No alarm, and no publisher of either learner was ever blocked.
  expect(result.alarm).toBe(false);
  expect(result.blocked).toBe(0);
  expect(result.maxMemUsed).toBeLessThan(result.memLimit);
  expect(await alarmRaised(management)).toBe(false);
}, 60_000);
