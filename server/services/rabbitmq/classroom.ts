// Classroom mode: each learner's RabbitMQ account on the shared broker, made through its management
// HTTP API with the broker's administrator (never given to learners): per workspace a vhost named
// after it, a user of the same name without tags (so it cannot use the management API itself),
// permissions `.* .* .*` on that vhost only, vhost limits on queues and connections, and a cap on
// every queue's length and bytes (queue-cap.ts: an operator policy and a policy).
//
// Why these limits keep the shared broker below its memory alarm: a learner's queues hold at most
// maxQueues × min(queueMessages, queueMb) of messages, and the broker keeps ~0.6–1.5 KB of its own
// per message on top of the bodies. Every queue full cost the broker 34 MB at worst with the
// defaults (bench/rabbitmq-flood.ts), ~3.4 GB for a class of 100, against an alarm at 40% of the
// machine's memory (docs/classroom.md). Messages delivered but not yet acknowledged do not count
// against max-length: unacked-guard.ts closes the connections that hold too many in a vhost.
// Stream queues ignore the policies and are not bounded here (they keep messages on disk).
//
// Measured on 3.10.8 (2 cores):
// - One workspace is made with six PUTs in two parallel rounds (vhost and user, then permissions,
//   both limits and the two queue-cap policies): ~40 ms with a few dozen vhosts on the broker, ~65
//   ms with 150 (p50 28 ms for 30 in a row with the policies). The same as one POST
//   /api/definitions takes 1.5–2× as long, and concurrent imports queue behind each other.
// - Both vhost limits go in one PUT of the "vhost-limits" parameter: the per-limit endpoint
//   (/api/vhost-limits/VHOST/NAME) rewrites the whole parameter, so two of them in parallel lose
//   one limit.
// - At start(), every known workspace is written again with one POST /api/definitions: idempotent
//   (existing objects are updated), ~0.2 s for 100 that exist, ~5.6 s for 100 after the private
//   broker's wipe (creating a vhost costs 40–60 ms in the broker, whatever the API).
import { createHash, randomBytes } from 'node:crypto';
import { Limiter } from '../../util/limiter.ts';
import type { AccountManager, LearnerAccount, LearnerAccounts, Limits } from '../classroom-types.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ManagedContext } from '../managed-types.ts';
import { parseAmqpTarget } from './amqp-url.ts';
import { ctlAccess, managementRequest, type CtlAccess, type ManagementAccess, type RabbitmqAdmin } from './admin.ts';
import { MANAGED_USER, managedPassword, managementUrl } from './managed.ts';
import { OVERFLOW_POLICY, QUEUE_CAP_POLICY, overflowPolicy, queueCapPolicy, type QueueCap } from './queue-cap.ts';
import { UnackedGuard } from './unacked-guard.ts';

/**
 * Workspaces created at once. The broker makes vhosts nearly one at a time, so when a whole class
 * joins together, letting all of them in only makes everyone wait for the last; in turns, the
 * first learners are ready first (30 joins at once: p50 0.7 s with 4, 1.2 s unlimited, the last
 * at ~1.2 s either way; 1 or 2 at a time finish later).
 */
const CREATE_CONCURRENCY = 4;

/** For a broker given by AMQP_URL: an administrator of it, over its management API. */
export const RABBITMQ_MANAGEMENT_URL_ENV = 'CLASSROOM_RABBITMQ_MANAGEMENT_URL';

/** What the manager needs: where learners connect, and the administrator's management API. */
export interface RabbitmqAdminAccess {
  /** host:port learners' AMQP URLs point at. */
  amqpHost: string;
  amqpPort: number;
  /** e.g. "http://127.0.0.1:41234" — the management plugin's HTTP API. */
  managementUrl: string;
  user: string;
  password: string;
  /** rabbitmqctl on the playground's own broker, for what its management API (statistics off) cannot tell checks. */
  ctl?: CtlAccess;
}

/**
 * The stored form of rabbit_password_hashing_sha256: base64(salt ‖ SHA-256(salt ‖ password)) with a
 * 4-byte salt, so definitions carry no clear-text password.
 */
