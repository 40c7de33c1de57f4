// The contract between the classroom's workspace manager (server/classroom/workspaces/) and a
// service's folder: how each learner gets a service of their own. Either a small instance of their
// own (memcached, Redis: a process per learner, which the manager starts, supervises, stops when
// idle and starts again), or an account on the shared server (RabbitMQ: a vhost and a user;
// MySQL: a database and a user), which lives as long as the workspace. The manager keeps the
// lifecycle; the service knows how to run, make, empty and remove its part.
import type { Endpoint } from './endpoint.ts';
import type { ManagedContext } from './managed-types.ts';

/** A per-learner limit the service itself enforces; docs/classroom.md lists them. */
export interface LimitSetting {
  /** The environment variable that sets it in classroom mode; without one it stays at its default. */
  env?: string;
  default: number;
  min: number;
  max: number;
}

/** A service's limits by name, as the manager hands them back: `{ memoryMb: 32, connections: 64 }`. */
export type Limits = Record<string, number>;

/** What one learner's instance is run with. */
export interface InstanceContext {
  /** The workspace's own directory: what the daemon keeps (a Redis snapshot) lives here. */
  dir: string;
  limits: Limits;
  /** The workspace's secret for this service (the manager's own password in the learner's Redis). */
  secret: string;
  isRoot: boolean;
}

/** Each learner runs their own small instance. */
export interface LearnerInstances {
  kind: 'instance';
  /** What classroom mode needs installed (a missing binary stops it from starting, with this advice). */
  aptPackages: string[];
  binaries: string[];
  limits: Record<string, LimitSetting>;
  command: string;
  /** How it is stopped: SIGTERM to let it save, SIGKILL when there is nothing to keep. */
  stopSignal: 'SIGTERM' | 'SIGKILL';
  /** Before each start, on a new loopback port: writes what the daemon reads, answers its arguments. */
  prepare(port: number, ctx: InstanceContext): Promise<string[]>;
  /** Resolves once process `pid` answers on `port` as itself; throws while it does not. */
  probe(port: number, pid: number): Promise<void>;
  /** Where the learner reaches it (their terminals, checks and snippets). */
  endpoint(port: number): Endpoint;
  /** A workspace reset while it runs: everything the learner stored is gone. */
  flush(port: number, ctx: InstanceContext): Promise<void>;
  /** A workspace reset while it is stopped: what its next start would load is gone. */
  forget?(ctx: InstanceContext): Promise<void>;
  /**
   * With several app instances: what the running instance holds, as the file its next start
   * loads (Redis: a dump.rdb), for another machine to start from if this one is lost; taken
   * without changing anything the learner can read. `since` is the mark of the last snapshot
   * kept (null: none yet); null when nothing changed since it. A cache (memcached) has none.
   */
  snapshot?(port: number, ctx: InstanceContext, since: string | null): Promise<InstanceSnapshot | null>;
  /** Puts a snapshot (from snapshot(), taken on another machine) where the next start loads it. */
  seed?(ctx: InstanceContext, bytes: Buffer): Promise<void>;
}

export interface InstanceSnapshot {
  bytes: Buffer;
  /** Says what state the bytes are of: the same mark later means nothing changed. */
  mark: string;
}

/** A learner's account on a shared server; named after the workspace, with its own password. */
export interface LearnerAccount {
  id: string;
  password: string;
}

/** Each learner gets an account (and a space of their own) on the one shared server. */
export interface LearnerAccounts<Access = unknown> {
  kind: 'account';
  limits: Record<string, LimitSetting>;
  /**
   * The administrator access the manager needs, as plain data (tests in another process get it
   * too): from the private instance's context, or, for a server given by URL, from an environment
   * variable of the service's own. Throws an Error that says what to set or change.
   */
  adminAccess(endpoint: Endpoint, ctx: ManagedContext | null, env: NodeJS.ProcessEnv): Access;
  /** The manager's handle on the server, made once. */
  open(access: Access, limits: Limits): AccountManager;
}

export interface AccountManager {
  /** The learner's URL: their account, their space. */
  endpoint(account: LearnerAccount): Endpoint;
  /** A new workspace's account and space, with the limits. */
  create(account: LearnerAccount): Promise<void>;
  /** Writes every known workspace's account again, idempotently (after the server lost them, or to update them). */
  restore(accounts: LearnerAccount[]): Promise<void>;
  /** A workspace reset: the space emptied, the account kept. */
  reset(account: LearnerAccount): Promise<void>;
  /** The account and its space removed; a missing one is no error. */
  remove(id: string): Promise<void>;
  /** What lesson checks get as `scope.admin` for any learner on this server (ServiceAdapter.admin's form). */
  checkAdmin(): unknown;
  close(): Promise<void>;
}
