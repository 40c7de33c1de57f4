// Learners' RabbitMQ accounts on the shared broker, made through its management HTTP API with the
// broker's administrator (never given to learners): per workspace a vhost named after it, a user
// of the same name without tags (so it cannot use the management API itself), permissions
// `.* .* .*` on that vhost only, and vhost limits on queues and connections.
//
// Measured on 3.10.8 (2 cores):
// - One workspace is made with four PUTs in two parallel rounds (vhost and user, then permissions
//   and both limits): ~40 ms with a few dozen vhosts on the broker, ~65 ms with 150. The same as one
//   POST /api/definitions takes 1.5–2× as long, and concurrent imports queue behind each other.
// - Both limits go in one PUT of the "vhost-limits" parameter: the per-limit endpoint
//   (/api/vhost-limits/VHOST/NAME) rewrites the whole parameter, so two of them in parallel lose
//   one limit.
// - At start(), every known workspace is written again with one POST /api/definitions: idempotent
//   (existing objects are updated), ~0.2 s for 100 that exist, ~5.6 s for 100 after the private
//   broker's wipe (creating a vhost costs 40–60 ms in the broker, whatever the API).
import { createHash, randomBytes } from 'node:crypto';
import type { Endpoint } from '../../services/types.ts';
import type { Binding } from '../../lessons/checks/routing.ts';
import { Limiter } from './limiter.ts';
import type { SharedAdmin, WorkspaceLimits } from './types.ts';

/** The management API answers in milliseconds on loopback; a broker under load gets more. */
const REQUEST_TIMEOUT_MS = 15_000;
/**
 * Workspaces created at once. The broker makes vhosts nearly one at a time, so when a whole class
 * joins together, letting all of them in only makes everyone wait for the last; in turns, the
 * first learners are ready first (30 joins at once: p50 0.7 s with 4, 1.2 s unlimited, the last
 * at ~1.2 s either way; 1 or 2 at a time finish later).
 */
const CREATE_CONCURRENCY = 4;

export interface RabbitmqAccount {
  id: string;
  password: string;
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

/** Definitions of some workspaces' vhosts, users, permissions and limits. */
export function accountDefinitions(accounts: RabbitmqAccount[], limits: WorkspaceLimits): object {
  return {
    users: accounts.map((a) => ({
      name: a.id,
      password_hash: rabbitPasswordHash(a.password),
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: '',
    })),
    vhosts: accounts.map((a) => ({ name: a.id })),
    permissions: accounts.map((a) => ({ user: a.id, vhost: a.id, configure: '.*', write: '.*', read: '.*' })),
    parameters: accounts.map((a) => ({
      vhost: a.id,
      component: 'vhost-limits',
      name: 'limits',
      value: vhostLimits(limits),
    })),
  };
}

function vhostLimits(limits: WorkspaceLimits): Record<string, number> {
  return { 'max-queues': limits.rabbitmqMaxQueues, 'max-connections': limits.rabbitmqMaxConnections };
}

export class RabbitmqAccounts {
  private readonly authorization: string;
  private readonly creating = new Limiter(CREATE_CONCURRENCY);

  constructor(private readonly admin: SharedAdmin['rabbitmq']) {
    this.authorization = `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}`;
  }

  /** The learner's AMQP URL: their user, their vhost. */
  endpoint(account: RabbitmqAccount): Endpoint {
    const { amqpHost, amqpPort } = this.admin;
    const host = amqpHost.includes(':') ? `[${amqpHost}]` : amqpHost;
    const address = `${host}:${amqpPort}`;
    return { url: `amqp://${account.id}:${encodeURIComponent(account.password)}@${address}/${account.id}`, address };
  }

  /** A new workspace's vhost, user, permissions and limits. */
  create(account: RabbitmqAccount, limits: WorkspaceLimits): Promise<void> {
    return this.creating.run(async () => {
      const name = encodeURIComponent(account.id);
      await Promise.all([
        this.request('PUT', `/api/vhosts/${name}`, {}),
        this.request('PUT', `/api/users/${name}`, { password: account.password, tags: '' }),
      ]);
      await this.grant(account, limits);
    });
  }

  /** Creates or updates many workspaces' accounts in one call (start()). */
  async restore(accounts: RabbitmqAccount[], limits: WorkspaceLimits): Promise<void> {
    if (accounts.length === 0) return;
    await this.request('POST', '/api/definitions', accountDefinitions(accounts, limits));
  }

  /** Reset: deleting the vhost drops its queues, exchanges and bindings (and closes its connections). */
  async recreateVhost(account: RabbitmqAccount, limits: WorkspaceLimits): Promise<void> {
    const name = encodeURIComponent(account.id);
    await this.request('DELETE', `/api/vhosts/${name}`, undefined, [404]);
    await this.request('PUT', `/api/vhosts/${name}`, {});
    await this.grant(account, limits);
  }

  private async grant(account: RabbitmqAccount, limits: WorkspaceLimits): Promise<void> {
    const name = encodeURIComponent(account.id);
    await Promise.all([
      this.request('PUT', `/api/permissions/${name}/${name}`, { configure: '.*', write: '.*', read: '.*' }),
      this.request('PUT', `/api/parameters/vhost-limits/${name}/limits`, { value: vhostLimits(limits) }),
    ]);
  }

  async remove(id: string): Promise<void> {
    await this.request('DELETE', `/api/vhosts/${encodeURIComponent(id)}`, undefined, [404]);
    // Deleting the user also closes any connection it still has elsewhere.
    await this.request('DELETE', `/api/users/${encodeURIComponent(id)}`, undefined, [404]);
  }

  async exists(id: string): Promise<{ vhost: boolean; user: boolean }> {
    const [vhost, user] = await Promise.all([
      this.request('GET', `/api/vhosts/${encodeURIComponent(id)}`, undefined, [404]),
      this.request('GET', `/api/users/${encodeURIComponent(id)}`, undefined, [404]),
    ]);
    return { vhost: vhost !== null, user: user !== null };
  }

  async bindings(vhost: string): Promise<Binding[]> {
    const rows = (await this.request('GET', `/api/bindings/${encodeURIComponent(vhost)}`)) as Array<
      Record<string, string>
    >;
    return rows.map((r) => ({
      source: r.source,
      destination: r.destination,
      destinationKind: r.destination_type === 'exchange' ? 'exchange' : 'queue',
      routingKey: r.routing_key,
    }));
  }

  /** Answers the parsed JSON body, or null for an empty body or a status listed in `tolerated`. */
  private async request(method: string, path: string, body?: unknown, tolerated: number[] = []): Promise<unknown> {
    const res = await fetch(`${this.admin.managementUrl}${path}`, {
      method,
      headers: {
        authorization: this.authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    if (tolerated.includes(res.status)) return null;
    if (!res.ok) {
      let reason = text.slice(0, 300);
      try {
        reason = (JSON.parse(text) as { reason?: string }).reason ?? reason;
      } catch {
        /* not JSON: keep the text */
      }
      throw new Error(`RabbitMQ management API: ${method} ${path} answered ${res.status}: ${reason}`);
    }
    return text ? JSON.parse(text) : null;
  }
}
