// Reading a vhost's bindings without touching the learner's queues. AMQP itself cannot list them,
// so it takes the playground's own access to the broker (the adapter's `admin`, plain data):
//   - the private broker in single-user mode: `rabbitmqctl list_bindings` against its node, with
//     the node's HOME (for the Erlang cookie) and epmd port from its directory (managed.ts). The
//     management plugin is off there (it slows every boot); this takes about a second.
//   - the management HTTP API: the private broker in classroom mode (its administrator), or a
//     broker given by AMQP_URL (the URL's own credentials, port 15672), if it has the plugin.
// If neither answers, a routes check fails with "cannot inspect bindings on this server".
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

/** The playground's own access to a broker (ServiceAdapter.admin): how its bindings can be read. */
export type RabbitmqAdmin =
  | { via: 'rabbitmqctl'; node: string; epmdPort: number; dir: string }
  /** `fromUrl`: only guessed from AMQP_URL (port 15672, the URL's credentials); it may well not answer. */
  | { via: 'management'; url: string; user: string; password: string; fromUrl?: boolean };

export class CannotInspectBindings extends Error {}

/** The access the playground has to the broker behind `endpoint` (see the top of the file). */
export function rabbitmqAdmin(endpoint: Endpoint, ctx: ManagedContext | null): RabbitmqAdmin {
  if (ctx?.classroom)
    return { via: 'management', url: managementUrl(ctx), user: MANAGED_USER, password: managedPassword(ctx.secret) };
  if (ctx) return { via: 'rabbitmqctl', node: nodeName(ctx), epmdPort: ctx.ports[EPMD_PORT], dir: ctx.dir };
  const target = parseAmqpTarget(endpoint.url);
  const host = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
  return {
    via: 'management',
    url: `http://${host}:${MANAGEMENT_PORT}`,
    user: target.username ?? 'guest',
    password: target.password ?? 'guest',
    fromUrl: true,
  };
}

/** A management API request as `admin`; answers the parsed body, or null for a tolerated status. */
export async function managementRequest(
  admin: Extract<RabbitmqAdmin, { via: 'management' }>,
  method: string,
  apiPath: string,
  body?: unknown,
  tolerated: number[] = [],
): Promise<unknown> {
  const res = await fetch(`${admin.url}${apiPath}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
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

async function viaRabbitmqctl(
  admin: Extract<RabbitmqAdmin, { via: 'rabbitmqctl' }>,
  vhost: string,
): Promise<Binding[]> {
  const { stdout } = await promisify(execFile)(
    RABBITMQCTL,
    // prettier-ignore
    ['-n', admin.node, '-q', 'list_bindings', '-p', vhost,
      'source_name', 'destination_name', 'destination_kind', 'routing_key', '--formatter', 'json'],
    {
      timeout: RABBITMQCTL_TIMEOUT_MS,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LANG: 'C.UTF-8',
        HOME: path.join(admin.dir, 'home'),
        ERL_EPMD_PORT: String(admin.epmdPort),
        ERL_EPMD_ADDRESS: '127.0.0.1',
        // Not the system broker's /etc/rabbitmq/rabbitmq-env.conf.
        RABBITMQ_CONF_ENV_FILE: path.join(admin.dir, 'rabbitmq-env.conf'),
      },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const rows = JSON.parse(stdout || '[]') as Array<Record<string, string>>;
  return rows.map((r) => ({
    source: r.source_name,
    destination: r.destination_name,
    destinationKind: r.destination_kind === 'exchange' ? 'exchange' : 'queue',
    routingKey: r.routing_key,
  }));
}

async function viaManagement(admin: Extract<RabbitmqAdmin, { via: 'management' }>, vhost: string): Promise<Binding[]> {
  const rows = (await managementRequest(admin, 'GET', `/api/bindings/${encodeURIComponent(vhost)}`)) as Array<
    Record<string, string>
  >;
  return rows.map((r) => ({
    source: r.source,
    destination: r.destination,
    destinationKind: r.destination_type === 'exchange' ? 'exchange' : 'queue',
    routingKey: r.routing_key,
  }));
}

/** Every binding of the endpoint's vhost; throws CannotInspectBindings, saying why, when there is no way. */
export async function readBindings(endpoint: Endpoint, admin: RabbitmqAdmin | null): Promise<Binding[]> {
  const vhost = vhostOf(parseAmqpTarget(endpoint.url));
  const access = admin ?? rabbitmqAdmin(endpoint, null);
  if (access.via === 'rabbitmqctl') {
    if (!existsSync(RABBITMQCTL))
      throw new CannotInspectBindings(`cannot inspect bindings on this server: ${RABBITMQCTL} is missing`);
    try {
      return await viaRabbitmqctl(access, vhost);
    } catch (err) {
      const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
      throw new CannotInspectBindings(
        `cannot inspect bindings on this server: rabbitmqctl failed (${detail.split('\n')[0]})`,
      );
    }
  }
  try {
    return await viaManagement(access, vhost);
  } catch (err) {
    throw new CannotInspectBindings(
      !access.fromUrl
        ? `cannot inspect bindings of vhost "${vhost}": ${errorText(err)}`
        : `cannot inspect bindings on this server (${endpoint.address}): it is not the playground's own broker and its management API (port ${MANAGEMENT_PORT}) does not answer`,
    );
  }
}
