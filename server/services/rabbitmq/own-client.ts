// The playground's own AMQP connections to a learner's broker (the Inspect view, a run's watcher,
// the shared event feed): named in the broker's lists, consuming through exclusive queues whose
// names say they are ours, so that no view shows them.
import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { Endpoint } from '../endpoint.ts';
import { connectOptions } from './amqp-url.ts';

const CONNECT_TIMEOUT_MS = 3_000;

/**
 * The queues the views and run watchers consume through are named so, and no view shows them: a
 * learner's other tab, or a run's watcher, must not show up in this tab's topology.
 */
export const OWN_QUEUE_PREFIX = 'playground.inspect.';
export const isOwnQueue = (name: string) => name.startsWith(OWN_QUEUE_PREFIX);
/** How the view's connections are named in the broker's own lists. */
export const CONNECTION_NAME = 'playground-inspect';
/** The run watchers' shared firehose feed (trace-feed.ts). */
export const RUN_WATCH_CONNECTION_NAME = 'playground-run-watch';

/** A connection the view owns; its queue (if any) is exclusive, so it goes when the connection does. */
export async function connect(
  endpoint: Endpoint,
  onClose: () => void,
  name: string = CONNECTION_NAME,
): Promise<ChannelModel> {
  const model = await amqp.connect(connectOptions(endpoint), {
    timeout: CONNECT_TIMEOUT_MS,
    clientProperties: { connection_name: name },
  });
  model.on('error', () => {});
  model.on('close', onClose);
  return model;
}

/** Consumes what `exchange` sends with `keys` on `model`, through a queue of the playground's own. */
export async function listen(
  model: ChannelModel,
  exchange: string,
  keys: string[],
  onMessage: (message: ConsumeMessage) => void,
): Promise<string> {
  const channel = await model.createChannel();
  channel.on('error', () => {});
  const name = `${OWN_QUEUE_PREFIX}${randomUUID().slice(0, 12)}`;
  const { queue } = await channel.assertQueue(name, { exclusive: true, autoDelete: true, durable: false });
  for (const key of keys) await channel.bindQueue(queue, exchange, key);
  await channel.consume(queue, (m) => m && onMessage(m), { noAck: true });
  return queue;
}

/**
 * A connection of its own that consumes what `exchange` sends with `keys` (a shared feed's):
 * `lost` if the broker closes it; closed again if the consumer cannot be set up.
 */
export async function consume(
  endpoint: Endpoint,
  exchange: string,
  keys: string[],
  onMessage: (message: ConsumeMessage) => void,
  lost: () => void,
  name?: string,
): Promise<ChannelModel> {
  const model = await connect(endpoint, lost, name);
  try {
    await listen(model, exchange, keys, onMessage);
  } catch (err) {
    model.removeAllListeners('close');
    await model.close().catch(() => {});
    throw err;
  }
  return model;
}
