// The RabbitMQ Inspect view: the learner's vhost as the broker itself reports it — exchanges,
// queues with their depths and rates, and bindings from the management API, and the latest
// publishes with the queues each one reached from the firehose tracer. Nothing here models the
// broker: what is shown is what it answered.
//
// Pushed, not polled, where the broker allows it:
//   - the event exchange (amq.rabbitmq.event, in vhost "/") tells of every queue, exchange,
//     binding and consumer made or gone; the view keeps those of its own vhost;
//   - the firehose (amq.rabbitmq.trace in the learner's vhost, switched on through the API) copies
//     every publish and delivery, with `routed_queues` naming where a publish went.
// Each event makes one read now and a few more as the broker's statistics catch up; while rates are
// not zero the view reads again every few seconds until they are. On a broker where neither push
// is available it reads every REFRESH_MS.
//
// The management API's depths lag: measured on 3.10.8 with collect_statistics_interval 500 ms, a
// publish showed in a queue's `messages` 0.9–3.5 s later. So a queue's ready messages and consumers
// are asked of the queue itself (a passive queue.declare on the view's own connection: exact, at
// once); the unacknowledged count and the rates come from the API.
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import {
  RABBITMQ_LIST_LIMIT,
  RABBITMQ_PUBLISH_LIMIT,
  type RabbitmqInspectState,
  type RabbitmqPublish,
} from '../../../shared/inspect.ts';
import { errorText } from '../../util/errors.ts';
import type { Endpoint } from '../endpoint.ts';
import { debounce, oneAtATime, type ServiceInspector } from '../inspect-types.ts';
import { managementRequest, rabbitmqAdmin, type ManagementAccess, type RabbitmqAdmin } from './admin.ts';
import { connectOptions, parseAmqpTarget, vhostOf } from './amqp-url.ts';
import { STATISTICS_INTERVAL_MS } from './managed.ts';

/** Without pushed events (another broker, no plugin): three API requests this often. */
export const REFRESH_MS = 3_000;
/**
 * After an event: read now (a burst of events, once), and again as the broker's counts catch up:
 * a queue reports its depth every statistics interval, and the management database takes its
 * reports a moment later.
 */
const SETTLE_MS = 30;
const COUNTED_MS = [1, 2, 4].map((n) => n * STATISTICS_INTERVAL_MS + 150);
/** While messages flow (a rate above 0), the depths and rates are read this often. */
const FLOWING_MS = 2_000;
const CONNECT_TIMEOUT_MS = 3_000;
/** The broker's own exchanges, which no learner declares. */
const OWN_EXCHANGE = /^amq\.rabbitmq\./;
const EVENT_EXCHANGE = 'amq.rabbitmq.event';
export const TRACE_EXCHANGE = 'amq.rabbitmq.trace';
const EVENT_KEYS = ['queue.#', 'exchange.#', 'binding.#', 'consumer.#'];
/** How the view's connections are named in the broker's own lists. */
export const CONNECTION_NAME = 'playground-inspect';

type Row = Record<string, unknown>;

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function rate(stats: unknown, field: string): number {
  const details = (stats as Record<string, { rate?: unknown } | undefined> | undefined)?.[`${field}_details`];
  return Math.round(num(details?.rate) * 10) / 10;
}

/** The management API's paged list: {items, total_count}. */
function page(body: unknown): { items: Row[]; total: number } {
  const paged = body as { items?: Row[]; total_count?: number } | null;
  const items = paged?.items ?? [];
  return { items, total: paged?.total_count ?? items.length };
}