export function rabbitPasswordHash(password: string, salt = randomBytes(4)): string {
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

/** Definitions of some workspaces' vhosts, users, permissions, limits and queue caps. */
export function accountDefinitions(accounts: LearnerAccount[], limits: Limits): object {
  return {
    users: accounts.map((a) => ({
      name: a.id,
      password_hash: rabbitPasswordHash(a.password),
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: '',
    })),
    vhosts: accounts.map((a) => ({ name: a.id })),
    permissions: accounts.map((a) => ({ user: a.id, vhost: a.id, configure: '.*', write: '.*', read: '.*' })),
    parameters: accounts.flatMap((a) => [
      { vhost: a.id, component: 'vhost-limits', name: 'limits', value: vhostLimits(limits) },
      // Operator policies are runtime parameters of their own component in a definitions file.
      { vhost: a.id, component: 'operator_policy', name: QUEUE_CAP_POLICY, value: queueCapPolicy(queueCap(limits)) },
    ]),
    policies: accounts.map((a) => ({ vhost: a.id, name: OVERFLOW_POLICY, ...overflowPolicy() })),
  };
}

/** The cap on each queue of a learner's vhost. */
export function queueCap(limits: Limits): QueueCap {
  return { messages: limits.queueMessages, bytes: limits.queueMb * 1024 * 1024 };
}

function vhostLimits(limits: Limits): Record<string, number> {
  return { 'max-queues': limits.maxQueues, 'max-connections': limits.maxConnections };
}

/**
 * The administrator access: the private broker's `playground` administrator (its password derives
 * from the installation's secret; the supervisor must run with { classroom: true }, which turns
 * the management plugin on), or, for a broker given by AMQP_URL, CLASSROOM_RABBITMQ_MANAGEMENT_URL.
 */
function adminAccess(endpoint: Endpoint, ctx: ManagedContext | null, env: NodeJS.ProcessEnv): RabbitmqAdminAccess {
  const target = parseAmqpTarget(endpoint.url);
  const amqp = { amqpHost: target.hostname, amqpPort: target.port };
  if (ctx) {
    if (!ctx.classroom) {
      throw new Error(
        'the private RabbitMQ was started without its management API, which classroom mode needs to make ' +
          "learners' vhosts and users: start the supervisor with { classroom: true }",
      );
    }
    return {
      ...amqp,
      managementUrl: managementUrl(ctx),
      user: MANAGED_USER,
      password: managedPassword(ctx.secret),
      ctl: ctlAccess(ctx),
    };
  }
  const raw = env[RABBITMQ_MANAGEMENT_URL_ENV]?.trim();
  if (!raw) {
    throw new Error(
      `RabbitMQ comes from AMQP_URL: classroom mode also needs ${RABBITMQ_MANAGEMENT_URL_ENV}=http://ADMIN:PASSWORD@HOST:15672 ` +
        '(an administrator of that broker; its management plugin enabled)',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${RABBITMQ_MANAGEMENT_URL_ENV}: expected http://ADMIN:PASSWORD@HOST:PORT`);
  }
  if (!/^https?:$/.test(url.protocol) || !url.username) {
    throw new Error(
      `${RABBITMQ_MANAGEMENT_URL_ENV}: expected http://ADMIN:PASSWORD@HOST:PORT (with the administrator's name and password)`,
    );
  }
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return { ...amqp, managementUrl: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`, user, password };
}

/** The manager's handle on the broker's management API. */
export class RabbitmqAccounts implements AccountManager {
  private readonly admin: ManagementAccess;
  private readonly creating = new Limiter(CREATE_CONCURRENCY);
  /** The vhosts made or written again here: the ones whose unacknowledged messages it fences. */
  private readonly vhosts = new Set<string>();
  readonly unacked: UnackedGuard;

  constructor(
    private readonly access: RabbitmqAdminAccess,
    private readonly limits: Limits,
  ) {
    this.admin = { url: access.managementUrl, user: access.user, password: access.password };
    this.unacked = new UnackedGuard(
      this.admin,
      {
        messages: limits.unackedMessages,
        bytes: limits.unackedMb * 1024 * 1024,
        bytesCheckFrom: Math.max(1, Math.floor(limits.unackedMb / limits.queueMb)),
      },
      this.vhosts,
    );
    this.unacked.start();
  }

  /** The learner's AMQP URL: their user, their vhost. */
  endpoint(account: LearnerAccount): Endpoint {
    const { amqpHost, amqpPort } = this.access;
    const host = amqpHost.includes(':') ? `[${amqpHost}]` : amqpHost;
    const address = `${host}:${amqpPort}`;
    return { url: `amqp://${account.id}:${encodeURIComponent(account.password)}@${address}/${account.id}`, address };
  }

  /** A new workspace's vhost, user, permissions, limits and queue caps. */
  create(account: LearnerAccount): Promise<void> {
    return this.creating.run(async () => {
      const name = encodeURIComponent(account.id);
      await Promise.all([
        this.request('PUT', `/api/vhosts/${name}`, {}),
        this.request('PUT', `/api/users/${name}`, { password: account.password, tags: '' }),
      ]);
      await this.grant(account);
      this.vhosts.add(account.id);
    });
  }

  /** Creates or updates many workspaces' accounts in one call (start()). */
  async restore(accounts: LearnerAccount[]): Promise<void> {
    if (accounts.length === 0) return;
    await this.request('POST', '/api/definitions', accountDefinitions(accounts, this.limits));
    for (const a of accounts) this.vhosts.add(a.id);
  }

  /** Reset: deleting the vhost drops its queues, exchanges and bindings (and closes its connections). */
  async reset(account: LearnerAccount): Promise<void> {
    const name = encodeURIComponent(account.id);
    await this.request('DELETE', `/api/vhosts/${name}`, undefined, [404]);
    await this.request('PUT', `/api/vhosts/${name}`, {});
    await this.grant(account);
    this.vhosts.add(account.id);
  }

  /** Everything that lives in the vhost besides itself: made again after reset() deleted it. */
  private async grant(account: LearnerAccount): Promise<void> {
    const name = encodeURIComponent(account.id);
    await Promise.all([
      this.request('PUT', `/api/permissions/${name}/${name}`, { configure: '.*', write: '.*', read: '.*' }),
      this.request('PUT', `/api/parameters/vhost-limits/${name}/limits`, { value: vhostLimits(this.limits) }),
      this.request('PUT', `/api/operator-policies/${name}/${QUEUE_CAP_POLICY}`, queueCapPolicy(queueCap(this.limits))),
      this.request('PUT', `/api/policies/${name}/${OVERFLOW_POLICY}`, overflowPolicy()),
    ]);
  }

  async remove(id: string): Promise<void> {
    this.vhosts.delete(id);
    await this.request('DELETE', `/api/vhosts/${encodeURIComponent(id)}`, undefined, [404]);
    // Deleting the user also closes any connection it still has elsewhere.
    await this.request('DELETE', `/api/users/${encodeURIComponent(id)}`, undefined, [404]);
  }

  /** Whether a workspace's vhost and user exist (tests of removal). */
  async exists(id: string): Promise<{ vhost: boolean; user: boolean }> {
    const [vhost, user] = await Promise.all([
      this.request('GET', `/api/vhosts/${encodeURIComponent(id)}`, undefined, [404]),
      this.request('GET', `/api/users/${encodeURIComponent(id)}`, undefined, [404]),
    ]);
    return { vhost: vhost !== null, user: user !== null };
  }

  /** Checks read any learner's bindings and queue details with the administrator's access. */
  checkAdmin(): RabbitmqAdmin {
    return { ctl: this.access.ctl, management: this.admin };
  }

  async close(): Promise<void> {
    this.unacked.stop();
  }

  private request(method: string, apiPath: string, body?: unknown, tolerated: number[] = []): Promise<unknown> {
    return managementRequest(this.admin, method, apiPath, body, tolerated);
  }
}

export const rabbitmqLearners: LearnerAccounts<RabbitmqAdminAccess> = {
  kind: 'account',
  limits: {
    /**
     * The vhost limit max-queues. 20 is more than any lesson uses at once; it is also a factor of
     * the broker's worst case (see the top of the file), which 50 made 2.5 times larger.
     */
    maxQueues: { env: 'CLASSROOM_MAX_QUEUES', default: 20, min: 1, max: 10_000 },
    /** The vhost limit max-connections. */
    maxConnections: { env: 'CLASSROOM_MAX_AMQP_CONNECTIONS', default: 20, min: 1, max: 10_000 },
    /**
     * max-length of every queue (ready messages). The broker keeps ~0.6–1.5 KB of its own per
     * queued message whatever the body, so the count is capped as well as the bytes.
     */
    queueMessages: { env: 'CLASSROOM_QUEUE_MESSAGES', default: 1000, min: 1, max: 10_000_000 },
    /** max-length-bytes of every queue (ready messages' bodies), in MB. */
    queueMb: { env: 'CLASSROOM_QUEUE_MB', default: 1, min: 1, max: 4096 },
    /**
     * Messages a vhost's consumers may hold delivered and unacknowledged, all queues together;
     * over it the connections holding them are closed (unacked-guard.ts). Far more than a lesson
     * has in flight; at ~1.5 KB of the broker's own per message, ~12 MB beside the queue cap's
     * worst case (see the top of the file), plus what a consumer fed flat out takes in before the
     * fence sees it (docs/classroom.md).
     */
    unackedMessages: { env: 'CLASSROOM_UNACKED_MESSAGES', default: 5_000, min: 1, max: 10_000_000 },
    /** Their bodies' bytes, in MB. */
    unackedMb: { env: 'CLASSROOM_UNACKED_MB', default: 5, min: 1, max: 4096 },
  },
  adminAccess,
  open: (access, limits) => new RabbitmqAccounts(access, limits),
};
