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
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
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
import { parseAmqpTarget, vhostOf } from './amqp-url.ts';
import { onBrokerEvents } from './broker-events.ts';
import { connect, isOwnQueue, listen, OWN_QUEUE_PREFIX } from './own-client.ts';
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
/** How long the first state waits for the bindings before it goes without them. */
const FIRST_BINDINGS_MS = 60;
/** Reads that fail in a row before the view says it cannot go on. */
const MAX_FAILURES = 4;
/** The broker's own exchanges, which no learner declares. */
const OWN_EXCHANGE = /^amq\.rabbitmq\./;
export const TRACE_EXCHANGE = 'amq.rabbitmq.trace';

type Row = Record<string, unknown>;

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function rate(stats: unknown, field: string): number {
  const details = (stats as Record<string, { rate?: unknown } | undefined> | undefined)?.[`${field}_details`];
  return Math.round(num(details?.rate) * 10) / 10;
}

/** The management API's paged list: {items, filtered_count (by `name`), total_count}. */
function page(body: unknown): { items: Row[]; total: number } {
  const paged = body as { items?: Row[]; filtered_count?: number; total_count?: number } | null;
  const items = paged?.items ?? [];
  return { items, total: paged?.filtered_count ?? paged?.total_count ?? items.length };
}

/** Every binding of `vhost`, with the fields the view shows only (it halves the API's time). */
export async function readBindings(access: ManagementAccess, vhost: string): Promise<Row[]> {
  const columns = 'source,destination,destination_type,routing_key,arguments';
  return ((await managementRequest(access, 'GET', `/api/bindings/${encodeURIComponent(vhost)}?columns=${columns}`)) ??
    []) as Row[];
}

/**
 * The three lists of `vhost` as the API reports them, without the view's own queues. `bindings`:
 * the vhost's bindings if the caller has them (they change only with an event, and are the
 * costliest of the three to ask for: ~150 ms for 6,000).
 */
