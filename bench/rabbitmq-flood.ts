// One learner floods the shared broker; does another notice, and does the broker stay below its
// memory alarm? On a private broker of its own (classroom mode, the manager's own accounts with the
// default limits), three runs:
//   1. the flood: one learner publishes TOTAL_MB in 1 MB bodies as fast as the broker lets them
//      (4 connections, 16 queues, half with confirms), while another learner keeps doing
//      publish→consume round trips; then the same for SUSTAINED_S seconds, since 500 MB take the
//      broker under a second here and leave few round trips to measure;
//   2. the worst case of one learner: every queue they may have filled to its cap, the broker's
//      memory before and after (what the docs' arithmetic for a class of 100 stands on);
//   3. the same flood with the queue cap taken off the flooder's vhost, for comparison;
//   4. a consumer that never acks, fed flat out (1 KB bodies): what it holds and the broker's memory,
//      with the unacknowledged-messages fence and without it (UnackedGuard stopped);
//   5. what the fence's look costs with a class's queues on the broker (100 vhosts × 20 queues).
// Figures only, no pass/fail (server/services/rabbitmq/flood.int.test.ts asserts).
//   npx tsx bench/rabbitmq-flood.ts [TOTAL_MB=500]
import amqp from 'amqplib';
import fs from 'node:fs/promises';
import { sharedAdminFromSupervisor } from '../server/classroom/workspaces/shared-admin.ts';
import type { AccountManager, LearnerAccount, Limits } from '../server/services/classroom-types.ts';
import { managementRequest, type ManagementAccess } from '../server/services/rabbitmq/admin.ts';
import {
  queueCap,
  rabbitmqLearners,
  type RabbitmqAccounts,
  type RabbitmqAdminAccess,
} from '../server/services/rabbitmq/classroom.ts';
import { rabbitmq } from '../server/services/rabbitmq/index.ts';
import { capText, OVERFLOW_POLICY, QUEUE_CAP_POLICY } from '../server/services/rabbitmq/queue-cap.ts';
import { UNACKED_LOOK_MS } from '../server/services/rabbitmq/unacked-guard.ts';
import { Supervisor } from '../server/services/supervisor.ts';
import { freshTestDataDir } from '../server/stack.ts';
import { brokerMemory, flood, type FloodResult } from '../server/testing/rabbitmq-flood.ts';
import { summarize } from './stats.ts';

const TOTAL_MB = Number(process.argv[2] ?? 500);
const MB = 1024 * 1024;
/** 1 MB bodies: one fits a queue at the default cap (1 MiB), the next is refused. */
const BODY_BYTES = 1_000_000;
const CONNECTIONS = 4;
const QUEUES_PER_CONNECTION = 4;
/** A class this size, for the projection of the worst case. */
const CLASS_SIZE = 100;
/** Lets the broker's memory settle (queue processes, garbage) before it is read. */
const SETTLE_MS = 3_000;
/** The sustained flood's length. */
const SUSTAINED_S = 10;

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

/** The broker's resident memory now, read from /proc: the management API's figure is seconds old. */
async function rss(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}

function report(title: string, r: FloodResult): void {
  const rt = summarize(r.roundTrips);
  console.log(title);
  console.log(
    `  flooder published      ${mb(r.publishedBytes)} in ${(r.durationMs / 1000).toFixed(1)} s ` +
      `(${(r.publishedBytes / MB / (r.durationMs / 1000)).toFixed(0)} MB/s); confirms: ${r.acked} acked, ${r.nacked} nacked`,
  );
  console.log(`  flooder's queues held  at most ${mb(r.maxQueuedBytes)} (${r.queues} queues)`);
  console.log(
    `  other learner          ${rt.n} round trips, p50 ${rt.p50.toFixed(1)} ms, p99 ${rt.p99.toFixed(1)} ms, ` +
      `max ${Math.max(...r.roundTrips).toFixed(1)} ms, errors ${r.errors.length}`,
  );
  for (const e of r.errors.slice(0, 5)) console.log(`    ${e}`);
  console.log(
    `  broker memory (RSS)    ${mb(r.memUsedBefore)} before, max ${mb(r.maxMemUsed)} seen; ` +
      `watermark ${mb(r.memLimit)} (${((100 * r.maxMemUsed) / r.memLimit).toFixed(1)}% of it)`,
  );
  console.log(`  memory alarm raised    ${r.alarm ? 'YES' : 'no'}; connection.blocked seen ${r.blocked} times`);
}

/** The broker's own account of its memory (computed when asked): Erlang's total, and the RSS. */
async function erlangMemory(management: ManagementAccess): Promise<{ erlang: number; rss: number }> {
  const [node] = (await managementRequest(management, 'GET', '/api/nodes?columns=name')) as Array<{ name: string }>;
  const { memory } = (await managementRequest(
    management,
    'GET',
    `/api/nodes/${encodeURIComponent(node.name)}/memory`,
  )) as { memory: { total: { erlang: number; rss: number } } };
  return memory.total;
}

