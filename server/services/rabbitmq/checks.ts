// RabbitMQ's step checks and its part of "Start this lesson fresh".
//
//   check:  rabbitmq: {queue: tasks, durable: true, min_messages: 1}
//           rabbitmq: {exchange: logs, type: fanout, routes: {routing_key: "", to: audit}}
//   reset:  rabbitmq: {queues: [tasks], exchanges: [logs]}
//
// Checks ask over AMQP, without changing anything the learner made:
// - existence and counts: a passive declare (queue.declare / exchange.declare with passive), on a
//   channel of its own, since a 404 closes the channel;
// - durability and exchange type, which a passive declare does not tell: a declare of the same
//   name with stated properties. RabbitMQ compares an existing queue's durable flag first and an
//   exchange's type, then its durable flag, and refuses a mismatch with 406 "inequivalent arg
//   'durable' … current is 'false'", naming the current value, while an equivalent declare is a
//   no-op. It runs only right after the passive declare found the thing, so nothing is created;
// - routes: the bindings (see bindings.ts), matched by routing.ts.
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { z } from 'zod';
import { plural } from '../check-compare.ts';
import { absentAlone, count, parseKinds, text } from '../check-schema.ts';
import {
  CONNECT_TIMEOUT_MS,
  fail,
  pass,
  type CheckOutcome,
  type CheckScope,
  type ServiceChecks,
  type ServiceReset,
} from '../check-types.ts';
import { connectOptions } from './amqp-url.ts';
import { CannotInspect, readBindings, readQueueDetails, type RabbitmqAdmin } from './admin.ts';
import { routesTo, UnsupportedExchange, type Binding } from './routing.ts';

const NOT_FOUND = 404;
const RESOURCE_LOCKED = 405;
const PRECONDITION_FAILED = 406;

const queueCheckSchema = z
  .strictObject({
    queue: text,
    messages: count.optional(),
    min_messages: count.optional(),
    consumers: count.optional(),
    min_consumers: count.optional(),
    durable: z.boolean().optional(),
    /** Messages published persistent (delivery_mode 2): what survives a restart of the broker. */
    persistent: count.optional(),
    min_persistent: count.optional(),
    /** Every consumer's prefetch (basic.qos prefetch_count); needs at least one consumer. */
    prefetch: count.optional(),
    absent: z.literal(true).optional(),
  })
  .superRefine((v, ctx) => absentAlone(v, ['queue'], ctx));

const EXCHANGE_TYPES = ['direct', 'fanout', 'topic', 'headers'] as const;

const exchangeCheckSchema = z
  .strictObject({
    /** "" is the default exchange. */
    exchange: z.string(),
    type: z.enum(EXCHANGE_TYPES).optional(),
    durable: z.boolean().optional(),
    absent: z.literal(true).optional(),
    routes: z.strictObject({ routing_key: z.string(), to: text }).optional(),
  })
  .superRefine((v, ctx) => absentAlone(v, ['exchange'], ctx));

export type QueueCheck = z.infer<typeof queueCheckSchema>;
export type ExchangeCheck = z.infer<typeof exchangeCheckSchema>;
export type RabbitmqCheck = ({ kind: 'queue' } & QueueCheck) | ({ kind: 'exchange' } & ExchangeCheck);

/** An AMQP error's reply code (404 not found, 405 locked, 406 precondition failed), if any. */
function amqpCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** One AMQP connection for the whole run of checks (or a reset). */
function connection(scope: CheckScope): Promise<ChannelModel> {
  return scope.keep(
    'rabbitmq',
    async () => {
      const model = await amqp.connect({ ...connectOptions(scope.endpoint()) }, { timeout: CONNECT_TIMEOUT_MS });
      model.on('error', () => {
        /* a closed connection fails the next call, which reports it */
      });
      return model;
    },
    (model) => model.close(),
  );
}

