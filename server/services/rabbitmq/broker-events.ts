// The broker's event exchange (amq.rabbitmq.event, in vhost "/"), one connection and queue per
// broker for every view of this process: 100 learners' views cost the broker one consumer, not
// 100, and each view hears the events of its own vhost only. The connection goes when the last
// view does; if the broker closes it, every view is told.
import type { ChannelModel } from 'amqplib';
import type { Endpoint } from '../endpoint.ts';
import { connect, isOwnQueue, listen } from './own-client.ts';

const EVENT_EXCHANGE = 'amq.rabbitmq.event';
const EVENT_KEYS = ['queue.#', 'exchange.#', 'binding.#', 'consumer.#'];

interface Listener {
  vhost: string;
  changed(): void;
  lost(): void;
}

interface Feed {
  opening: Promise<ChannelModel>;
  listeners: Set<Listener>;
}

const feeds = new Map<string, Feed>();

function open(adminEndpoint: Endpoint): Feed {
  const feed: Feed = { listeners: new Set(), opening: null as unknown as Promise<ChannelModel> };
  feed.opening = (async () => {
    const model = await connect(adminEndpoint, () => {
      if (feeds.get(adminEndpoint.url) === feed) feeds.delete(adminEndpoint.url);
      for (const l of feed.listeners) l.lost();
    });
    await listen(model, EVENT_EXCHANGE, EVENT_KEYS, (message) => {
      const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
      // The playground's own queues coming and going (a view, a run's watcher) change nothing shown.
      const about = [headers.name, headers.destination, headers.queue].filter((x) => typeof x === 'string');
      if (about.some((name) => isOwnQueue(name as string))) return;
      const vhost = headers.vhost === undefined ? undefined : String(headers.vhost);
      for (const l of feed.listeners) if (vhost === undefined || vhost === l.vhost) l.changed();
    }).catch(async (err: unknown) => {
      model.removeAllListeners('close');
      await model.close().catch(() => {});
      throw err;
    });
    return model;
  })();
  feed.opening.catch(() => {
    if (feeds.get(adminEndpoint.url) === feed) feeds.delete(adminEndpoint.url);
  });
  return feed;
}

/**
 * Calls `changed` for every queue, exchange, binding or consumer made or gone in `vhost`, until
 * the returned function is called. Rejects when the broker has no event exchange (no plugin).
 */
export async function onBrokerEvents(
  adminEndpoint: Endpoint,
  vhost: string,
  changed: () => void,
  lost: () => void,
): Promise<() => void> {
  let feed = feeds.get(adminEndpoint.url);
  if (!feed) feeds.set(adminEndpoint.url, (feed = open(adminEndpoint)));
  const listener: Listener = { vhost, changed, lost };
  feed.listeners.add(listener);
  try {
    await feed.opening;
  } catch (err) {
    feed.listeners.delete(listener);
    throw err;
  }
  const joined = feed;
  return () => {
    joined.listeners.delete(listener);
    if (joined.listeners.size > 0 || feeds.get(adminEndpoint.url) !== joined) return;
    feeds.delete(adminEndpoint.url);
    void joined.opening
      .then((model) => {
        model.removeAllListeners('close');
        return model.close();
      })
      .catch(() => {});
  };
}
