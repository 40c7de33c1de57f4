// A vhost's firehose (amq.rabbitmq.trace), one connection and queue per learner endpoint for every
// run watcher of this process, kept LINGER_MS after the last one leaves: a learner's runs follow
// one another, and opening the feed (a connection, a queue, a binding) took ~65 ms of every run's
// start when each watcher opened its own.
import type { ConsumeMessage } from 'amqplib';
import type { Endpoint } from '../endpoint.ts';
import type { ManagementAccess } from './admin.ts';
import { parseAmqpTarget, vhostOf } from './amqp-url.ts';
import { traceOn, TRACE_EXCHANGE } from './inspect.ts';
import { consume, RUN_WATCH_CONNECTION_NAME } from './own-client.ts';
import { SharedFeeds } from './shared-feed.ts';

export const LINGER_MS = 60_000;

const feeds = new SharedFeeds(LINGER_MS);

/** Hands every publish and delivery of the endpoint's vhost to `onMessage` until the returned function is called. */
export function onTrace(
  endpoint: Endpoint,
  access: ManagementAccess,
  onMessage: (message: ConsumeMessage) => void,
): Promise<() => void> {
  return feeds.join(
    endpoint.url,
    async (deliver, closed) => {
      await traceOn(access, vhostOf(parseAmqpTarget(endpoint.url)));
      return consume(endpoint, TRACE_EXCHANGE, ['#'], deliver, closed, RUN_WATCH_CONNECTION_NAME);
    },
    // A lost feed only costs the run its RabbitMQ lines: the next run opens another.
    { message: onMessage, lost() {} },
  );
}
