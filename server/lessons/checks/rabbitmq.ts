// RabbitMQ checks over AMQP, without changing anything the learner made:
// - existence and counts: a passive declare (queue.declare / exchange.declare with passive), on a
//   channel of its own, since a 404 closes the channel;
// - durability and exchange type, which a passive declare does not tell: a declare of the same
//   name with stated properties. RabbitMQ compares an existing queue's durable flag first and an
//   exchange's type, then its durable flag, and refuses a mismatch with 406 "inequivalent arg
//   'durable' … current is 'false'", naming the current value, while an equivalent declare is a
//   no-op. It runs only right after the passive declare found the thing, so nothing is created;
// - routes: the bindings (see bindings.ts), matched by routing.ts.
import type { Channel } from 'amqplib';
import type { ExchangeCheck, QueueCheck } from '../schema.ts';
import { CannotInspectBindings } from './bindings.ts';
import { amqpCode, type ServiceClients } from './clients.ts';
import { plural } from './compare.ts';
import { fail, pass, type CheckOutcome } from './outcome.ts';
import { routesTo, UnsupportedExchange } from './routing.ts';

const NOT_FOUND = 404;
const RESOURCE_LOCKED = 405;
const PRECONDITION_FAILED = 406;

type QueueState =
  | { exists: false }
  | { exists: true; locked: true }
  | { exists: true; locked: false; messages: number; consumers: number };

/** A passive declare: whether the queue exists and, unless another connection holds it exclusively, its counts. */
export async function queueState(clients: ServiceClients, queue: string): Promise<QueueState> {
  try {
    const ok = await clients.withChannel((ch) => ch.checkQueue(queue));
    return { exists: true, locked: false, messages: ok.messageCount, consumers: ok.consumerCount };
  } catch (err) {
    if (amqpCode(err) === NOT_FOUND) return { exists: false };
    if (amqpCode(err) === RESOURCE_LOCKED) return { exists: true, locked: true };
    throw err;
  }
}

export async function exchangeExists(clients: ServiceClients, exchange: string): Promise<boolean> {
  if (exchange === '') return true; // the default exchange always exists (and refuses declares)
  try {
    await clients.withChannel((ch) => ch.checkExchange(exchange));
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
async function queueDurable(clients: ServiceClients, queue: string): Promise<boolean | 'locked'> {
  try {
    await clients.withChannel((ch) => ch.assertQueue(queue, { durable: true }));
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
export async function exchangeProperties(clients: ServiceClients, exchange: string, guess = 'direct'): Promise<{ type: string; durable: boolean }> {
  if (exchange === '') return { type: 'direct', durable: true };
  let type = guess;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await clients.withChannel((ch: Channel) => ch.assertExchange(exchange, type, { durable: true }));
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

export async function checkQueue(spec: QueueCheck, clients: ServiceClients): Promise<CheckOutcome> {
  const q = spec.queue;
  const state = await queueState(clients, q);
  if (spec.absent) return state.exists ? fail(`queue "${q}" still exists`) : pass(`there is no queue "${q}"`);
  if (!state.exists) return fail(`there is no queue "${q}"`);
  const found: string[] = [];
  const counting = [spec.messages, spec.min_messages, spec.consumers, spec.min_consumers].some((v) => v !== undefined);
  if (state.locked) {
    if (counting || spec.durable !== undefined) {
      return fail(`queue "${q}" is exclusive to another connection, so it cannot be inspected; declare it without exclusive`);
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
    const durable = await queueDurable(clients, q);
    if (durable === 'locked') return fail(`queue "${q}" is exclusive to another connection, so its durability cannot be checked`);
    if (durable !== spec.durable) return fail(spec.durable ? `queue "${q}" is not durable` : `queue "${q}" is durable; expected a transient queue`);
    found.push(durable ? 'durable' : 'transient');
  }
  return pass(`queue "${q}" exists (${found.join(', ')})`);
}

const exchangeName = (x: string) => (x === '' ? 'the default exchange ("")' : `exchange "${x}"`);

export async function checkExchange(spec: ExchangeCheck, clients: ServiceClients): Promise<CheckOutcome> {
  const x = spec.exchange;
  const exists = await exchangeExists(clients, x);
  if (spec.absent) return exists ? fail(`${exchangeName(x)} still exists`) : pass(`there is no exchange "${x}"`);
  if (!exists) return fail(`there is no exchange "${x}"`);
  const found: string[] = [];
  if (spec.type !== undefined || spec.durable !== undefined) {
    const props = await exchangeProperties(clients, x, spec.type);
    if (spec.type !== undefined && props.type !== spec.type) return fail(`${exchangeName(x)} is a ${props.type} exchange, not ${spec.type}`);
    if (spec.durable !== undefined && props.durable !== spec.durable) {
      return fail(spec.durable ? `${exchangeName(x)} is not durable` : `${exchangeName(x)} is durable; expected a transient exchange`);
    }
    found.push(props.type, props.durable ? 'durable' : 'transient');
  }
  if (spec.routes) {
    const { routing_key: key, to } = spec.routes;
    const queue = await queueState(clients, to);
    if (!queue.exists) return fail(`there is no queue "${to}" for ${exchangeName(x)} to route to`);
    let routed: boolean;
    let bindingsToQueue: string[];
    try {
      const bindings = x === '' ? [] : await clients.bindings();
      const types = new Map<string, string>();
      const typeOf = async (name: string) => {
        let t = types.get(name);
        if (!t) {
          t = (await exchangeProperties(clients, name)).type;
          types.set(name, t);
        }
        return t;
      };
      routed = await routesTo(bindings, typeOf, x, key, to);
      bindingsToQueue = bindings.filter((b) => b.source === x && b.destinationKind === 'queue' && b.destination === to).map((b) => b.routingKey);
    } catch (err) {
      if (err instanceof CannotInspectBindings || err instanceof UnsupportedExchange) return fail(err.message);
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
