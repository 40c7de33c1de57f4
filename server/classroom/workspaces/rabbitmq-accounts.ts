// Learners' RabbitMQ accounts on the shared broker, made through its management HTTP API with the
// broker's administrator (never given to learners): per workspace a vhost named after it, a user
// of the same name without tags (so it cannot use the management API itself), permissions
// `.* .* .*` on that vhost only, and vhost limits on queues and connections.
//
// Everything is written with POST /api/definitions, for one workspace at creation and for all of
// them at start(): one call, idempotent (existing objects are updated), ~20 ms. Separate PUTs of
// the two vhost limits must not run in parallel: each rewrites the vhost's whole "limits"
// parameter, and the last one wins (measured on 3.10.8).
import { createHash, randomBytes } from 'node:crypto';
import type { Endpoint } from '../../services/types.ts';
import type { Binding } from '../../lessons/checks/routing.ts';
import type { SharedAdmin, WorkspaceLimits } from './types.ts';

/** The management API answers in milliseconds on loopback; a broker under load gets more. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface RabbitmqAccount {
  id: string;
  password: string;
}

/**
 * The stored form of rabbit_password_hashing_sha256: base64(salt ‖ SHA-256(salt ‖ password)) with a
 * 4-byte salt, so definitions carry no clear-text password.
 */
export function rabbitPasswordHash(password: string, salt = randomBytes(4)): string {
  const digest = createHash('sha256').update(Buffer.concat([salt, Buffer.from(password, 'utf8')])).digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

/** Definitions for some workspaces' vhosts, users, permissions and limits (users only when given). */
export function accountDefinitions(accounts: RabbitmqAccount[], limits: WorkspaceLimits, withUsers = true): object {
  return {
    users: withUsers
      ? accounts.map((a) => ({
          name: a.id,
          password_hash: rabbitPasswordHash(a.password),
          hashing_algorithm: 'rabbit_password_hashing_sha256',
          tags: '',
        }))
      : [],
    vhosts: accounts.map((a) => ({ name: a.id })),
    permissions: accounts.map((a) => ({ user: a.id, vhost: a.id, configure: '.*', write: '.*', read: '.*' })),
    parameters: accounts.map((a) => ({
      vhost: a.id,
      component: 'vhost-limits',
      name: 'limits',
      value: { 'max-queues': limits.rabbitmqMaxQueues, 'max-connections': limits.rabbitmqMaxConnections },
    })),
  };
}

export class RabbitmqAccounts {
  private readonly authorization: string;

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

  /** Creates or updates the accounts (all of them in one call). */
  async put(accounts: RabbitmqAccount[], limits: WorkspaceLimits): Promise<void> {
    if (accounts.length === 0) return;
    await this.request('POST', '/api/definitions', accountDefinitions(accounts, limits));
  }

  /** Reset: deleting the vhost drops its queues, exchanges and bindings (and closes its connections). */
  async recreateVhost(account: RabbitmqAccount, limits: WorkspaceLimits): Promise<void> {
    await this.request('DELETE', `/api/vhosts/${encodeURIComponent(account.id)}`, undefined, [404]);
    await this.request('POST', '/api/definitions', accountDefinitions([account], limits, false));
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
    const rows = (await this.request('GET', `/api/bindings/${encodeURIComponent(vhost)}`)) as Array<Record<string, string>>;
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