/** The three lists of `vhost` as the API reports them, without the view's own queues. */
export async function readTopology(
  access: ManagementAccess,
  vhost: string,
  hidden: ReadonlySet<string>,
): Promise<Omit<RabbitmqInspectState, 'publishes' | 'pushed' | 'traced' | 'refreshMs'>> {
  const v = encodeURIComponent(vhost);
  const paging = `page=1&page_size=${RABBITMQ_LIST_LIMIT + hidden.size + 8}`;
  const [exchangeBody, queueBody, bindingRows] = await Promise.all([
    managementRequest(access, 'GET', `/api/exchanges/${v}?${paging}&columns=name,type,durable,auto_delete,internal`),
    managementRequest(
      access,
      'GET',
      `/api/queues/${v}?${paging}&columns=name,durable,exclusive,auto_delete,messages,messages_ready,messages_unacknowledged,consumers,message_stats`,
    ),
    managementRequest(access, 'GET', `/api/bindings/${v}`) as Promise<Row[]>,
  ]);
  const exchangePage = page(exchangeBody);
  const queuePage = page(queueBody);
  const exchanges = exchangePage.items
    .filter((e) => !OWN_EXCHANGE.test(String(e.name)))
    .map((e) => ({
      name: String(e.name),
      type: String(e.type),
      durable: e.durable === true,
      autoDelete: e.auto_delete === true,
      internal: e.internal === true,
    }));
  const queues = queuePage.items
    .filter((q) => !hidden.has(String(q.name)))
    .map((q) => ({
      name: String(q.name),
      messages: num(q.messages),
      ready: num(q.messages_ready),
      unacked: num(q.messages_unacknowledged),
      consumers: num(q.consumers),
      durable: q.durable === true,
      exclusive: q.exclusive === true,
      autoDelete: q.auto_delete === true,
      publishRate: rate(q.message_stats, 'publish'),
      deliverRate: rate(q.message_stats, 'deliver_get'),
    }));
  const bindings = (bindingRows ?? [])
    .filter((b) => !OWN_EXCHANGE.test(String(b.source)) && !hidden.has(String(b.destination)))
    .map((b) => ({
      source: String(b.source),
      destination: String(b.destination),
      destinationType: b.destination_type === 'exchange' ? ('exchange' as const) : ('queue' as const),
      routing_key: String(b.routing_key),
      arguments: (b.arguments as Record<string, unknown> | undefined) ?? {},
    }));
  const ownExchanges = exchangePage.items.length - exchanges.length;
  return {
    vhost,
    exchanges: exchanges.slice(0, RABBITMQ_LIST_LIMIT),
    queues: queues.slice(0, RABBITMQ_LIST_LIMIT),
    bindings: bindings.slice(0, RABBITMQ_LIST_LIMIT * 4),
    totals: {
      exchanges: exchangePage.total - ownExchanges,
      queues: queuePage.total - (queuePage.items.length - queues.length),
      bindings: bindings.length,
    },
  };
}

/** A firehose message → the publish it copies; null for a delivery or anything else. */
export function publishOf(message: ConsumeMessage, seq: number): RabbitmqPublish | null {
  const key = message.fields.routingKey;
  if (!key.startsWith('publish.')) return null;
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const keys = Array.isArray(headers.routing_keys) ? headers.routing_keys.map(String) : [];
  const routed = Array.isArray(headers.routed_queues) ? headers.routed_queues.map(String) : [];
  return {
    seq,
    at: Date.now(),
    exchange: typeof headers.exchange_name === 'string' ? headers.exchange_name : key.slice('publish.'.length),
    routingKey: keys[0] ?? '',
    routedQueues: routed,
    bytes: message.content.length,
  };
}

/**
 * Each queue's ready messages and consumers as the queue itself counts them (a passive declare),
 * over `channel`; an exclusive queue of another connection refuses it and keeps the API's counts.
 * Answers false when the channel closed on the way (a queue went at that moment): open another.
 */
export async function exactCounts(channel: Channel, queues: RabbitmqInspectState['queues']): Promise<boolean> {
  const asked = queues.filter((q) => !q.exclusive);
  const answers = await Promise.allSettled(asked.map((q) => channel.checkQueue(q.name)));
  let ok = true;
  answers.forEach((answer, i) => {
    if (answer.status === 'rejected') {
      ok = false;
      return;
    }
    const q = asked[i];
    q.ready = answer.value.messageCount;
    q.consumers = answer.value.consumerCount;
    q.messages = q.ready + q.unacked;
  });
  return ok;
}

/** A connection the view owns; its queue (if any) is exclusive, so it goes when the connection does. */
export async function connect(endpoint: Endpoint, onClose: () => void): Promise<ChannelModel> {
  const model = await amqp.connect(connectOptions(endpoint), {
    timeout: CONNECT_TIMEOUT_MS,
    clientProperties: { connection_name: CONNECTION_NAME },
  });
  model.on('error', () => {});
  model.on('close', onClose);
  return model;
}

