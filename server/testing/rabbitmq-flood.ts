// One learner floods the shared broker while another keeps using it, for the fence test
// (server/services/rabbitmq/flood.int.test.ts) and its heavy version (bench/rabbitmq-flood.ts).
//
// The flooder (rabbitmq-flooder.ts, a process of its own) publishes as fast as the broker lets it.
// Meanwhile the other learner publishes a small message with a confirm and waits for it to come
// back to its own consumer, over and over; a round trip that fails, or takes longer than
// ROUND_TRIP_TIMEOUT_MS (a stall), counts as an error. The management API is polled for the
// broker's alarms (its health check, which asks the broker there and then), its memory (a
// statistic, seconds late: `memory`, if given, reads it more directly), and the flooder's queue
// lengths.
import amqp, { type ChannelModel } from 'amqplib';
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Endpoint } from '../services/endpoint.ts';
import { managementRequest, type ManagementAccess } from '../services/rabbitmq/admin.ts';
import { parseAmqpTarget, vhostOf } from '../services/rabbitmq/amqp-url.ts';
import type { FlooderReport, FlooderSpec } from './rabbitmq-flooder.ts';

/** A round trip of the other learner slower than this is a stall, not a success. */
export const ROUND_TRIP_TIMEOUT_MS = 5000;
/** Between two polls of the broker's memory and the flooder's queues. */
const POLL_MS = 200;
/** The other learner's pause between round trips: a person or a small program, not a second flood. */
const ROUND_TRIP_PAUSE_MS = 10;
const FLOODER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rabbitmq-flooder.ts');

export interface FloodOptions extends Omit<FlooderSpec, 'url'> {
  flooder: Endpoint;
  other: Endpoint;
  management: ManagementAccess;
  /** The broker's memory in bytes, read more directly than the management API can (its RSS). */
  memory?: () => Promise<number>;
}

export interface FloodResult extends FlooderReport {
  /** The other learner's publish→consume round trips (ms) begun while the flood ran. */
  roundTrips: number[];
  /** What went wrong with any round trip, or the polling. */
  errors: string[];
  memLimit: number;
  memUsedBefore: number;
  maxMemUsed: number;
  alarm: boolean;
  /** The most the flooder's queues held at once (bodies; all of them are bodyBytes long). */
  maxQueuedBytes: number;
}

interface NodeRow {
  mem_used: number;
  mem_limit: number;
  mem_alarm: boolean;
}

/** The node's memory and alarm; right after the broker starts, its statistics take a few seconds to come. */
export async function brokerMemory(management: ManagementAccess): Promise<NodeRow> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const nodes = (await managementRequest(management, 'GET', '/api/nodes?columns=mem_used,mem_limit,mem_alarm')) as
      NodeRow[] | null;
    const node = nodes?.[0];
    if (node && typeof node.mem_used === 'number') return node;
    if (Date.now() > deadline) throw new Error('the management API reports no memory for the node');
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Whether the broker has an alarm raised (memory or disk) right now. */
export async function alarmRaised(management: ManagementAccess): Promise<boolean> {
  // 200 without alarms, 503 with the list of them.
  return (await managementRequest(management, 'GET', '/api/health/checks/alarms', undefined, [503])) === null;
}

/** Messages in a vhost's queues now (without statistics, which lag seconds behind). */
export async function queuedMessages(management: ManagementAccess, vhost: string): Promise<number> {
  const rows = (await managementRequest(
    management,
    'GET',
    `/api/queues/${encodeURIComponent(vhost)}?disable_stats=true&enable_queue_totals=true`,
  )) as Array<{ messages?: number }>;
  return rows.reduce((sum, q) => sum + (q.messages ?? 0), 0);
}