/**
 * Runs `fn` on a channel of its own. A passive declare of something missing (404) closes its
 * channel, so every question gets a fresh one and the answers stay independent.
 */
async function withChannel<T>(scope: CheckScope, fn: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await (await connection(scope)).createChannel();
  let closed = false;
  channel.on('error', () => {
    /* the rejected call reports it */
  });
  channel.on('close', () => {
    closed = true;
  });
  try {
    return await fn(channel);
  } finally {
    if (!closed) await channel.close().catch(() => {});
  }
}

/** The vhost's bindings, read once for all the checks of one run (reading may take a second). */
function vhostBindings(scope: CheckScope): Promise<Binding[]> {
  return scope.keep('rabbitmq-bindings', () => readBindings(scope.endpoint(), scope.admin as RabbitmqAdmin | null));
}

type QueueState =
  | { exists: false }
  | { exists: true; locked: true }
  | { exists: true; locked: false; messages: number; consumers: number };

/** A passive declare: whether the queue exists and, unless another connection holds it exclusively, its counts. */
async function queueState(scope: CheckScope, queue: string): Promise<QueueState> {
  try {
    const ok = await withChannel(scope, (ch) => ch.checkQueue(queue));
    return { exists: true, locked: false, messages: ok.messageCount, consumers: ok.consumerCount };
  } catch (err) {
    if (amqpCode(err) === NOT_FOUND) return { exists: false };
    if (amqpCode(err) === RESOURCE_LOCKED) return { exists: true, locked: true };
    throw err;
  }
}

async function exchangeExists(scope: CheckScope, exchange: string): Promise<boolean> {
  if (exchange === '') return true; // the default exchange always exists (and refuses declares)
  try {
    await withChannel(scope, (ch) => ch.checkExchange(exchange));
    return true;
  } catch (err) {
    if (amqpCode(err) === NOT_FOUND) return false;
    throw err;
  }
}

/** The field a 406 names and the value it says is current, e.g. ["durable", "false"]. */
function inequivalence(err: unknown): [field: string, current: string] | null {
  if (amqpCode(err) !== PRECONDITION_FAILED) return null;
  const m = /inequivalent arg '([^']+)'.*current is '([^']*)'/.exec((err as Error).message);
  return m ? [m[1], m[2]] : ['?', ''];
}

/** Whether an existing queue is durable (an equivalent declare succeeds; see the top of the file). */
async function queueDurable(scope: CheckScope, queue: string): Promise<boolean | 'locked'> {
  try {
    await withChannel(scope, (ch) => ch.assertQueue(queue, { durable: true }));
    return true;
  } catch (err) {
    if (amqpCode(err) === RESOURCE_LOCKED) return 'locked';
    const diff = inequivalence(err);
    if (!diff) throw err;
    // durable is compared first: a complaint about anything else means durable matched.
    return diff[0] !== 'durable';
  }
}

/** Type and durability of an existing exchange, found by at most two equivalent declares. */
export async function exchangeProperties(
  scope: CheckScope,
  exchange: string,
  guess = 'direct',
): Promise<{ type: string; durable: boolean }> {
  if (exchange === '') return { type: 'direct', durable: true };
  let type = guess;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await withChannel(scope, (ch: Channel) => ch.assertExchange(exchange, type, { durable: true }));
      return { type, durable: true };
    } catch (err) {
      const diff = inequivalence(err);
      if (!diff) throw err;
      if (diff[0] === 'type') {
        type = diff[1];
        continue;
      }
      // type is compared before durable, durable before the rest.
      return { type, durable: diff[0] !== 'durable' };
    }
  }
  throw new Error(`could not learn the type of exchange "${exchange}"`);
}