/** Fills every queue a learner may have to its cap; answers the broker's memory growth. */
async function worstCase(endpoint: { url: string }, management: ManagementAccess, limits: Limits, body: number) {
  const model = await amqp.connect(endpoint.url);
  try {
    const ch = await model.createConfirmChannel();
    const cap = queueCap(limits);
    const perQueue = Math.min(cap.messages, Math.floor(cap.bytes / body));
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const before = await erlangMemory(management);
    const payload = Buffer.alloc(body, 'w');
    for (let q = 0; q < limits.maxQueues; q++) {
      await ch.assertQueue(`worst-${q}`);
      for (let i = 0; i < perQueue; i++) ch.sendToQueue(`worst-${q}`, payload);
      await ch.waitForConfirms();
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const after = await erlangMemory(management);
    for (let q = 0; q < limits.maxQueues; q++) await ch.deleteQueue(`worst-${q}`);
    return {
      messages: perQueue * limits.maxQueues,
      bodies: perQueue * body * limits.maxQueues,
      erlang: after.erlang - before.erlang,
      rss: after.rss - before.rss,
    };
  } finally {
    await model.close().catch(() => {});
  }
}

/**
 * A consumer with no prefetch that never acks, and a publisher sending 1 KB bodies as fast as
 * confirms come back, for `seconds` or until the consumer's connection is closed.
 */
async function neverAcks(endpoint: { url: string }, seconds: number, management: ManagementAccess) {
  const consumer = await amqp.connect(endpoint.url);
  const publisher = await amqp.connect(endpoint.url);
  let closedWith: string | null = null;
  consumer.on('close', (err?: Error) => (closedWith = err?.message ?? 'closed'));
  consumer.on('error', () => {});
  try {
    const take = await consumer.createChannel();
    await take.assertQueue('never-acked');
    let held = 0;
    await take.consume('never-acked', () => held++, { noAck: false });
    const send = await publisher.createConfirmChannel();
    const body = Buffer.alloc(1024, 'u');
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const before = await erlangMemory(management);
    const began = performance.now();
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until && closedWith === null) {
      // A nack now and then is the queue cap: the consumer takes them in a little behind.
      for (let i = 0; i < 500; i++) send.sendToQueue('never-acked', body, {}, () => {});
      await send.waitForConfirms().catch(() => {});
    }
    const ms = performance.now() - began;
    // What the broker keeps: the messages held, or put back in the queue when the connection went.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const after = await erlangMemory(management);
    await send.deleteQueue('never-acked');
    return { held, ms, closedWith: closedWith as string | null, grew: after.erlang - before.erlang };
  } finally {
    await consumer.close().catch(() => {});
    await publisher.close().catch(() => {});
  }
}

const dataDir = await freshTestDataDir('bench');
const env = { ...process.env };
delete env[rabbitmq.urlEnv];
const supervisor = new Supervisor({ adapters: [rabbitmq], dataDir, env, classroom: true });
const statuses = await supervisor.startAll();
if (!statuses.rabbitmq?.ok) throw new Error(`the broker did not start: ${JSON.stringify(statuses.rabbitmq)}`);
const access = sharedAdminFromSupervisor(supervisor, {}).rabbitmq as RabbitmqAdminAccess;
const management: ManagementAccess = { url: access.managementUrl, user: access.user, password: access.password };
const limits = Object.fromEntries(Object.entries(rabbitmqLearners.limits).map(([k, l]) => [k, l.default]));
const accounts: AccountManager = rabbitmqLearners.open(access, limits);
const flooder: LearnerAccount = { id: 'wflooder0', password: 'flooder-password' };
const other: LearnerAccount = { id: 'wothers00', password: 'other-password' };