/** Runs the flooder; `began` is called once it publishes. */
function runFlooder(spec: FlooderSpec, began: () => void): Promise<FlooderReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', FLOODER], {
    env: { ...process.env, FLOODER: JSON.stringify(spec) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise<FlooderReport>((resolve, reject) => {
    let report: FlooderReport | null = null;
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as FlooderReport & { began?: true };
      if (message.began) began();
      else report = message;
    });
    child.once('error', reject);
    child.once('exit', (code) => (report ? resolve(report) : reject(new Error(`the flooder exited (${code})`))));
  });
}

export async function flood(options: FloodOptions): Promise<FloodResult> {
  const { management, bodyBytes } = options;
  const flooderVhost = vhostOf(parseAmqpTarget(options.flooder.url));
  const before = await brokerMemory(management);
  const memUsedBefore = (await options.memory?.()) ?? before.mem_used;
  const watched = {
    roundTrips: [] as number[],
    errors: [] as string[],
    memLimit: before.mem_limit,
    memUsedBefore,
    maxMemUsed: memUsedBefore,
    alarm: false,
    maxQueuedBytes: 0,
    blocked: 0,
  };
  /** While the flood runs (performance.now()); a round trip counts if it began in between. */
  const span = { began: Infinity, ended: Infinity };
  let flooding = true;

  // The other learner: its own queue and consumer, ready before the flood begins.
  const model: ChannelModel = await amqp.connect(options.other.url);
  model.on('error', () => {});
  model.on('blocked', () => watched.blocked++);
  const publishing = await model.createConfirmChannel();
  const consuming = await model.createChannel();
  await publishing.assertQueue('ping');
  await publishing.purgeQueue('ping');
  const arrivals = new Map<string, () => void>();
  await consuming.consume('ping', (m) => m && arrivals.get(m.content.toString())?.(), { noAck: true });

  const roundTrips = (async () => {
    for (let n = 0; flooding; n++) {
      const id = String(n);
      const began = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        const arrived = new Promise<void>((resolve) => arrivals.set(id, resolve));
        const confirmed = new Promise<void>((resolve, reject) =>
          publishing.sendToQueue('ping', Buffer.from(id), {}, (err) => (err ? reject(new Error('nacked')) : resolve())),
        );
        const stall = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no round trip within ${ROUND_TRIP_TIMEOUT_MS} ms`)),
            ROUND_TRIP_TIMEOUT_MS,
          );
        });
        await Promise.race([Promise.all([confirmed, arrived]), stall]);
        if (began >= span.began && began < span.ended) watched.roundTrips.push(performance.now() - began);
      } catch (err) {
        watched.errors.push(`round trip ${n}: ${(err as Error).message}`);
      } finally {
        clearTimeout(timer);
        arrivals.delete(id);
      }
      await new Promise((r) => setTimeout(r, ROUND_TRIP_PAUSE_MS));
    }
  })();

  const polling = (async () => {
    while (flooding) {
      try {
        const [node, alarm, queued, memory] = await Promise.all([
          brokerMemory(management),
          alarmRaised(management),
          queuedMessages(management, flooderVhost),
          options.memory?.() ?? 0,
        ]);
        watched.maxMemUsed = Math.max(watched.maxMemUsed, node.mem_used, memory);
        if (node.mem_alarm || alarm) watched.alarm = true;
        watched.maxQueuedBytes = Math.max(watched.maxQueuedBytes, queued * bodyBytes);
      } catch (err) {
        watched.errors.push(`polling the broker: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();

  try {
    const { flooder, other: _other, management: _m, memory: _memory, ...spec } = options;
    const report = await runFlooder({ ...spec, url: flooder.url }, () => (span.began = performance.now()));
    span.ended = performance.now();
    // A few more looks: the last publishes may still be on their way into the queues.
    await new Promise((r) => setTimeout(r, 3 * POLL_MS));
    return { ...report, ...watched, blocked: report.blocked + watched.blocked };
  } finally {
    flooding = false;
    await Promise.all([roundTrips, polling]);
    await model.close().catch(() => {});
  }
}