async function checkQueue(spec: QueueCheck, scope: CheckScope): Promise<CheckOutcome> {
  const q = spec.queue;
  const state = await queueState(scope, q);
  if (spec.absent) return state.exists ? fail(`queue "${q}" still exists`) : pass(`there is no queue "${q}"`);
  if (!state.exists) return fail(`there is no queue "${q}"`);
  const found: string[] = [];
  const counting = [
    spec.messages,
    spec.min_messages,
    spec.consumers,
    spec.min_consumers,
    spec.persistent,
    spec.min_persistent,
    spec.prefetch,
  ].some((v) => v !== undefined);
  if (state.locked) {
    if (counting || spec.durable !== undefined) {
      return fail(
        `queue "${q}" is exclusive to another connection, so it cannot be inspected; declare it without exclusive`,
      );
    }
    return pass(`queue "${q}" exists (exclusive to another connection)`);
  }
  const { messages, consumers } = state;
  if (spec.messages !== undefined && messages !== spec.messages) {
    return fail(`queue "${q}" holds ${plural(messages, 'message')}, not ${spec.messages}`);
  }
  if (spec.min_messages !== undefined && messages < spec.min_messages) {
    return fail(`queue "${q}" holds ${plural(messages, 'message')}; expected at least ${spec.min_messages}`);
  }
  if (spec.consumers !== undefined && consumers !== spec.consumers) {
    return fail(`queue "${q}" has ${plural(consumers, 'consumer')}, not ${spec.consumers}`);
  }
  if (spec.min_consumers !== undefined && consumers < spec.min_consumers) {
    return fail(`queue "${q}" has ${plural(consumers, 'consumer')}; expected at least ${spec.min_consumers}`);
  }
  found.push(plural(messages, 'message'), plural(consumers, 'consumer'));
  if (spec.durable !== undefined) {
    const durable = await queueDurable(scope, q);
    if (durable === 'locked')
      return fail(`queue "${q}" is exclusive to another connection, so its durability cannot be checked`);
    if (durable !== spec.durable)
      return fail(spec.durable ? `queue "${q}" is not durable` : `queue "${q}" is durable; expected a transient queue`);
    found.push(durable ? 'durable' : 'transient');
  }
  if (spec.persistent !== undefined || spec.min_persistent !== undefined || spec.prefetch !== undefined) {
    let details;
    try {
      details = await readQueueDetails(scope.endpoint(), scope.admin as RabbitmqAdmin | null, q);
    } catch (err) {
      if (err instanceof CannotInspect) return fail(err.message);
      throw err;
    }
    const persistent = details.persistentMessages;
    const held = `${plural(persistent, 'persistent message')} of ${messages}`;
    if (spec.persistent !== undefined && persistent !== spec.persistent) {
      return fail(`queue "${q}" holds ${held}, not ${spec.persistent} persistent`);
    }
    if (spec.min_persistent !== undefined && persistent < spec.min_persistent) {
      return fail(`queue "${q}" holds ${held}; expected at least ${spec.min_persistent} persistent`);
    }
    if (spec.persistent !== undefined || spec.min_persistent !== undefined) found.push(held);
    if (spec.prefetch !== undefined) {
      const { prefetch } = details;
      if (prefetch.length === 0) return fail(`queue "${q}" has no consumer, so no prefetch to compare`);
      const other = prefetch.filter((p) => p !== spec.prefetch);
      if (other.length > 0) {
        const shown = prefetch.map((p) => (p === 0 ? 'unlimited' : String(p))).join(', ');
        return fail(`queue "${q}" has consumers with prefetch ${shown}, not all ${spec.prefetch}`);
      }
      found.push(`prefetch ${spec.prefetch} on every consumer`);
    }
  }
  return pass(`queue "${q}" exists (${found.join(', ')})`);
}

const exchangeName = (x: string) => (x === '' ? 'the default exchange ("")' : `exchange "${x}"`);

