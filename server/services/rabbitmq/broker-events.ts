// The broker's event exchange (amq.rabbitmq.event, in vhost "/"), one connection and queue per
// broker for every view of this process: 100 learners' views cost the broker one consumer, not
// 100, and each view hears the events of its own vhost only. The connection goes when the last
// view does; if the broker closes it, every view is told.
import type { Endpoint } from '../endpoint.ts';
import { consume, isOwnQueue } from './own-client.ts';
import { SharedFeeds } from './shared-feed.ts';

const EVENT_EXCHANGE = 'amq.rabbitmq.event';
const EVENT_KEYS = ['queue.#', 'exchange.#', 'binding.#', 'consumer.#'];

const feeds = new SharedFeeds(0);

/**
 * Calls `changed` for every queue, exchange, binding or consumer made or gone in `vhost`, until
 * the returned function is called. Rejects when the broker has no event exchange (no plugin).
 */
export function onBrokerEvents(
  adminEndpoint: Endpoint,
  vhost: string,
  changed: () => void,
  lost: () => void,
): Promise<() => void> {
  return feeds.join(
    adminEndpoint.url,
    (deliver, closed) => consume(adminEndpoint, EVENT_EXCHANGE, EVENT_KEYS, deliver, closed),
    {
      lost,
      message(message) {
        const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
        // The playground's own queues coming and going (a view, a run's watcher) change nothing shown.
        const about = [headers.name, headers.destination, headers.queue].filter((x) => typeof x === 'string');
        if (about.some((name) => isOwnQueue(name as string))) return;
        if (headers.vhost === undefined || String(headers.vhost) === vhost) changed();
      },
    },
  );
}
