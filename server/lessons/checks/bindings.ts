// Reading a RabbitMQ vhost's bindings without touching the learner's queues. AMQP itself cannot
// list bindings, so there are two ways, tried in order:
//   1. the playground's own private broker: `rabbitmqctl list_bindings` against its node, with the
//      node's HOME (for the Erlang cookie) and epmd port, both found under the data directory
//      (see server/services/rabbitmq/managed.ts). The management plugin is off there (it slows
//      every boot), so this is the way for the usual setup; it takes about a second.
//   2. the management HTTP API on port 15672 of the broker's host, with the URL's credentials, for
//      a broker given by AMQP_URL that has the plugin enabled.
// If neither answers, a routes check fails with "cannot inspect bindings on this server".
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAmqpTarget, vhostOf } from '../../services/rabbitmq/amqp-url.ts';
import type { Endpoint } from '../../services/types.ts';
import type { Binding } from './routing.ts';

export const RABBITMQCTL = '/usr/lib/rabbitmq/bin/rabbitmqctl';
/** rabbitmqctl boots an Erlang VM: about a second when idle, several on a busy machine. */
const RABBITMQCTL_TIMEOUT_MS = 30_000;
/** The management plugin's default port. */
const MANAGEMENT_PORT = 15672;
const MANAGEMENT_TIMEOUT_MS = 2_000;

export interface BindingsInspector {
  /** Every binding of the endpoint's vhost; throws CannotInspectBindings when there is no way. */
  bindings(endpoint: Endpoint): Promise<Binding[]>;
}

export class CannotInspectBindings extends Error {}

interface PrivateNode {
  dir: string;
  node: string;
  epmdPort: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * `searchRoots` are data directories (`.playground/`, `.playground/test-123/`): the private
 * broker's files are in `<root>/rabbitmq/` or `<root>/<run>/rabbitmq/`. The one whose config
 * listens on the endpoint's port is the endpoint's broker.
 */
export function createBindingsInspector(searchRoots: string[]): BindingsInspector {
  const found = new Map<number, PrivateNode>();

  async function privateNode(port: number): Promise<PrivateNode | null> {
    const known = found.get(port);
    if (known && existsSync(known.dir)) return known;
    const candidates: string[] = [];
    for (const root of searchRoots) {
      candidates.push(path.join(root, 'rabbitmq'));
      const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
      for (const e of entries) if (e.isDirectory()) candidates.push(path.join(root, e.name, 'rabbitmq'));
    }
    const listen = new RegExp(`^listeners\\.tcp\\.default\\s*=\\s*127\\.0\\.0\\.1:${port}\\s*$`, 'm');
    for (const dir of candidates) {
      const conf = await fs.readFile(path.join(dir, 'rabbitmq.conf'), 'utf8').catch(() => null);
      if (!conf || !listen.test(conf)) continue;
      const epmdPort = (await fs.readFile(path.join(dir, 'epmd.port'), 'utf8').catch(() => '')).trim();
      if (!epmdPort) continue;
      // The node is named after its AMQP port (managed.ts nodeName).
      const node = { dir, node: `playground-${port}@localhost`, epmdPort };
      found.set(port, node);
      return node;
    }
    return null;
  }

  async function viaRabbitmqctl(node: PrivateNode, vhost: string): Promise<Binding[]> {
    const { stdout } = await promisify(execFile)(
      RABBITMQCTL,
      // prettier-ignore
      ['-n', node.node, '-q', 'list_bindings', '-p', vhost,
        'source_name', 'destination_name', 'destination_kind', 'routing_key', '--formatter', 'json'],
      {
        timeout: RABBITMQCTL_TIMEOUT_MS,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          LANG: 'C.UTF-8',
          HOME: path.join(node.dir, 'home'),
          ERL_EPMD_PORT: node.epmdPort,
          ERL_EPMD_ADDRESS: '127.0.0.1',
          // Not the system broker's /etc/rabbitmq/rabbitmq-env.conf.
          RABBITMQ_CONF_ENV_FILE: path.join(node.dir, 'rabbitmq-env.conf'),
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

  async function viaManagementApi(endpoint: Endpoint, vhost: string): Promise<Binding[] | null> {
    const target = parseAmqpTarget(endpoint.url);
    const host = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
    const auth = Buffer.from(`${target.username ?? 'guest'}:${target.password ?? 'guest'}`).toString('base64');
    try {
      const res = await fetch(`http://${host}:${MANAGEMENT_PORT}/api/bindings/${encodeURIComponent(vhost)}`, {
        headers: { authorization: `Basic ${auth}` },
        signal: AbortSignal.timeout(MANAGEMENT_TIMEOUT_MS),
      });
      if (!res.ok) return null;
      const rows = (await res.json()) as Array<Record<string, string>>;
      return rows.map((r) => ({
        source: r.source,
        destination: r.destination,
        destinationKind: r.destination_type === 'exchange' ? 'exchange' : 'queue',
        routingKey: r.routing_key,
      }));
    } catch {
      return null;
    }
  }

  return {
    async bindings(endpoint) {
      const target = parseAmqpTarget(endpoint.url);
      const vhost = vhostOf(target);
      const node = LOOPBACK.has(target.hostname) && existsSync(RABBITMQCTL) ? await privateNode(target.port) : null;
      if (node) {
        try {
          return await viaRabbitmqctl(node, vhost);
        } catch (err) {
          const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
          throw new CannotInspectBindings(`cannot inspect bindings on this server: rabbitmqctl failed (${detail.split('\n')[0]})`);
        }
      }
      const fromApi = await viaManagementApi(endpoint, vhost);
      if (fromApi) return fromApi;
      throw new CannotInspectBindings(
        `cannot inspect bindings on this server (${endpoint.address}): it is not the playground's own broker and its management API (port ${MANAGEMENT_PORT}) does not answer`,
      );
    },
  };
}