/** Consumes what `exchange` sends with `keys` on `model`; the queue's server-given name. */
export async function listen(
  model: ChannelModel,
  exchange: string,
  keys: string[],
  onMessage: (message: ConsumeMessage) => void,
): Promise<string> {
  const channel = await model.createChannel();
  channel.on('error', () => {});
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
  for (const key of keys) await channel.bindQueue(queue, exchange, key);
  await channel.consume(queue, (m) => m && onMessage(m), { noAck: true });
  return queue;
}

/**
 * Turns the firehose on for `vhost` (it stays on: it costs a routing step per message, and the
 * broker forgets it at its next start). Needs the broker's administrator.
 */
export async function traceOn(access: ManagementAccess, vhost: string): Promise<void> {
  await managementRequest(access, 'PUT', `/api/vhosts/${encodeURIComponent(vhost)}`, { tracing: true });
}

/** The endpoint with `vhost` and the administrator's credentials, for the event exchange. */
function adminEndpoint(endpoint: Endpoint, access: ManagementAccess, vhost: string): Endpoint {
  const target = parseAmqpTarget(endpoint.url);
  const host = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
  const auth = `${encodeURIComponent(access.user)}:${encodeURIComponent(access.password)}`;
  return {
    url: `amqp://${auth}@${host}:${target.port}/${encodeURIComponent(vhost)}`,
    address: endpoint.address,
  };
}

export const inspectRabbitmq: ServiceInspector = async (endpoint, output, adminData) => {
  const admin = (adminData as RabbitmqAdmin | null) ?? rabbitmqAdmin(endpoint, null);
  const access = admin.management;
  const vhost = vhostOf(parseAmqpTarget(endpoint.url));
  if (!access) throw new Error(`the management API of ${endpoint.address} is not known`);

  let closed = false;
  const hidden = new Set<string>();
  const publishes: RabbitmqPublish[] = [];
  let seq = 0;
  let pushed = false;
  let traced = false;
  let last = '';
  let flowing = false;
  const models: ChannelModel[] = [];

  const lost = () => {
    if (!closed) output.fail('the connection to the broker closed');
  };
  const own = await connect(endpoint, lost);
  models.push(own);
  let counts: Channel | null = null;

  const read = oneAtATime(async () => {
    if (closed) return;
    try {
      const topology = await readTopology(access, vhost, hidden);
      if (!counts) {
        counts = await own.createChannel();
        counts.on('error', () => {});
      }
      const channel = counts;
      if (!(await exactCounts(channel, topology.queues))) counts = null;
      if (closed) return;
      flowing = topology.queues.some((q) => q.publishRate > 0 || q.deliverRate > 0);
      const state: RabbitmqInspectState = {
        ...topology,
        publishes: [...publishes],
        pushed,
        traced,
        refreshMs: pushed ? null : REFRESH_MS,
      };
      const text = JSON.stringify(state);
      if (text !== last) {
        last = text;
        output.state(state);
      }
    } catch (err) {
      if (!closed) output.fail(errorText(err));
    }
  });
  const later = [SETTLE_MS, ...COUNTED_MS].map((ms) => debounce(read, ms));
  const changed = () => {
    for (const read of later) read();
  };

  // The pushes first, so that the view's own queues are known (and left out) from the first state.
  try {
    await traceOn(access, vhost);
    hidden.add(
      await listen(own, TRACE_EXCHANGE, ['#'], (message) => {
        const publish = publishOf(message, seq + 1);
        if (publish) {
          seq += 1;
          publishes.push(publish);
          if (publishes.length > RABBITMQ_PUBLISH_LIMIT) publishes.shift();
        }
        changed();
      }),
    );
    traced = true;
  } catch {
    // Not this broker's administrator, or no permission on the trace exchange: no publishes shown.
  }
  try {
    const events = await connect(adminEndpoint(endpoint, access, '/'), lost);
    models.push(events);
    hidden.add(
      await listen(events, EVENT_EXCHANGE, EVENT_KEYS, (message) => {
        const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
        if (headers.vhost === undefined || String(headers.vhost) === vhost) changed();
      }),
    );
    pushed = true;
  } catch {
    // No event exchange plugin there: read on an interval instead.
  }
  const poll = setInterval(
    () => {
      if (!pushed || flowing) read();
    },
    pushed ? FLOWING_MS : REFRESH_MS,
  );
  read();

  return {
    close() {
      closed = true;
      clearInterval(poll);
      for (const read of later) read.cancel();
      for (const model of models) {
        model.removeAllListeners('close');
        void model.close().catch(() => {});
      }
    },
    nudge: changed,
  };
};
