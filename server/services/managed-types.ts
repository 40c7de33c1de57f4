// How the supervisor runs a private instance of a service (ServiceAdapter.managed): the context it
// hands the service's folder, and the spec the folder answers with.
import type { Endpoint } from './endpoint.ts';

/** Free loopback ports and a private directory, handed to a managed instance. */
export interface ManagedContext {
  /** `.playground/<service>/`, created before prepare() runs; it survives restarts. */
  dir: string;
  /** As many free loopback ports as the spec asked for. */
  ports: number[];
  /** Per-installation secrets (passwords, cookies), generated once and kept under .playground/. */
  secret: string;
  /** true when the server runs as root (some daemons need `-u` or `--user` then). */
  isRoot: boolean;
  /** Classroom mode: RabbitMQ with its management API (per-learner vhosts), MariaDB with room for every learner's connections. */
  classroom?: boolean;
}

export interface SpawnSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** How the supervisor runs a private instance of a service. */
export interface ManagedSpec {
  /** Debian packages that provide the binaries (what `apt-get install` needs). */
  aptPackages: string[];
  /** Absolute paths that must exist; a missing one makes the service unavailable. */
  binaries: string[];
  /** Free loopback ports to allocate. */
  portCount: number;
  /** One-time or per-start preparation: data directories, config files. */
  prepare?(ctx: ManagedContext): Promise<void>;
  spawn(ctx: ManagedContext): SpawnSpec;
  /** The URL clients use once it answers. */
  endpoint(ctx: ManagedContext): Endpoint;
  /** Milliseconds to wait for the first answer before giving up. */
  startTimeoutMs: number;
  /** Runs once the instance answers and before it is reported ready (users, databases). */
  afterReady?(ctx: ManagedContext, endpoint: Endpoint): Promise<void>;
  /** Extra cleanup after the process exits (e.g. an epmd it started). */
  cleanup?(ctx: ManagedContext): Promise<void>;
}
