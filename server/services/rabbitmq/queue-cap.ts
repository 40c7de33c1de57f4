// The classroom's cap on every queue of a learner's vhost, and what the terminal says at it.
//
// The cap is two policies, which the workspace manager writes into each learner's vhost with the
// management API (classroom.ts):
//   - an operator policy with max-length and max-length-bytes. Learners cannot change it (their
//     users have no tags, so no management API at all), and RabbitMQ combines it with any other
//     limit on the queue taking the stricter value: a queue declared with x-max-length=1000000
//     still stops at the cap.
//   - a policy with overflow=reject-publish, because 3.10 refuses `overflow` in an operator policy
//     ("not recognised policy settings"). Without it a full queue drops its oldest messages without
//     a word; with it the newest publish is refused and a publisher in confirm mode gets basic.nack.
//     A queue may still ask for x-overflow=drop-head itself (the argument wins over a policy for
//     this key): it stays within the cap all the same.
// Both apply to classic and quorum queues. Stream queues are not capped by them.
//
// The terminal learns the cap from the vhost's operator policy, so it says what the broker really
// enforces (and nothing on a broker without one, such as the single-user playground's).
import { withTimeout } from '../../util/async.ts';
import { managementRequest, type RabbitmqAdmin } from './admin.ts';
import { quote } from './format-reply.ts';
import { routesTo, UnsupportedExchange, type Binding } from './routing.ts';
import { formatSize } from '../../util/sizes.ts';

/** The operator policy that caps every queue of a learner's vhost. */
export const QUEUE_CAP_POLICY = 'classroom-queue-cap';
/** The policy that makes a full queue refuse the newest message instead of dropping the oldest. */
export const OVERFLOW_POLICY = 'classroom-overflow';

/** A ceiling on the management API's answer: the terminal's prompt waits for it. */
const LOOKUP_TIMEOUT_MS = 1000;

export interface QueueCap {
  messages: number;
  bytes: number;
}

/** The operator policy's value (pattern, definition, …), as the management API takes it. */
export function queueCapPolicy(cap: QueueCap): Record<string, unknown> {
  return {
    pattern: '.*',
    'apply-to': 'queues',
    priority: 0,
    definition: { 'max-length': cap.messages, 'max-length-bytes': cap.bytes },
  };
}

export function overflowPolicy(): Record<string, unknown> {
  return { pattern: '.*', 'apply-to': 'queues', priority: 0, definition: { overflow: 'reject-publish' } };
}

/** "the classroom caps each queue at 1,000 messages / 1 MB" */
export function capText(cap: QueueCap): string {
  return `the classroom caps each queue at ${cap.messages.toLocaleString('en-US')} messages / ${formatSize(cap.bytes)}`;
}

/** The hint under a basic.nack. */
export function nackHint(cap: QueueCap | null): string {
  if (!cap) {
    return 'the broker did not take the message: most often a queue it routes to is full (its x-max-length or x-max-length-bytes, with x-overflow=reject-publish)';
  }
  return `the broker did not take the message: a queue it routes to is full (${capText(cap)}); consume from it or queue.purge it to make room`;
}

/** The hint under a publish without confirms into full queues. */
export function fullQueueHint(queues: string[], cap: QueueCap): string {
  const named = queues.map((q) => quote(q)).join(', ');
  const which = queues.length === 1 ? `queue ${named} is full` : `queues ${named} are full`;
  return `${which} (${capText(cap)}): without confirms the broker drops what does not fit without a word; consume or queue.purge to make room, or confirm.select to get basic.nack`;
}

interface QueueRow {
  name: string;
  messages_ready?: number;
  message_bytes_ready?: number;
}

/**
 * The cap of one vhost as the terminal sees it, read from the broker once per session with the
 * playground's management access (the same the terminal's 404 hints use).
 */
export class VhostQueueCap {
  private loading: Promise<QueueCap | null> | null = null;
  private cap: QueueCap | null = null;

  constructor(
    private readonly admin: RabbitmqAdmin | null,
    private readonly vhost: string,
  ) {}

  /** The cap, or null when the vhost has none (or the management API cannot say). Never throws. */
  load(): Promise<QueueCap | null> {
    this.loading ??= this.read().then((cap) => (this.cap = cap));
    return this.loading;
  }

