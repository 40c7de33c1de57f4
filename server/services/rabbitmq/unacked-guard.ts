// The fence for what the queue cap cannot see: messages delivered to a learner's consumer and not
// yet acknowledged do not count against max-length, so a consumer that never acks (a lesson's
// first mistake) with no prefetch takes in all a publisher sends, and the broker keeps every one
// in memory until its alarm blocks the whole class. RabbitMQ has no per-vhost limit for them, so
// this looks every UNACKED_LOOK_MS at the management API's channels (their unacknowledged counts)
// and, for a learner's vhost over the limit, closes the connections whose channels hold them, with
// the reason: the broker puts those messages back in their queues (where the cap refuses more),
// the learner's library says why, and their publishers stay connected.
//
// The channels' counts are cheap to ask (~5 ms with 100 learners connected, against ~200 ms for
// the queues' with 2,000 queues: bench/rabbitmq-flood.ts). They carry no bytes: a vhost with at
// least `bytesCheckFrom` unacknowledged messages has its queues' bytes asked as well (a message in
// a capped queue is at most the queue's byte cap, so fewer cannot pass the byte limit). The counts
// come from the broker's statistics, so a consumer taking messages flat out passes the limit by
// what it takes in before the next look (measured in bench/rabbitmq-flood.ts).
import { formatSize } from '../../util/sizes.ts';
import { errorText } from '../../util/errors.ts';
import { managementRequest, type ManagementAccess } from './admin.ts';

/** As often as the broker's statistics change (managed.ts STATISTICS_INTERVAL_MS). */
export const UNACKED_LOOK_MS = 500;
/**
 * Bytes are asked at every this many looks (every 2 s): a question per vhost, ~0.5 ms each, so a
 * class whose 100 learners all hold a few messages costs the management API ~50 ms a time.
 */
const BYTES_EVERY = 4;

export interface UnackedLimit {
  messages: number;
  bytes: number;
  /** Below this many unacknowledged messages a vhost cannot hold `bytes` (the queue cap's bytes per message at most). */
  bytesCheckFrom: number;
}

interface ChannelRow {
  vhost?: string;
  messages_unacknowledged?: number;
  connection_details?: { name?: string };
}

interface Held {
  messages: number;
  bytes: number | null;
  /** The connections whose channels hold some. */
  connections: Set<string>;
}

/** Unacknowledged messages per vhost, and the connections holding them, from GET /api/channels. */
export function unackedByVhost(rows: ChannelRow[]): Map<string, Held> {
  const held = new Map<string, Held>();
  for (const row of rows) {
    const count = row.messages_unacknowledged ?? 0;
    if (typeof row.vhost !== 'string' || count === 0) continue;
    const h = held.get(row.vhost) ?? { messages: 0, bytes: null, connections: new Set<string>() };
    h.messages += count;
    if (row.connection_details?.name) h.connections.add(row.connection_details.name);
    held.set(row.vhost, h);
  }
  return held;
}

/**
 * What the learner's library shows after CONNECTION_FORCED: one line, what to change. AMQP's
 * close text is a short string (255 bytes with the broker's "CONNECTION_FORCED - " before it).
 */
export function unackedReason(held: { messages: number; bytes: number | null }, limit: UnackedLimit): string {
  const bytes = held.bytes === null ? '' : ` (${formatSize(held.bytes)})`;
  return (
    `the classroom closed this connection: your consumers held ${held.messages.toLocaleString('en-US')} ` +
    `unacknowledged messages${bytes}; at most ${limit.messages.toLocaleString('en-US')} / ${formatSize(limit.bytes)}. ` +
    'They are back in their queues: ack each one (basic_ack) and set a prefetch (basic_qos)'
  );
}

export class UnackedGuard {
  private timer: NodeJS.Timeout | null = null;
  private looking = false;
  private looks = 0;

  constructor(
    private readonly admin: ManagementAccess,
    private readonly limit: UnackedLimit,
    /** The learners' vhosts this guard answers for; others on the broker are left alone. */
    private readonly guarded: ReadonlySet<string>,
    private readonly log: (line: string) => void = () => {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.look(), UNACKED_LOOK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One look (with the bytes of vhosts that may be over, every BYTES_EVERY); answers the vhosts whose connections it closed. */
  async look(bytesToo = this.looks++ % BYTES_EVERY === 0): Promise<string[]> {
    if (this.looking || this.guarded.size === 0) return [];
    this.looking = true;
    const closed: string[] = [];
    try {
      const rows = (await managementRequest(
        this.admin,
        'GET',
        '/api/channels?columns=vhost,messages_unacknowledged,connection_details.name',
      )) as ChannelRow[];
      for (const [vhost, held] of unackedByVhost(rows ?? [])) {
        if (!this.guarded.has(vhost) || !(await this.over(vhost, held, bytesToo))) continue;
        await this.closeConnections(vhost, held);
        closed.push(vhost);
      }
    } catch (err) {
      this.log(`RabbitMQ unacknowledged-messages look failed: ${errorText(err)}`);
    } finally {
      this.looking = false;
    }
    return closed;
  }

  private async over(vhost: string, held: Held, bytesToo: boolean): Promise<boolean> {
    if (held.messages > this.limit.messages) return true;
    if (!bytesToo || held.messages < this.limit.bytesCheckFrom) return false;
    const queues = (await managementRequest(
      this.admin,
      'GET',
      `/api/queues/${encodeURIComponent(vhost)}?columns=message_bytes_unacknowledged`,
      undefined,
      [404],
    )) as Array<{ message_bytes_unacknowledged?: number }> | null;
    held.bytes = (queues ?? []).reduce((sum, q) => sum + (q.message_bytes_unacknowledged ?? 0), 0);
    return held.bytes > this.limit.bytes;
  }

  private async closeConnections(vhost: string, held: Held): Promise<void> {
    const reason = unackedReason(held, this.limit);
    for (const name of held.connections) {
      await managementRequest(this.admin, 'DELETE', `/api/connections/${encodeURIComponent(name)}`, undefined, [404], {
        'x-reason': reason,
      });
    }
    this.log(`RabbitMQ: closed ${held.connections.size} connection(s) of ${vhost}: ${reason}`);
  }
}
