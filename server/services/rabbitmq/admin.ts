// The playground's privileged access to a broker (the adapter's `admin`, plain data), for what AMQP
// cannot tell a learner's own connection: a vhost's bindings, how many of a queue's messages are
// persistent, and the prefetch of its consumers. Two ways, tried in order:
//   - `rabbitmqctl` against the playground's own broker, with its node's HOME (for the Erlang
//     cookie) and epmd port from its directory (managed.ts). It answers for every vhost and needs
//     no plugin; each call boots an Erlang VM (about a second).
//   - the management HTTP API: the private broker's (as its administrator), a broker given by URL
//     with CLASSROOM_RABBITMQ_MANAGEMENT_URL, or one given by AMQP_URL (the URL's own credentials
//     on port 15672, if it has the plugin). Its counts lag by up to a statistics interval, so a
//     check on the private broker asks rabbitmqctl, which reads the queue itself.
// If neither answers, the check fails with "cannot inspect … on this server".
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { errorText } from '../../util/errors.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ManagedContext } from '../managed-types.ts';
import { parseAmqpTarget, vhostOf } from './amqp-url.ts';
import { EPMD_PORT, MANAGED_USER, managedPassword, managementUrl, nodeName } from './managed.ts';
import type { Binding } from './routing.ts';

export const RABBITMQCTL = '/usr/lib/rabbitmq/bin/rabbitmqctl';
/** rabbitmqctl boots an Erlang VM: about a second when idle, several on a busy machine. */
const RABBITMQCTL_TIMEOUT_MS = 30_000;
/** The management plugin's default port, for a broker given by URL. */
const MANAGEMENT_PORT = 15672;
const MANAGEMENT_TIMEOUT_MS = 15_000;

/** rabbitmqctl against the playground's own node. */
export interface CtlAccess {
  node: string;
  epmdPort: number;
  dir: string;
}

/** The management API as a user; `fromUrl`: only guessed from AMQP_URL, it may well not answer. */
export interface ManagementAccess {
  url: string;
  user: string;
  password: string;
  fromUrl?: boolean;
}

/** The playground's own access to a broker (ServiceAdapter.admin): either way, or both. */
export interface RabbitmqAdmin {
  ctl?: CtlAccess;
  management?: ManagementAccess;
}

export class CannotInspect extends Error {}

/** rabbitmqctl's access to the private broker started with `ctx`. */
export function ctlAccess(ctx: ManagedContext): CtlAccess {
  return { node: nodeName(ctx), epmdPort: ctx.ports[EPMD_PORT], dir: ctx.dir };
}

/** The access the playground has to the broker behind `endpoint` (see the top of the file). */
export function rabbitmqAdmin(endpoint: Endpoint, ctx: ManagedContext | null): RabbitmqAdmin {
  if (ctx) {
    const management = { url: managementUrl(ctx), user: MANAGED_USER, password: managedPassword(ctx.secret) };
    return { ctl: ctlAccess(ctx), management };
  }
  const target = parseAmqpTarget(endpoint.url);
  const host = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
  return {
    management: {
      url: `http://${host}:${MANAGEMENT_PORT}`,
      user: target.username ?? 'guest',
      password: target.password ?? 'guest',
      fromUrl: true,
    },
  };
}

/** A management API request as `access`; answers the parsed body, or null for a tolerated status. */
export async function managementRequest(
  access: ManagementAccess,
  method: string,
  apiPath: string,
  body?: unknown,
  tolerated: number[] = [],
  /** More headers, e.g. x-reason on DELETE /api/connections (the text the client is closed with). */
  headers: Record<string, string> = {},
): Promise<unknown> {
  const res = await fetch(`${access.url}${apiPath}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${access.user}:${access.password}`).toString('base64')}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(MANAGEMENT_TIMEOUT_MS),
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
    throw new Error(`RabbitMQ management API: ${method} ${apiPath} answered ${res.status}: ${reason}`);
  }
  return text ? JSON.parse(text) : null;
}