  /** What load() found; null before it resolved. */
  get known(): QueueCap | null {
    return this.cap;
  }

  /**
   * After a publish without confirms: the hint naming the capped queues it routes to that are
   * full, or null when none is (or nothing can be known). Never throws.
   *
   * Queue lengths are asked without statistics (`disable_stats&enable_queue_totals`): those are
   * current within milliseconds, where the statistics' lag ~5 s on 3.10 (measured). They carry no
   * byte counts, so a queue full by its bytes is seen in the statistics, which may be that late.
   */
  async afterPublish(exchange: string, routingKey: string, bodyBytes: number): Promise<string | null> {
    const cap = this.cap;
    const management = this.admin?.management;
    if (!cap || !management) return null;
    try {
      const v = encodeURIComponent(this.vhost);
      const ask = <T>(apiPath: string) =>
        withTimeout(managementRequest(management, 'GET', apiPath) as Promise<T>, LOOKUP_TIMEOUT_MS);
      const [lengths, statistics] = await Promise.all([
        ask<QueueRow[]>(`/api/queues/${v}?disable_stats=true&enable_queue_totals=true`),
        ask<QueueRow[]>(`/api/queues/${v}?columns=name,message_bytes_ready`),
      ]);
      const bytes = new Map(statistics.map((q) => [q.name, q.message_bytes_ready ?? 0]));
      const full = lengths
        .filter((q) => {
          const ready = q.messages_ready ?? 0;
          // An emptied queue is not full, whatever the late statistics still say of its bytes.
          return ready >= cap.messages || (ready > 0 && (bytes.get(q.name) ?? 0) + bodyBytes > cap.bytes);
        })
        .map((q) => q.name);
      if (full.length === 0) return null;
      const reached =
        exchange === '' ? full.filter((q) => q === routingKey) : await this.routed(full, exchange, routingKey);
      return reached.length > 0 ? fullQueueHint(reached, cap) : null;
    } catch {
      return null;
    }
  }

  /** Which of `queues` a message published to `exchange` with `routingKey` reaches, from the vhost's bindings. */
  private async routed(queues: string[], exchange: string, routingKey: string): Promise<string[]> {
    const management = this.admin!.management!;
    const v = encodeURIComponent(this.vhost);
    const ask = <T>(apiPath: string) =>
      withTimeout(managementRequest(management, 'GET', apiPath) as Promise<T>, LOOKUP_TIMEOUT_MS);
    const [bindings, exchanges] = await Promise.all([
      ask<Array<Record<string, string>>>(`/api/bindings/${v}`),
      ask<Array<{ name: string; type: string }>>(`/api/exchanges/${v}?columns=name,type`),
    ]);
    const types = new Map(exchanges.map((x) => [x.name, x.type]));
    const routes: Binding[] = bindings.map((b) => ({
      source: b.source,
      destination: b.destination,
      destinationKind: b.destination_type === 'exchange' ? 'exchange' : 'queue',
      routingKey: b.routing_key,
    }));
    const typeOf = async (x: string) => types.get(x) ?? 'direct';
    const reached: string[] = [];
    for (const q of queues) {
      try {
        if (await routesTo(routes, typeOf, exchange, routingKey, q)) reached.push(q);
      } catch (err) {
        // A headers exchange routes by more than the key: say nothing rather than guess.
        if (!(err instanceof UnsupportedExchange)) throw err;
      }
    }
    return reached;
  }

  private async read(): Promise<QueueCap | null> {
    const management = this.admin?.management;
    if (!management) return null;
    try {
      const path = `/api/operator-policies/${encodeURIComponent(this.vhost)}/${QUEUE_CAP_POLICY}`;
      const policy = (await withTimeout(
        managementRequest(management, 'GET', path, undefined, [404]),
        LOOKUP_TIMEOUT_MS,
      )) as {
        definition?: Record<string, unknown>;
      } | null;
      const messages = Number(policy?.definition?.['max-length']);
      const bytes = Number(policy?.definition?.['max-length-bytes']);
      return Number.isFinite(messages) && Number.isFinite(bytes) && messages > 0 && bytes > 0
        ? { messages, bytes }
        : null;
    } catch {
      return null;
    }
  }
}