export async function readTopology(
  access: ManagementAccess,
  vhost: string,
  knownBindings?: Promise<Row[]>,
): Promise<Omit<RabbitmqInspectState, 'publishes' | 'pushed' | 'traced' | 'refreshMs' | 'bindingsRead'>> {
  const v = encodeURIComponent(vhost);
  const paging = `page=1&page_size=${RABBITMQ_LIST_LIMIT}`;
  // The playground's own queues (views, run watchers: any tab's) are left out by the API itself.
  const notOwn = `&name=${encodeURIComponent(`^(?!${OWN_QUEUE_PREFIX.replace(/\./g, '\\.')})`)}&use_regex=true`;
  const [exchangeBody, queueBody, bindingRows] = await Promise.all([
    managementRequest(access, 'GET', `/api/exchanges/${v}?${paging}&columns=name,type,durable,auto_delete,internal`),
    managementRequest(
      access,
      'GET',
      `/api/queues/${v}?${paging}${notOwn}&columns=name,durable,exclusive,auto_delete,messages,messages_ready,messages_unacknowledged,consumers,message_stats`,
    ),
    knownBindings ?? readBindings(access, vhost),
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
    .filter((q) => !isOwnQueue(String(q.name)))
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
    .filter((b) => !OWN_EXCHANGE.test(String(b.source)) && !isOwnQueue(String(b.destination)))
    .map((b) => ({
      source: String(b.source),
      destination: String(b.destination),
      destinationType: b.destination_type === 'exchange' ? ('exchange' as const) : ('queue' as const),
      routing_key: String(b.routing_key),
      arguments: (b.arguments as Record<string, unknown> | undefined) ?? {},
    }));
  // Those between what is listed, so that a long vhost's state holds the bindings it can draw.
  const listedQueues = new Set(queues.slice(0, RABBITMQ_LIST_LIMIT).map((q) => q.name));
  const listedExchanges = new Set(exchanges.slice(0, RABBITMQ_LIST_LIMIT).map((e) => e.name));
  const drawable = bindings.filter(
    (b) =>
      listedExchanges.has(b.source) &&
      (b.destinationType === 'queue' ? listedQueues.has(b.destination) : listedExchanges.has(b.destination)),
  );
  const ownExchanges = exchangePage.items.length - exchanges.length;
  return {
    vhost,
    exchanges: exchanges.slice(0, RABBITMQ_LIST_LIMIT),
    queues: queues.slice(0, RABBITMQ_LIST_LIMIT),
    bindings: drawable.slice(0, RABBITMQ_LIST_LIMIT * 10),
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

/**
 * Turns the firehose on for `vhost` (it stays on: it costs a routing step per message, and the
 * broker forgets it at its next start). Needs the broker's administrator.
 */
export async function traceOn(access: ManagementAccess, vhost: string): Promise<void> {
  const path = `/api/vhosts/${encodeURIComponent(vhost)}`;
  // Asking is cheaper than setting: a PUT rewrites the vhost's record.
  if (((await managementRequest(access, 'GET', path)) as { tracing?: boolean } | null)?.tracing === true) return;
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
  const publishes: RabbitmqPublish[] = [];
  let seq = 0;
  let pushed = false;
  let traced = false;
  let last = '';
  let flowing = false;
  let failures = 0;
  const models: ChannelModel[] = [];
  let leaveEvents: (() => void) | null = null;

  const lost = () => {
    if (!closed) output.fail('the connection to the broker closed');
  };
  const own = await connect(endpoint, lost);
  models.push(own);
  let counts: Channel | null = null;

  /** The bindings as last read; asked for again after an event that may have changed them. */
  let bindings: Promise<Row[]> | null = null;
  const read = oneAtATime(async () => {
    if (closed) return;
    try {
      bindings ??= readBindings(access, vhost);
      let known: Promise<Row[]> = bindings;
      let bindingsRead = true;
      if (last === '') {
        // The first state does not wait long for the bindings: the page draws the rest meanwhile.
        const read = bindings;
        const inTime = await Promise.race([
          read.then(() => true),
          new Promise<false>((resolve) => setTimeout(() => resolve(false), FIRST_BINDINGS_MS)),
        ]);
        if (!inTime) {
          known = Promise.resolve([]);
          bindingsRead = false;
          void read.then(
            () => changed(),
            () => {},
          );
        }
      }
      const topology = await readTopology(access, vhost, known);
      if (!counts) {
        counts = await own.createChannel();
        counts.on('error', () => {});
      }
      const channel = counts;
      if (!(await exactCounts(channel, topology.queues))) counts = null;
      // The first look runs while the pushes are set up; its state says whether they are.
      await pushes;
      if (closed) return;
      flowing = topology.queues.some((q) => q.publishRate > 0 || q.deliverRate > 0);
      const state: RabbitmqInspectState = {
        ...topology,
        bindingsRead,
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
      failures = 0;
    } catch (err) {
      // The API answers 500 now and then while queues come and go under it: look again a few
      // times before the view gives up.
      failures += 1;
      bindings = null;
      if (closed) return;
      if (failures >= MAX_FAILURES) output.fail(errorText(err));
      else later[later.length - 1]();
    }
  });
  const later = [SETTLE_MS, ...COUNTED_MS].map((ms) => debounce(read, ms));
  /** Messages moved: depths and rates change, bindings do not. */
  const changed = () => {
    for (const read of later) read();
  };
  /** Something was declared, bound or deleted: the bindings too. */
  const reshaped = () => {
    bindings = null;
    changed();
  };
  // The first look starts now, beside the pushes being set up (the view's own queues are left out
  // by name, whenever they appear).
  bindings = readBindings(access, vhost);
  bindings.catch(() => {});

  let pushes: Promise<unknown> = Promise.resolve();
  pushes = Promise.all([
    (async () => {
      try {
        await traceOn(access, vhost);
        await listen(own, TRACE_EXCHANGE, ['#'], (message) => {
          const publish = publishOf(message, seq + 1);
          if (publish) {
            seq += 1;
            publishes.push(publish);
            if (publishes.length > RABBITMQ_PUBLISH_LIMIT) publishes.shift();
          }
          changed();
        });
        traced = true;
      } catch {
        // Not this broker's administrator, or no permission on the trace exchange: no publishes shown.
      }
    })(),
    (async () => {
      try {
        leaveEvents = await onBrokerEvents(adminEndpoint(endpoint, access, '/'), vhost, reshaped, lost);
        pushed = true;
      } catch {
        // No event exchange plugin there: read on an interval instead.
      }
    })(),
  ]);
  read();
  await pushes;
  const poll = setInterval(
    () => {
      if (flowing) read();
      else if (!pushed) reshaped();
    },
    pushed ? FLOWING_MS : REFRESH_MS,
  );

  return {
    close() {
      closed = true;
      clearInterval(poll);
      for (const read of later) read.cancel();
      leaveEvents?.();
      for (const model of models) {
        model.removeAllListeners('close');
        void model.close().catch(() => {});
      }
    },
    nudge: reshaped,
  };
};