/** `rabbitmqctl -q <args> --formatter json` against the private node; the parsed rows. */
async function ctl(access: CtlAccess, args: string[]): Promise<Array<Record<string, unknown>>> {
  const { stdout } = await promisify(execFile)(RABBITMQCTL, ['-n', access.node, '-q', ...args, '--formatter', 'json'], {
    timeout: RABBITMQCTL_TIMEOUT_MS,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      HOME: path.join(access.dir, 'home'),
      ERL_EPMD_PORT: String(access.epmdPort),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      // Not the system broker's /etc/rabbitmq/rabbitmq-env.conf.
      RABBITMQ_CONF_ENV_FILE: path.join(access.dir, 'rabbitmq-env.conf'),
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout || '[]') as Array<Record<string, unknown>>;
}

/** Runs `viaCtl` when there is a private node, else `viaManagement`; says why neither works. */
async function ask<T>(
  what: string,
  endpoint: Endpoint,
  admin: RabbitmqAdmin | null,
  viaCtl: (access: CtlAccess, vhost: string) => Promise<T>,
  viaManagement: ((access: ManagementAccess, vhost: string) => Promise<T>) | null,
): Promise<T> {
  const vhost = vhostOf(parseAmqpTarget(endpoint.url));
  const access = admin ?? rabbitmqAdmin(endpoint, null);
  if (access.ctl && existsSync(RABBITMQCTL)) {
    try {
      return await viaCtl(access.ctl, vhost);
    } catch (err) {
      const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
      throw new CannotInspect(`cannot inspect ${what} on this server: rabbitmqctl failed (${detail.split('\n')[0]})`);
    }
  }
  const management = access.management;
  if (!management || !viaManagement) {
    throw new CannotInspect(
      `cannot inspect ${what} on this server (${endpoint.address}): it is not the playground's own broker`,
    );
  }
  try {
    return await viaManagement(management, vhost);
  } catch (err) {
    throw new CannotInspect(
      management.fromUrl
        ? `cannot inspect ${what} on this server (${endpoint.address}): it is not the playground's own broker and its management API (port ${MANAGEMENT_PORT}) does not answer`
        : `cannot inspect ${what} of vhost "${vhost}": ${errorText(err)}`,
    );
  }
}

/** Every binding of the endpoint's vhost. */
export function readBindings(endpoint: Endpoint, admin: RabbitmqAdmin | null): Promise<Binding[]> {
  return ask(
    'bindings',
    endpoint,
    admin,
    async (access, vhost) =>
      (
        await ctl(access, [
          'list_bindings',
          '-p',
          vhost,
          'source_name',
          'destination_name',
          'destination_kind',
          'routing_key',
        ])
      ).map((r) => ({
        source: String(r.source_name),
        destination: String(r.destination_name),
        destinationKind: r.destination_kind === 'exchange' ? 'exchange' : 'queue',
        routingKey: String(r.routing_key),
      })),
    async (access, vhost) => {
      const rows = (await managementRequest(access, 'GET', `/api/bindings/${encodeURIComponent(vhost)}`)) as Array<
        Record<string, string>
      >;
      return rows.map((r) => ({
        source: r.source,
        destination: r.destination,
        destinationKind: r.destination_type === 'exchange' ? 'exchange' : 'queue',
        routingKey: r.routing_key,
      }));
    },
  );
}

/** What AMQP does not tell of a queue: its persistent messages, and each consumer's prefetch. */
export interface QueueDetails {
  persistentMessages: number;
  /** prefetch_count of each consumer (0: unlimited). */
  prefetch: number[];
}

export function readQueueDetails(
  endpoint: Endpoint,
  admin: RabbitmqAdmin | null,
  queue: string,
): Promise<QueueDetails> {
  return ask(
    `queue "${queue}"`,
    endpoint,
    admin,
    async (access, vhost) => {
      const [queues, consumers] = await Promise.all([
        ctl(access, ['list_queues', '-p', vhost, 'name', 'messages_persistent']),
        ctl(access, ['list_consumers', '-p', vhost, 'queue_name', 'prefetch_count']),
      ]);
      return {
        persistentMessages: Number(queues.find((q) => q.name === queue)?.messages_persistent ?? 0),
        prefetch: consumers.filter((c) => c.queue_name === queue).map((c) => Number(c.prefetch_count)),
      };
    },
    async (access, vhost) => {
      const v = encodeURIComponent(vhost);
      const [q, consumers] = await Promise.all([
        managementRequest(access, 'GET', `/api/queues/${v}/${encodeURIComponent(queue)}`) as Promise<
          Record<string, unknown>
        >,
        managementRequest(access, 'GET', `/api/consumers/${v}`) as Promise<Array<Record<string, unknown>>>,
      ]);
      if (typeof q.messages_persistent !== 'number') throw new Error('the broker keeps no message statistics');
      return {
        persistentMessages: q.messages_persistent,
        prefetch: consumers
          .filter((c) => (c.queue as { name?: string } | undefined)?.name === queue)
          .map((c) => Number(c.prefetch_count)),
      };
    },
  );
}
