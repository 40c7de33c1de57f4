// The fence for what the queue cap cannot see: messages delivered to a learner's consumer and not
// yet acknowledged do not count against max-length, so a consumer that never acks (a lesson's
// first mistake) with no prefetch takes in all a publisher sends, and the broker keeps every one
// in memory until its alarm blocks the whole class. RabbitMQ has no per-vhost limit for them, so
// this looks every UNACKED_LOOK_MS at the management API's per-queue counts and, for a learner's
// vhost over the limit, closes that vhost's connections with the reason: the broker puts their
// messages back in their queues (where the cap holds again), and the learner's library says why.
//
// The counts come from the broker's statistics (collected every 500 ms on the playground's own
// broker), so a consumer taking messages flat out passes the limit by what it takes in between.
import { formatSize } from '../../util/sizes.ts';
import { errorText } from '../../util/errors.ts';
import { managementRequest, type ManagementAccess } from './admin.ts';

export const UNACKED_LOOK_MS = 2_000;

export interface UnackedLimit {
  messages: number;
  bytes: number;
}

interface QueueRow {
  vhost?: string;
  messages_unacknowledged?: number;
  message_bytes_unacknowledged?: number;
}

/** Unacknowledged messages and their bytes, per vhost, from GET /api/queues. */
export function unackedByVhost(rows: QueueRow[]): Map<string, { messages: number; bytes: number }> {
  const totals = new Map<string, { messages: number; bytes: number }>();
  for (const row of rows) {
    if (typeof row.vhost !== 'string') continue;
    const t = totals.get(row.vhost) ?? { messages: 0, bytes: 0 };
    t.messages += row.messages_unacknowledged ?? 0;
    t.bytes += row.message_bytes_unacknowledged ?? 0;
    totals.set(row.vhost, t);
  }
  return totals;
}

/** What the learner's library shows after CONNECTION_FORCED: one line, what to change. */
export function unackedReason(held: { messages: number; bytes: number }, limit: UnackedLimit): string {
  return (
    `the classroom closed this connection: your consumers held ${held.messages.toLocaleString('en-US')} ` +
    `unacknowledged messages (${formatSize(held.bytes)}; at most ${limit.messages.toLocaleString('en-US')} / ` +
    `${formatSize(limit.bytes)}). They are back in their queues: ack each message (basic_ack) once it is ` +
    'handled, and set a prefetch (basic_qos) so a consumer takes only a few at a time'
  );
}

export class UnackedGuard {
  private timer: NodeJS.Timeout | null = null;
  private looking = false;

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

  /** One look; answers the vhosts whose connections it closed. */
  async look(): Promise<string[]> {
    if (this.looking || this.guarded.size === 0) return [];
    this.looking = true;
    const closed: string[] = [];
    try {
      const rows = (await managementRequest(
        this.admin,
        'GET',
        '/api/queues?columns=vhost,messages_unacknowledged,message_bytes_unacknowledged',
      )) as QueueRow[];
      for (const [vhost, held] of unackedByVhost(rows ?? [])) {
        if (!this.guarded.has(vhost)) continue;
        if (held.messages <= this.limit.messages && held.bytes <= this.limit.bytes) continue;
        await this.closeConnections(vhost, unackedReason(held, this.limit));
        closed.push(vhost);
      }
    } catch (err) {
      this.log(`RabbitMQ unacknowledged-messages look failed: ${errorText(err)}`);
    } finally {
      this.looking = false;
    }
    return closed;
  }

  private async closeConnections(vhost: string, reason: string): Promise<void> {
    const connections = (await managementRequest(
      this.admin,
      'GET',
      `/api/vhosts/${encodeURIComponent(vhost)}/connections?columns=name`,
      undefined,
      [404],
    )) as Array<{ name: string }> | null;
    for (const { name } of connections ?? []) {
      await managementRequest(this.admin, 'DELETE', `/api/connections/${encodeURIComponent(name)}`, undefined, [404], {
        'x-reason': reason,
      });
    }
    this.log(`RabbitMQ: closed ${connections?.length ?? 0} connection(s) of ${vhost}: ${reason}`);
  }
}