try {
  await Promise.all([accounts.create(flooder), accounts.create(other)]);
  console.log(
    `RabbitMQ ${statuses.rabbitmq.version}: ${capText(queueCap(limits))}, ${limits.maxQueues} queues and ` +
      `${limits.maxConnections} connections per learner\n`,
  );
  const options = {
    flooder: accounts.endpoint(flooder),
    other: accounts.endpoint(other),
    management,
    totalBytes: TOTAL_MB * BODY_BYTES,
    bodyBytes: BODY_BYTES,
    connections: CONNECTIONS,
    queuesPerConnection: QUEUES_PER_CONNECTION,
    memory: () => rss(supervisor.pid('rabbitmq')!),
  };
  report(`1. flood of ${TOTAL_MB} × 1 MB, with the cap`, await flood(options));
  await accounts.reset(flooder);
  report(
    `\n1b. flood for ${SUSTAINED_S} s, with the cap`,
    await flood({ ...options, totalBytes: Number.MAX_SAFE_INTEGER, seconds: SUSTAINED_S }),
  );

  // The flood's queues go: the worst case may use every queue the learner is allowed.
  await accounts.reset(flooder);
  console.log(`\n2. one learner's worst case: all ${limits.maxQueues} queues full`);
  const watermark = (await brokerMemory(management)).mem_limit;
  for (const body of [16, 1024, BODY_BYTES]) {
    const w = await worstCase(accounts.endpoint(flooder), management, limits, body);
    const grew = Math.max(w.erlang, w.rss);
    console.log(
      `  ${String(body).padStart(7)}-byte bodies: ${w.messages} messages, ${mb(w.bodies)} of bodies; ` +
        `broker grew ${mb(w.erlang)} (Erlang), ${mb(w.rss)} (RSS) → × ${CLASS_SIZE} learners ≈ ${mb(grew * CLASS_SIZE)} ` +
        `(${((100 * grew * CLASS_SIZE) / watermark).toFixed(0)}% of the watermark)`,
    );
  }

  // The control: the same flood without the cap on the flooder's queues.
  const v = encodeURIComponent(flooder.id);
  await accounts.reset(flooder);
  await managementRequest(management, 'DELETE', `/api/operator-policies/${v}/${QUEUE_CAP_POLICY}`);
  await managementRequest(management, 'DELETE', `/api/policies/${v}/${OVERFLOW_POLICY}`);
  console.log('');
  report(`3. the same flood without the cap (for comparison)`, await flood(options));

  const guard = (accounts as RabbitmqAccounts).unacked;
  const learner: LearnerAccount = { id: 'wunacked0', password: 'unacked-password' };
  await accounts.create(learner);
  console.log(`\n4. a consumer that never acks, fed 1 KB bodies flat out for up to ${SUSTAINED_S} s`);
  const fenced = await neverAcks(accounts.endpoint(learner), SUSTAINED_S, management);
  console.log(
    `  with the fence (${limits.unackedMessages} / ${limits.unackedMb} MB): it held ${fenced.held} when ` +
      `${fenced.closedWith ? `its connection was closed, ${(fenced.ms / 1000).toFixed(1)} s in` : 'the time was up (NOT closed)'}; ` +
      `the broker kept ${mb(fenced.grew)} more (Erlang)`,
  );
  guard.stop();
  const unfenced = await neverAcks(accounts.endpoint(learner), SUSTAINED_S, management);
  console.log(
    `  without it: it held ${unfenced.held} after ${(unfenced.ms / 1000).toFixed(1)} s, and growing; ` +
      `the broker kept ${mb(unfenced.grew)} more (Erlang)`,
  );
  await accounts.remove(learner.id);

  console.log(
    `\n5. the fence's look, with ${CLASS_SIZE} learners each connected, holding 5 unacknowledged messages, ` +
      `and ${limits.maxQueues} queues each`,
  );
  const many: LearnerAccount[] = Array.from({ length: CLASS_SIZE }, (_, i) => ({ id: `wclass${i}`, password: 'p' }));
  await accounts.restore(many);
  const connected = await Promise.all(
    many.map(async (a) => {
      const model = await amqp.connect(accounts.endpoint(a).url);
      const ch = await model.createChannel();
      for (let q = 0; q < limits.maxQueues; q++) await ch.assertQueue(`q${q}`);
      for (let i = 0; i < 5; i++) ch.sendToQueue('q0', Buffer.from('x'));
      await ch.consume('q0', () => {}, { noAck: false });
      return model;
    }),
  );
  // The management API lists a connection's channels seconds after it opened.
  for (let waited = 0; waited < 30_000; waited += 500) {
    const rows = (await managementRequest(management, 'GET', '/api/channels?columns=vhost')) as unknown[];
    if (rows.length >= CLASS_SIZE) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const timed = async (bytesToo: boolean) => {
    const ms: number[] = [];
    for (let i = 0; i < 10; i++) {
      const began = performance.now();
      await guard.look(bytesToo);
      ms.push(performance.now() - began);
    }
    return summarize(ms);
  };
  // Most looks ask for the channels only; every 4th also asks each of these vhosts for its bytes.
  const l = await timed(false);
  const withBytes = await timed(true);
  console.log(
    `  one look: p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms (n=${l.n}), every ${UNACKED_LOOK_MS} ms; ` +
      `with every vhost's bytes: p50 ${withBytes.p50.toFixed(1)} ms (n=${withBytes.n})`,
  );
  await Promise.all(connected.map((model) => model.close().catch(() => {})));
  await Promise.all(many.map((a) => accounts.remove(a.id)));
} finally {
  await accounts.remove(flooder.id).catch(() => {});
  await accounts.remove(other.id).catch(() => {});
  await accounts.close();
  await supervisor.stopAll();
}
