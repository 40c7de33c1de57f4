// A learner's workspace: a service of their own for every service the playground runs — a small
// instance of their own (memcached, Redis: a process each, started by the playground) or an account
// and space of their own on the shared server (a RabbitMQ vhost, a MySQL database); each service's
// folder says which (ServiceAdapter.classroom). The WorkspaceManager provisions them (ahead of time
// for a warm pool, or on join), keeps their instances running while the learner is around, reclaims
// idle ones (stopping the instances; Redis's data is saved and comes back), resets and destroys.
import type { WorkspaceState } from '../../../shared/classroom-api.ts';
import type { Limits } from '../../services/classroom-types.ts';
import type { RestartMode } from '../../services/process/supervised-process.ts';
import type { SnapshotStore } from './snapshots.ts';
import type { ServiceSet } from '../../services/service-set.ts';
import type { Endpoint, ServiceId } from '../../services/endpoint.ts';
import type { ClassroomStore } from '../store/types.ts';

/** Per-learner limits by service (`{ redis: { memoryMb: 32, … }, … }`); docs/classroom.md lists them. */
export type WorkspaceLimits = Record<ServiceId, Limits>;

export interface WorkspaceManagerEvents {
  /** A workspace's own instance died; its terminals should say so and wait for "up". */
  down: [workspaceId: string, service: ServiceId, reason: string];
  up: [workspaceId: string, service: ServiceId, endpoint: Endpoint];
  state: [workspaceId: string, state: WorkspaceState];
}

/** What the rest of the server needs from the manager (server/classroom/workspaces/manager.ts implements it). */
export interface Workspaces {
  /** Cleans up what a killed server left, restores known workspaces' accounts, fills the warm pool. */
  start(): Promise<void>;
  /** A workspace for a new learner, from the warm pool when it has one; recorded in the store. */
  claim(learnerId: string): Promise<string>;
  /**
   * Makes sure the workspace's instances run (starting a reclaimed one again) and answers every
   * service's endpoint, credentials included. Concurrent calls share one start.
   */
  ensure(workspaceId: string): Promise<Record<ServiceId, Endpoint>>;
  /**
   * Whether this instance took the workspace over from the store since it was last asked (its
   * instance stopped, or it was made elsewhere): once, so the learner is told once.
   */
  takenOver(workspaceId: string): boolean;
  /** Whether this instance runs the workspace's instances now (another instance may, or none). */
  holds(workspaceId: string): boolean;
  /** Its endpoints if running now, without starting anything. */
  endpoints(workspaceId: string): Partial<Record<ServiceId, Endpoint>>;
  state(workspaceId: string): WorkspaceState;
  /** While any hold is open the workspace is never reclaimed; the idle clock starts at the last release. */
  hold(workspaceId: string): () => void;
  /** Activity without a socket (an HTTP check, say): restarts the idle clock. */
  touch(workspaceId: string): void;
  /** Empties every service (keys, queues and exchanges, tables), keeps the accounts and the instances. */
  reset(workspaceId: string): Promise<void>;
  /**
   * The learner's restart control: restarts their own instance of `service` (cleanly, or as a
   * crash); a shared server's account cannot be, and the error says why in the learner's words.
   */
  restart(workspaceId: string, service: ServiceId, mode: RestartMode): Promise<void>;
  /** Why restart() would refuse now, or null. */
  restartRefusal(workspaceId: string, service: ServiceId): string | null;
  /** Stops the instances and drops the accounts and their spaces; the record goes from the store. */
  destroy(workspaceId: string): Promise<void>;
  /** What lesson checks get as a service's `admin` for any workspace (RabbitMQ: reading bindings). */
  checkAdmin(service: ServiceId): unknown;
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
 * Administrator access to the shared servers (those whose classroom kind is 'account'), by service,
 * which the manager needs to create accounts. Never given to learners. Built by the server from the
 * supervisor (shared-admin.ts), and plain data so that tests in another process get it too.
 */
export type SharedAdmin = Record<ServiceId, unknown>;

export interface WorkspaceManagerOptions {
  /** The services each workspace has; the playground's own unless a test brings others. */
  services?: ServiceSet;
  admin: SharedAdmin;
  /** The records of workspaces (and their passwords) live here. */
  store: ClassroomStore;
  /** Per-learner instances keep their files and pid files under `<dataDir>/workspaces/`. */
  dataDir: string;
  /** Overrides of the services' default limits. */
  limits?: Partial<Record<ServiceId, Partial<Limits>>>;
  /** Where learners' instance snapshots go for other instances to take a workspace over (several instances). */
  snapshots?: SnapshotStore;
  /** How often they are saved (SNAPSHOT_EVERY_MS unless set). */
  snapshotEveryMs?: number;
  /** Other instances share the store: only the unassigned workspaces this one made are its warm pool. */
  shared?: boolean;
  /** Workspaces kept provisioned and running for learners who have not joined yet (the class's target). */
  prewarm?: number;
  /** A workspace nobody holds for this long is reclaimed (its instances stopped). */
  idleReclaimMs?: number;
  log?: (line: string) => void;
}

/** Each service's limits: its defaults, with the overrides given. */
export function workspaceLimits(
  services: ServiceSet,
  overrides: WorkspaceManagerOptions['limits'] = {},
): WorkspaceLimits {
  return Object.fromEntries(
    services.adapters.map((a) => {
      const defaults = Object.fromEntries(Object.entries(a.classroom.limits).map(([name, l]) => [name, l.default]));
      const given = Object.entries(overrides[a.name] ?? {}).filter((e): e is [string, number] => e[1] !== undefined);
      return [a.name, { ...defaults, ...Object.fromEntries(given) }];
    }),
  );
}
