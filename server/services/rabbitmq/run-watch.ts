// What a run did on the learner's vhost: the messages it published, per exchange and routing key,
// with the queues the broker routed them to (or none), and the messages delivered per queue — all
// from the firehose (amq.rabbitmq.trace), which copies every publish and delivery of the vhost
// (one feed per learner, shared by their runs: trace-feed.ts).
import type { ConsumeMessage } from 'amqplib';
import { plural, someNames, type RunWatcher } from '../run-watch-types.ts';
import { rabbitmqAdmin, type RabbitmqAdmin } from './admin.ts';
import { publishOf } from './inspect.ts';
import { onTrace } from './trace-feed.ts';

/** Routes told one by one at most; the rest are counted. */
const ROUTE_LINES = 4;
/** After the program ends, the firehose's last copies are still on their way. */
const TAIL_MS = 150;

export const rabbitmqRunWatch: RunWatcher = {
  mentions: /pika|amqp|rabbit|5672/i,
  async start(endpoint, adminData) {
    const admin = (adminData as RabbitmqAdmin | null) ?? rabbitmqAdmin(endpoint, null);
    if (!admin.management) throw new Error('no management API to turn the firehose on with');
    /** "exchange\nkey\nqueues" → publishes. */
    const routes = new Map<string, number>();
    const delivered = new Map<string, number>();
    const onMessage = (message: ConsumeMessage) => {
      const publish = publishOf(message, 0);
      if (publish) {
        const route = [publish.exchange, publish.routingKey, publish.routedQueues.join(', ')].join('\n');
        routes.set(route, (routes.get(route) ?? 0) + 1);
      } else if (message.fields.routingKey.startsWith('deliver.')) {
        const queue = message.fields.routingKey.slice('deliver.'.length);
        delivered.set(queue, (delivered.get(queue) ?? 0) + 1);
      }
    };
    const close = await onTrace(endpoint, admin.management, onMessage);
    return {
      cancel: close,
      async finish() {
        await new Promise((r) => setTimeout(r, TAIL_MS));
        close();
        const lines: string[] = [];
        const all = [...routes].sort((a, b) => b[1] - a[1]);
        for (const [route, n] of all.slice(0, ROUTE_LINES)) {
          const [exchange, key, queues] = route.split('\n');
          const to = queues ? `→ ${queues}` : '→ no queue (unroutable)';
          const via = exchange === '' ? 'the default exchange' : `exchange ${exchange}`;
          lines.push(`published ${n} to ${via}, key "${key}" ${to}`);
        }
        const rest = all.slice(ROUTE_LINES).reduce((sum, [, n]) => sum + n, 0);
        if (rest) lines.push(`and ${plural(rest, 'more message')} on other routes`);
        const queues = [...delivered].sort((a, b) => b[1] - a[1]);
        if (queues.length) {
          lines.push(`delivered to consumers: ${someNames(queues.map(([q, n]) => `${n} from ${q}`))}`);
        }
        return lines;
      },
    };
  },
};
