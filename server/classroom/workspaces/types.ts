// A learner's workspace: their own memcached and Redis (a small private instance each, started by
// the playground), their own RabbitMQ vhost and user on the shared broker, and their own MySQL
// database and user on the shared MariaDB. The WorkspaceManager provisions them (ahead of time for
// a warm pool, or on join), keeps their instances running while the learner is around, reclaims
// idle ones (stopping the instances; Redis's data is saved and comes back), resets and destroys.
import type { ServiceName } from '../../../shared/services.ts';
import type { WorkspaceState } from '../../../shared/classroom-api.ts';
import type { BindingsInspector } from '../../lessons/checks/bindings.ts';
import type { Endpoint } from '../../services/types.ts';

/** Per-learner limits, named and documented in docs/classroom.md; each is enforced by the service itself. */
export interface WorkspaceLimits {
  /** memcached -m (MB). */
  memcachedMemoryMb: number;
  /** memcached -c. */
  memcachedConnections: number;
  /** Redis maxmemory (MB); over it, writes fail with Redis's own OOM error. */
  redisMemoryMb: number;
  /** Redis maxclients. */
  redisConnections: number;
  /** RabbitMQ vhost limit max-queues. */
  rabbitmqMaxQueues: number;
  /** RabbitMQ vhost limit max-connections. */
  rabbitmqMaxConnections: number;
  /** MariaDB MAX_USER_CONNECTIONS. */
  mysqlMaxConnections: number;
}

export const DEFAULT_WORKSPACE_LIMITS: WorkspaceLimits = {
  memcachedMemoryMb: 16,
  memcachedConnections: 64,
  redisMemoryMb: 32,
  redisConnections: 64,
  rabbitmqMaxQueues: 50,
  rabbitmqMaxConnections: 20,
  mysqlMaxConnections: 10,
};

export interface WorkspaceManagerEvents {
  /** A workspace's own instance died; its terminals should say so and wait for "up". */
  down: [workspaceId: string, service: ServiceName, reason: string];
  up: [workspaceId: string, service: ServiceName, endpoint: Endpoint];
  state: [workspaceId: string, state: WorkspaceState];
}

/** What the rest of the server needs from the manager (server/classroom/workspaces/manager.ts implements it). */
export interface Workspaces {
  /** Cleans up what a killed server left, restores known workspaces' accounts, fills the warm pool. */
  start(): Promise<void>;
  /** A workspace for a new learner, from the warm pool when it has one; recorded in the store. */
  claim(learnerId: string): Promise<string>;
  /**
   * Makes sure the workspace's instances run (starting a reclaimed one again) and answers its
   * four endpoints, credentials included. Concurrent calls share one start.
   */
  ensure(workspaceId: string): Promise<Record<ServiceName, Endpoint>>;
  /** Its endpoints if running now, without starting anything. */
  endpoints(workspaceId: string): Partial<Record<ServiceName, Endpoint>>;
  state(workspaceId: string): WorkspaceState;
  /** While any hold is open the workspace is never reclaimed; the idle clock starts at the last release. */
  hold(workspaceId: string): () => void;
  /** Activity without a socket (an HTTP check, say): restarts the idle clock. */
  touch(workspaceId: string): void;
  /** Empties all four (keys, queues and exchanges, tables), keeps the accounts and the instances. */
  reset(workspaceId: string): Promise<void>;
  /** Stops the instances and drops the accounts, vhost and database; the record goes from the store. */
  destroy(workspaceId: string): Promise<void>;
  /** Reads bindings of any workspace's vhost (admin credentials, management API); used by lesson checks. */
  inspector: BindingsInspector;
  stats(): { total: number; running: number; warm: number; reclaimed: number };
  /** Stops every instance (Redis saves first). Accounts stay for the next start. */
  close(): Promise<void>;
  on<E extends keyof WorkspaceManagerEvents>(event: E, listener: (...args: WorkspaceManagerEvents[E]) => void): unknown;
  off<E extends keyof WorkspaceManagerEvents>(
    event: E,
    listener: (...args: WorkspaceManagerEvents[E]) => void,
  ): unknown;
}

/**
 * Administrator access to the two shared servers, which the manager needs to create accounts.
 * Never given to learners. Built by the server from the supervisor (private instances) or from
 * CLASSROOM_* URLs (external servers), and plain data so that tests in another process get it too.
 */
export interface SharedAdmin {
  rabbitmq: {
    /** host:port learners' AMQP URLs point at. */
    amqpHost: string;
    amqpPort: number;
    /** e.g. "http://127.0.0.1:41234" — the management plugin's HTTP API (loopback only). */
    managementUrl: string;
    user: string;
    password: string;
  };
  mysql: {
    /** host:port learners' MySQL URLs point at. */
    host: string;
    port: number;
    /** How the manager logs in as an administrator: a unix socket (private MariaDB) or host/port. */
    admin: { socketPath?: string; host?: string; port?: number; user: string; password: string };
  };
}

export interface WorkspaceManagerOptions {
  admin: SharedAdmin;
  /** The records of workspaces (and their passwords) live here. */
  store: import('../store/types.ts').ClassroomStore;
  /** Per-learner instances keep their files and pid files under `<dataDir>/workspaces/`. */
  dataDir: string;
  limits?: Partial<WorkspaceLimits>;
  /** Workspaces kept provisioned and running for learners who have not joined yet. */
  prewarm?: number;
  /** A workspace nobody holds for this long is reclaimed (its instances stopped). */
  idleReclaimMs?: number;
  log?: (line: string) => void;
}
