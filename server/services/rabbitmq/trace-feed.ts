// A vhost's firehose (amq.rabbitmq.trace), one connection and queue per learner endpoint for every
// run watcher of this process, kept LINGER_MS after the last one leaves: a learner's runs follow
// one another, and opening the feed (a connection, a queue, a binding) took ~65 ms of every run's
// start when each watcher opened its own.
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import type { Endpoint } from '../endpoint.ts';
import type { ManagementAccess } from './admin.ts';
import { parseAmqpTarget, vhostOf } from './amqp-url.ts';
import { traceOn, TRACE_EXCHANGE } from './inspect.ts';
import { connect, listen, RUN_WATCH_CONNECTION_NAME } from './own-client.ts';

export const LINGER_MS = 60_000;

interface Feed {
  opening: Promise<ChannelModel>;
  listeners: Set<(message: ConsumeMessage) => void>;
  linger: NodeJS.Timeout | null;
}

const feeds = new Map<string, Feed>();

function close(url: string, feed: Feed): void {
  if (feeds.get(url) === feed) feeds.delete(url);
  void feed.opening
    .then((model) => {
      model.removeAllListeners('close');
      return model.close();
    })
    .catch(() => {});
}

function open(endpoint: Endpoint, access: ManagementAccess): Feed {
  const feed: Feed = { listeners: new Set(), linger: null, opening: null as unknown as Promise<ChannelModel> };
  feed.opening = (async () => {
    await traceOn(access, vhostOf(parseAmqpTarget(endpoint.url)));
    const model = await connect(
      endpoint,
      () => {
        if (feeds.get(endpoint.url) === feed) feeds.delete(endpoint.url);
      },
      RUN_WATCH_CONNECTION_NAME,
    );
    try {
      await listen(model, TRACE_EXCHANGE, ['#'], (message) => {
        for (const l of feed.listeners) l(message);
      });
    } catch (err) {
      model.removeAllListeners('close');
      await model.close().catch(() => {});
      throw err;
    }
    return model;
  })();
  feed.opening.catch(() => {
    if (feeds.get(endpoint.url) === feed) feeds.delete(endpoint.url);
  });
  return feed;
}

/** Hands every publish and delivery of the endpoint's vhost to `onMessage` until the returned function is called. */
export async function onTrace(
  endpoint: Endpoint,
  access: ManagementAccess,
  onMessage: (message: ConsumeMessage) => void,
): Promise<() => void> {
  let feed = feeds.get(endpoint.url);
  if (!feed) feeds.set(endpoint.url, (feed = open(endpoint, access)));
  if (feed.linger) {
    clearTimeout(feed.linger);
    feed.linger = null;
  }
  feed.listeners.add(onMessage);
  try {
    await feed.opening;
  } catch (err) {
    feed.listeners.delete(onMessage);
    throw err;
  }
  const joined = feed;
  return () => {
    joined.listeners.delete(onMessage);
    if (joined.listeners.size > 0 || feeds.get(endpoint.url) !== joined) return;
    joined.linger = setTimeout(() => {
      if (joined.listeners.size === 0) close(endpoint.url, joined);
    }, LINGER_MS);
    joined.linger.unref();
  };
}
