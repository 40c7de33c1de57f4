// What a run's program sees of the network: the variables each service's adapter names (snippetEnv:
// REDIS_URL and the others), and the list of ports the sandbox forwards to the learner's real
// endpoints (see sandbox.ts for why forwarding).
//
// Inside its own network namespace the program has a loopback of its own. The forwarder listens
// there on the SAME port as the real endpoint, so for the usual loopback endpoints the URLs inside
// are exactly the ones the terminals show. An endpoint on another host is reached through
// 127.0.0.1 inside (the only address there is), on its port or, if two targets share a port, on
// a free one above FALLBACK_PORT_BASE.
//
// Beside those, each service's conventional port (6379, 11211, 5672, 3306) on 127.0.0.1 reaches the
// learner's own service, so code from a tutorial (`redis.Redis()`, `pika.ConnectionParameters(
// 'localhost')`) runs unchanged. It shares the unix socket of the variable's forward to the same
// endpoint, unless the adapter gives it a filter (RabbitMQ's: guest/guest → the learner's login,
// on the conventional port only). A conventional port that another endpoint's forward holds
// already is left to that one.
//
// The registry is the caller's to give (the web server's runner client, or a test): an executor is
// handed the finished plan and never loads the services' code.
import type { ServiceSet } from '../services/service-set.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';
import type { ForwardFilter, Forwarder } from '../services/types.ts';

/** Inside ports for a second target on an already forwarded port: above the ephemeral range's usual start. */
const FALLBACK_PORT_BASE = 20_000;

/** The address inside the sandbox: its own loopback. */
export const INSIDE_HOST = '127.0.0.1';

export interface Forward {
  /** Port on 127.0.0.1 inside the sandbox. */
  port: number;
  /** The real endpoint outside. */
  host: string;
  targetPort: number;
  /** What the forward rewrites on the way in (RabbitMQ's conventional port). */
  filter?: ForwardFilter;
}

export interface RunNetwork {
  /** The service variables, exactly as the program sees them. */
  env: Record<string, string>;
  forwards: Forward[];
  /** Per service: its variables and the ports inside that reach it (for the hints; not sent to an executor). */
  services?: RunService[];
}

export interface RunService {
  name: ServiceId;
  variables: string[];
  ports: number[];
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost';
}

/** Allocates inside ports: the real port when free (or already used for the same target). */
class PortPlan {
  readonly forwards: Forward[] = [];

  insidePort(host: string, targetPort: number): number {
    const same = this.forwards.find((f) => f.host === host && f.targetPort === targetPort);
    if (same) return same.port;
    let port = targetPort;
    if (this.forwards.some((f) => f.port === port)) {
      port = FALLBACK_PORT_BASE;
      while (this.forwards.some((f) => f.port === port)) port++;
    }
    this.forwards.push({ port, host, targetPort });
    return port;
  }

  /**
   * localhost:`port` inside reaches `address` too, unless the port is another target's already;
   * the filter is on this port only (or on the variable's too, when it is this very port).
   */
  conventional(port: number, address: string, filter: ForwardFilter | undefined): boolean {
    const { host, targetPort } = splitHostPort(address);
    const taken = this.forwards.find((f) => f.port === port);
    if (taken && (taken.host !== host || taken.targetPort !== targetPort)) return false;
    const forward = taken ?? { port, host, targetPort };
    if (filter) forward.filter = filter;
    if (!taken) this.forwards.push(forward);
    return true;
  }
}

function splitHostPort(value: string): { host: string; targetPort: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value.trim());
  if (!match) throw new Error(`expected host:port, got ${JSON.stringify(value)}`);
  return { host: match[1], targetPort: Number(match[2]) };
}

/**
 * The forward whose unix socket `forward` uses: the first one to the same endpoint with the same
 * filter (a conventional port and the variable's port share one unless the conventional one filters).
 */
export function socketForward(forwards: Forward[], forward: Forward): Forward {
  const filterKey = (f: Forward) => JSON.stringify(f.filter ?? null);
  return (
    forwards.find(
      (f) => f.host === forward.host && f.targetPort === forward.targetPort && filterKey(f) === filterKey(forward),
    ) ?? forward
  );
}

function stripBrackets(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** host:port (memcached's form), forwarded; the inside form keeps "localhost" when it was given. */
function forwardHostPort(value: string, plan: PortPlan, ports: number[]): string {
  const { host, targetPort } = splitHostPort(value);
  const port = plan.insidePort(host, targetPort);
  ports.push(port);
  return `${isLoopback(host) && port === targetPort ? host : INSIDE_HOST}:${port}`;
}

/** A URL with a host and port, forwarded; unchanged when it already points at the inside address. */
function forwardUrl(value: string, defaultPort: number, plan: PortPlan, ports: number[]): string {
  const url = new URL(value.trim());
  const host = stripBrackets(url.hostname);
  const targetPort = url.port === '' ? defaultPort : Number(url.port);
  if (!host || !targetPort) throw new Error(`cannot forward ${JSON.stringify(value)}: no host or port`);
  const port = plan.insidePort(host, targetPort);
  ports.push(port);
  if (isLoopback(host) && port === targetPort) return value.trim();
  url.hostname = INSIDE_HOST;
  url.port = String(port);
  return url.toString();
}

/** The variables and forwards of a run whose learner reaches each service at `endpoints`. */
export function buildRunNetwork(
  endpoints: Partial<Record<ServiceId, Endpoint>>,
  services: ServiceSet,
): RunNetwork & { services: RunService[] } {
  const plan = new PortPlan();
  const env: Record<string, string> = {};
  const list: RunService[] = [];
  for (const adapter of services.adapters) {
    const endpoint = endpoints[adapter.name];
    if (!endpoint) continue;
    const ports: number[] = [];
    const forward: Forwarder = {
      hostPort: (value) => forwardHostPort(value, plan, ports),
      url: (value, defaultPort) => forwardUrl(value, defaultPort, plan, ports),
    };
    const vars = adapter.snippetEnv(endpoint, forward);
    Object.assign(env, vars);
    list.push({ name: adapter.name, variables: Object.keys(vars), ports });
  }
  for (const adapter of services.adapters) {
    const endpoint = endpoints[adapter.name];
    if (!endpoint) continue;
    if (plan.conventional(adapter.conventionalPort, endpoint.address, adapter.conventionalFilter?.(endpoint))) {
      list.find((s) => s.name === adapter.name)?.ports.push(adapter.conventionalPort);
    }
  }
  return { env, forwards: plan.forwards, services: list };
}