async function checkExchange(spec: ExchangeCheck, scope: CheckScope): Promise<CheckOutcome> {
  const x = spec.exchange;
  const exists = await exchangeExists(scope, x);
  if (spec.absent) return exists ? fail(`${exchangeName(x)} still exists`) : pass(`there is no exchange "${x}"`);
  if (!exists) return fail(`there is no exchange "${x}"`);
  const found: string[] = [];
  if (spec.type !== undefined || spec.durable !== undefined) {
    const props = await exchangeProperties(scope, x, spec.type);
    if (spec.type !== undefined && props.type !== spec.type)
      return fail(`${exchangeName(x)} is a ${props.type} exchange, not ${spec.type}`);
    if (spec.durable !== undefined && props.durable !== spec.durable) {
      return fail(
        spec.durable
          ? `${exchangeName(x)} is not durable`
          : `${exchangeName(x)} is durable; expected a transient exchange`,
      );
    }
    found.push(props.type, props.durable ? 'durable' : 'transient');
  }
  if (spec.routes) {
    const { routing_key: key, to } = spec.routes;
    const queue = await queueState(scope, to);
    if (!queue.exists) return fail(`there is no queue "${to}" for ${exchangeName(x)} to route to`);
    let routed: boolean;
    let bindingsToQueue: string[];
    try {
      const bindings = x === '' ? [] : await vhostBindings(scope);
      const types = new Map<string, string>();
      const typeOf = async (name: string) => {
        let t = types.get(name);
        if (!t) {
          t = (await exchangeProperties(scope, name)).type;
          types.set(name, t);
        }
        return t;
      };
      routed = await routesTo(bindings, typeOf, x, key, to);
      bindingsToQueue = bindings
        .filter((b) => b.source === x && b.destinationKind === 'queue' && b.destination === to)
        .map((b) => b.routingKey);
    } catch (err) {
      if (err instanceof CannotInspect || err instanceof UnsupportedExchange) return fail(err.message);
      throw err;
    }
    if (!routed) {
      const why =
        x === ''
          ? `the default exchange routes a key only to the queue of that name`
          : bindingsToQueue.length === 0
            ? `queue "${to}" is not bound to it`
            : `queue "${to}" is bound with ${bindingsToQueue.map((k) => JSON.stringify(k)).join(', ')}`;
      return fail(`${exchangeName(x)} does not route "${key}" to queue "${to}" (${why})`);
    }
    found.push(`routes "${key}" to queue "${to}"`);
  }
  return pass(`${exchangeName(x)} exists${found.length ? ` (${found.join(', ')})` : ''}`);
}

export const rabbitmqChecks: ServiceChecks<RabbitmqCheck> = {
  example: '{queue: hello}',
  parse: (body, ctx) => parseKinds('rabbitmq', body, ctx, { queue: queueCheckSchema, exchange: exchangeCheckSchema }),
  run: (spec, scope) => (spec.kind === 'queue' ? checkQueue(spec, scope) : checkExchange(spec, scope)),
};

const resetSchema = z.strictObject({
  queues: z.array(text).optional(),
  exchanges: z.array(text).optional(),
});

export const rabbitmqReset: ServiceReset<z.infer<typeof resetSchema>> = {
  schema: resetSchema,
  async run(spec, scope, report) {
    for (const queue of spec.queues ?? []) {
      await report.attempt(`queue "${queue}"`, async () => {
        const state = await queueState(scope, queue);
        if (!state.exists) return;
        try {
          await withChannel(scope, (ch) => ch.deleteQueue(queue));
        } catch (err) {
          if (amqpCode(err) === RESOURCE_LOCKED) {
            throw new Error('it is exclusive to another connection (close the program or terminal that declared it)', {
              cause: err,
            });
          }
          throw err;
        }
        report.cleared(`queue "${queue}"`);
      });
    }
    for (const exchange of spec.exchanges ?? []) {
      await report.attempt(`exchange "${exchange}"`, async () => {
        if (!(await exchangeExists(scope, exchange))) return;
        await withChannel(scope, (ch) => ch.deleteExchange(exchange));
        report.cleared(`exchange "${exchange}"`);
      });
    }
  },
};
