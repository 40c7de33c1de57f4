// The workspace manager: per-learner isolation as a service. See types.ts for what a workspace is
// and the contract; here is how it is kept.
//
// - Accounts (RabbitMQ vhost + user, MySQL database + users) are made when a workspace is
//   provisioned and live as long as it does. The private broker's database is wiped at every
//   playground start (its node name follows its port; see services/rabbitmq/managed.ts), so
//   start() writes every known workspace's accounts again, on both servers, idempotently: one
//   definitions import for RabbitMQ, one round trip for MariaDB. A broker given by URL keeps
//   them, and the same import is a no-op there.
// - Instances (memcached, Redis) run only while needed: started by ensure() (and for the warm
//   pool), stopped when nobody has held the workspace for idleReclaimMs (Redis saves first), and
//   started again, on new ports, by the next ensure().
// - Lifecycle operations on one workspace (start, reclaim, reset, destroy) run one after another.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ServiceName } from '../../../shared/services.ts';
import type { WorkspaceState } from '../../../shared/classroom-api.ts';
import type { BindingsInspector } from '../../lessons/checks/bindings.ts';
import { errorText, installCommand } from '../../services/supervisor.ts';
import type { Endpoint } from '../../services/types.ts';
import type { WorkspaceRecord } from '../store/types.ts';
import { managementInspector } from './inspector.ts';
import { stopLeftovers } from './leftovers.ts';
import { flushMemcached, MEMCACHED, memcachedEndpoint, memcachedSpec } from './memcached-instance.ts';
import { MysqlAccounts } from './mysql-accounts.ts';
import { RabbitmqAccounts } from './rabbitmq-accounts.ts';
import { flushRedis, REDIS_SERVER, redisEndpoint, redisSnapshot, redisSpec } from './redis-instance.ts';
import { SupervisedProcess, type InstanceSpec } from './supervised-process.ts';
import {
  DEFAULT_WORKSPACE_LIMITS,
  type WorkspaceLimits,
  type WorkspaceManagerEvents,
  type WorkspaceManagerOptions,
  type Workspaces,
} from './types.ts';
import { newPassword, newWorkspaceId, WORKSPACE_ID_PATTERN } from './workspace-id.ts';

/** Workspaces kept ready for learners who have not joined yet, unless the options say otherwise. */
export const DEFAULT_PREWARM = 4;
/** A workspace nobody holds for this long has its instances stopped, unless the options say otherwise. */
export const DEFAULT_IDLE_RECLAIM_MS = 20 * 60_000;
/**
 * Workspaces the pool provisions at once when it fills: enough to fill a pool for a whole class in
 * a few seconds at start(), few enough to leave the 2 cores to learners already working.
 */
const POOL_FILL_CONCURRENCY = 4;

/** The names under which a workspace's secrets are kept in its record. */
const SECRET = { rabbitmq: 'rabbitmq', mysql: 'mysql', redis: 'redis' } as const;

type InstanceName = 'memcached' | 'redis';

interface Entry {
  record: WorkspaceRecord;
  dir: string;
  state: WorkspaceState;
  memcached: SupervisedProcess;
  redis: SupervisedProcess;
  /** The vhost, database and users exist (for this run of the server). */
  accountsReady: boolean;
  /** Instances started and not stopped since (one of them may be restarting after a crash). */
  running: boolean;
  /** An idle reclaim waits its turn; activity before it runs calls it off. */
  reclaimQueued: boolean;
  holds: number;
  idleTimer: NodeJS.Timeout | null;
  /** The start in progress; concurrent ensure() calls share it. */
  starting: Promise<void> | null;
  /** The tail of this workspace's lifecycle operations. */
  chain: Promise<unknown>;
  /** A warm workspace taken by claim() (its record may not say so yet). */
  claimed: boolean;
  destroyed: boolean;
}

export class UnknownWorkspaceError extends Error {}

export class WorkspaceManager extends EventEmitter<WorkspaceManagerEvents> implements Workspaces {
  readonly inspector: BindingsInspector;
  private readonly entries = new Map<string, Entry>();
  private readonly limits: WorkspaceLimits;
  private readonly prewarm: number;
  private readonly idleReclaimMs: number;
  private readonly rabbitmq: RabbitmqAccounts;
  private readonly mysql: MysqlAccounts;
  private readonly root: string;
  private readonly pidDir: string;
  private readonly isRoot = process.getuid?.() === 0;
  private readonly log: (line: string) => void;
  private started = false;
  private closing = false;
  private filling: Promise<void> | null = null;

  constructor(private readonly options: WorkspaceManagerOptions) {
    super();
    this.limits = { ...DEFAULT_WORKSPACE_LIMITS, ...options.limits };
    this.prewarm = options.prewarm ?? DEFAULT_PREWARM;
    this.idleReclaimMs = options.idleReclaimMs ?? DEFAULT_IDLE_RECLAIM_MS;
    this.rabbitmq = new RabbitmqAccounts(options.admin.rabbitmq);
    this.mysql = new MysqlAccounts(options.admin.mysql);
    this.inspector = managementInspector(this.rabbitmq);
    this.root = path.join(options.dataDir, 'workspaces');
    this.pidDir = path.join(this.root, 'pids');
    this.log = options.log ?? (() => {});
  }

  async start(): Promise<void> {
    if (this.started) return;
    const missing = [MEMCACHED, REDIS_SERVER].filter((b) => !existsSync(b));
    if (missing.length > 0) {
      throw new Error(
        `classroom mode runs a memcached and a Redis per learner: ${missing.join(', ')} not found — ${installCommand(['memcached', 'redis-server'])}`,
      );
    }
    await fs.mkdir(this.pidDir, { recursive: true });
    await stopLeftovers(this.pidDir, this.log);

    for (const stored of await this.options.store.workspaces()) {
      if (!WORKSPACE_ID_PATTERN.test(stored.id)) {
        this.log(`workspace record ${JSON.stringify(stored.id)} ignored: not a workspace id`);
        continue;
      }
      let record = stored;
      if (!Object.values(SECRET).every((name) => stored.secrets[name])) {
        // A record from an older layout: new passwords, which the restore below sets.
        record = { ...stored, secrets: { ...this.newSecrets(), ...stored.secrets } };
        await this.options.store.putWorkspace(record);
      }
      this.entries.set(record.id, this.newEntry(record, 'reclaimed'));
    }
    const all = [...this.entries.values()];
    const began = performance.now();
    await Promise.all([
      this.rabbitmq.restore(
        all.map((e) => this.account(e, 'rabbitmq')),
        this.limits,
      ),
      this.mysql.restore(
        all.map((e) => this.account(e, 'mysql')),
        this.limits,
      ),
    ]);
    for (const e of all) e.accountsReady = true;
    if (all.length > 0) {
      this.log(`restored the accounts of ${all.length} workspaces in ${Math.round(performance.now() - began)} ms`);
    }
    this.started = true;
    await this.fillPool();
  }

  async claim(learnerId: string): Promise<string> {
    this.assertStarted();
    const warm = this.takeWarm();
    if (!warm) return this.provision(learnerId);
    warm.record = { ...warm.record, learnerId };
    try {
      await this.options.store.putWorkspace(warm.record);
    } catch (err) {
      warm.record = { ...warm.record, learnerId: null };
      warm.claimed = false;
      throw err;
    }
    if (!warm.running) void this.startInstances(warm).catch(() => {});
    this.armIdle(warm);
    void this.fillPool();
    return warm.record.id;
  }

  async ensure(workspaceId: string): Promise<Record<ServiceName, Endpoint>> {
    const entry = this.entryOf(workspaceId);
    this.touchEntry(entry);
    if (!this.isServing(entry)) await this.startInstances(entry);
    const endpoints = this.endpoints(workspaceId);
    if (!endpoints.memcached || !endpoints.redis || !endpoints.rabbitmq || !endpoints.mysql) {
      throw new Error(`workspace ${workspaceId} is not running (${entry.state})`);
    }
    return endpoints as Record<ServiceName, Endpoint>;
  }

  endpoints(workspaceId: string): Partial<Record<ServiceName, Endpoint>> {
    const entry = this.entries.get(workspaceId);
    if (!entry || entry.destroyed) return {};
    const result: Partial<Record<ServiceName, Endpoint>> = {};
    if (entry.running) {
      const memcachedPort = entry.memcached.port;
      const redisPort = entry.redis.port;
      if (memcachedPort !== null) result.memcached = memcachedEndpoint(memcachedPort);
      if (redisPort !== null) result.redis = redisEndpoint(redisPort);
    }
    if (entry.accountsReady) {
      result.rabbitmq = this.rabbitmq.endpoint(this.account(entry, 'rabbitmq'));
      result.mysql = this.mysql.endpoint(this.account(entry, 'mysql'));
    }
    return result;
  }

  /** Unknown (or destroyed) workspaces answer "failed": there is nothing for a learner there. */
  state(workspaceId: string): WorkspaceState {
    return this.entries.get(workspaceId)?.state ?? 'failed';
  }

  hold(workspaceId: string): () => void {
    const entry = this.entryOf(workspaceId);
    entry.holds++;
    entry.reclaimQueued = false;
    this.clearIdle(entry);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.holds--;
      if (entry.holds === 0) this.armIdle(entry);
    };
  }

  touch(workspaceId: string): void {
    const entry = this.entries.get(workspaceId);
    if (entry) this.touchEntry(entry);
  }

  async reset(workspaceId: string): Promise<void> {
    const entry = this.entryOf(workspaceId);
    await this.serial(entry, async () => {
      const redisPort = entry.running ? entry.redis.port : null;
      const memcachedPort = entry.running ? entry.memcached.port : null;
      await Promise.all([
        this.rabbitmq.recreateVhost(this.account(entry, 'rabbitmq'), this.limits),
        this.mysql.recreateDatabase(entry.record.id),
        // A stopped Redis keeps its keys in its snapshot; a stopped memcached has none.
        redisPort !== null
          ? flushRedis(redisPort, entry.record.secrets[SECRET.redis])
          : fs.rm(redisSnapshot(entry.dir), { force: true }),
        memcachedPort !== null ? flushMemcached(memcachedPort) : Promise.resolve(),
      ]);
      this.log(`workspace ${entry.record.id}: reset`);
    });
  }

  async destroy(workspaceId: string): Promise<void> {
    if (!WORKSPACE_ID_PATTERN.test(workspaceId)) {
      throw new UnknownWorkspaceError(`not a workspace id: ${JSON.stringify(workspaceId)}`);
    }
    const entry = this.entries.get(workspaceId);
    const remove = async () => {
      await Promise.all([
        this.rabbitmq.remove(workspaceId),
        this.mysql.remove(workspaceId),
        fs.rm(path.join(this.root, workspaceId), { recursive: true, force: true }),
      ]);
      await this.options.store.deleteWorkspace(workspaceId);
    };
    if (!entry) {
      // Not loaded (another server's, or already gone): whatever exists of it goes anyway.
      await remove();
      return;
    }
    entry.destroyed = true;
    this.clearIdle(entry);
    await this.serial(entry, async () => {
      await this.stopInstances(entry);
      await remove();
    });
    this.entries.delete(workspaceId);
    this.log(`workspace ${workspaceId}: destroyed`);
  }

  stats(): { total: number; running: number; warm: number; reclaimed: number } {
    let running = 0;
    let warm = 0;
    let reclaimed = 0;
    for (const e of this.entries.values()) {
      if (e.running) running++;
      if (this.isWarm(e) && e.state === 'ready') warm++;
      if (e.state === 'reclaimed') reclaimed++;
    }
    return { total: this.entries.size, running, warm, reclaimed };
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const e of this.entries.values()) this.clearIdle(e);
    await this.filling?.catch(() => {});
    // Not through each workspace's chain: a stop must not wait behind a slow reset.
    await Promise.all([...this.entries.values()].map((e) => this.stopInstances(e).catch(() => {})));
    await this.mysql.close().catch(() => {});
  }

  /** Synchronous last resort for process 'exit': SIGTERM to every instance (Redis still saves). */
  signalAllNow(): void {
    for (const e of this.entries.values()) {
      e.memcached.signalNow('SIGTERM');
      e.redis.signalNow('SIGTERM');
    }
  }

  /** Pids of a workspace's running instances, for tests and the benchmark's memory figures. */
  pids(workspaceId: string): Partial<Record<InstanceName, number>> {
    const entry = this.entries.get(workspaceId);
    const result: Partial<Record<InstanceName, number>> = {};
    if (entry?.memcached.pid) result.memcached = entry.memcached.pid;
    if (entry?.redis.pid) result.redis = entry.redis.pid;
    return result;
  }

  // ---- provisioning and the warm pool ----

  private async provision(learnerId: string | null): Promise<string> {
    let id = newWorkspaceId();
    while (this.entries.has(id)) id = newWorkspaceId();
    const record: WorkspaceRecord = { id, learnerId, secrets: this.newSecrets(), createdAt: new Date().toISOString() };
    const entry = this.newEntry(record, 'provisioning');
    entry.claimed = learnerId !== null;
    this.entries.set(id, entry);
    try {
      await Promise.all([
        (async () => {
          // The record first: a server that dies from here on restores (or cleans) what follows.
          await this.options.store.putWorkspace(record);
          await Promise.all([
            this.rabbitmq.create(this.account(entry, 'rabbitmq'), this.limits),
            this.mysql.create(this.account(entry, 'mysql'), this.limits),
          ]);
          entry.accountsReady = true;
        })(),
        this.startInstances(entry),
      ]);
    } catch (err) {
      this.log(`workspace ${id}: provisioning failed — ${errorText(err)}`);
      await this.destroy(id).catch((e) => this.log(`workspace ${id}: cleanup failed — ${errorText(e)}`));
      throw err;
    }
    this.setState(entry, 'ready');
    return id;
  }

  private isWarm(e: Entry): boolean {
    return e.record.learnerId === null && !e.claimed && !e.destroyed;
  }

  /** A warm workspace for claim(): a running one if any, else a stopped one (it starts at once). */
  private takeWarm(): Entry | null {
    let stopped: Entry | null = null;
    for (const e of this.entries.values()) {
      if (!this.isWarm(e) || !e.accountsReady || e.state === 'failed') continue;
      if (e.state === 'ready' && this.isServing(e)) {
        e.claimed = true;
        return e;
      }
      if (!e.running && !e.starting) stopped ??= e;
    }
    if (stopped) stopped.claimed = true;
    return stopped;
  }

  /** Brings the warm pool up to `prewarm`: stopped unassigned workspaces first, then new ones. */
  private fillPool(): Promise<void> {
    this.filling ??= (async () => {
      try {
        const worker = async () => {
          for (;;) {
            if (this.closing) return;
            const warm = [...this.entries.values()].filter((e) => this.isWarm(e) && e.state !== 'failed');
            const coming = warm.filter((e) => e.running || e.starting || e.state === 'provisioning');
            if (coming.length >= this.prewarm) return;
            const stopped = warm.find((e) => !e.running && !e.starting && e.accountsReady);
            if (stopped) await this.startInstances(stopped).catch(() => {});
            else await this.provision(null);
          }
        };
        await Promise.all(Array.from({ length: Math.min(POOL_FILL_CONCURRENCY, Math.max(this.prewarm, 1)) }, worker));
      } catch (err) {
        this.log(`warm pool: ${errorText(err)}`);
      } finally {
        this.filling = null;
      }
    })();
    return this.filling;
  }

  // ---- instances ----

  private isServing(entry: Entry): boolean {
    return entry.running && entry.memcached.port !== null && entry.redis.port !== null;
  }

  private startInstances(entry: Entry): Promise<void> {
    entry.starting ??= this.serial(entry, async () => {
      if (entry.destroyed) throw new UnknownWorkspaceError(`workspace ${entry.record.id} was destroyed`);
      if (this.closing) throw new Error('the workspace manager is closing');
      if (this.isServing(entry)) return;
      this.setState(entry, 'provisioning');
      await fs.mkdir(entry.dir, { recursive: true });
      try {
        await Promise.all([entry.memcached.start(), entry.redis.start()]);
      } catch (err) {
        await Promise.all([entry.memcached.stop(), entry.redis.stop()]);
        this.setState(entry, 'failed');
        this.log(`workspace ${entry.record.id}: could not start its instances — ${errorText(err)}`);
        throw err;
      }
      entry.running = true;
      if (entry.accountsReady) this.setState(entry, 'ready');
      this.armIdle(entry);
    }).finally(() => {
      entry.starting = null;
    });
    return entry.starting;
  }

  private async stopInstances(entry: Entry): Promise<void> {
    this.clearIdle(entry);
    entry.running = false;
    await Promise.all([entry.memcached.stop(), entry.redis.stop()]);
  }

  private newEntry(record: WorkspaceRecord, state: WorkspaceState): Entry {
    const id = record.id;
    const dir = path.join(this.root, id);
    const entry: Entry = {
      record,
      dir,
      state,
      accountsReady: false,
      running: false,
      reclaimQueued: false,
      holds: 0,
      idleTimer: null,
      starting: null,
      chain: Promise.resolve(),
      claimed: false,
      destroyed: false,
      memcached: null!,
      redis: null!,
    };
    const supervised = (service: InstanceName, spec: InstanceSpec) =>
      new SupervisedProcess({
        spec,
        dir,
        logFile: path.join(dir, 'instances.log'),
        pidFile: path.join(this.pidDir, `${id}.${service}.pid`),
        onDown: (reason) => {
          this.log(`workspace ${id}: ${service} ${reason}; restarting`);
          this.emit('down', id, service, reason);
        },
        onUp: (port) => {
          this.log(`workspace ${id}: ${service} is back`);
          if (entry.running && entry.state !== 'failed') this.setState(entry, 'ready');
          this.emit('up', id, service, service === 'redis' ? redisEndpoint(port) : memcachedEndpoint(port));
        },
        onFailed: (reason) => {
          this.log(`workspace ${id}: ${service} ${reason}`);
          this.setState(entry, 'failed');
        },
      });
    entry.memcached = supervised('memcached', memcachedSpec(this.limits, this.isRoot));
    entry.redis = supervised(
      'redis',
      redisSpec({ dir, limits: this.limits, adminPassword: record.secrets[SECRET.redis] }),
    );
    return entry;
  }

  // ---- idle reclaim ----

  private touchEntry(entry: Entry): void {
    entry.reclaimQueued = false;
    if (entry.holds === 0) this.armIdle(entry);
  }

  private armIdle(entry: Entry): void {
    this.clearIdle(entry);
    // The warm pool is never reclaimed: keeping it running is its point.
    if (entry.destroyed || this.closing || entry.holds > 0 || !entry.running || entry.record.learnerId === null) return;
    entry.idleTimer = setTimeout(() => this.reclaim(entry), this.idleReclaimMs);
    entry.idleTimer.unref();
  }

  private clearIdle(entry: Entry): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
  }

  private reclaim(entry: Entry): void {
    entry.idleTimer = null;
    entry.reclaimQueued = true;
    void this.serial(entry, async () => {
      // From here on the instances are stopping (running is false at once): ensure() starts them
      // again after this, through the same queue.
      const due = entry.reclaimQueued;
      entry.reclaimQueued = false;
      if (!due || entry.holds > 0 || !entry.running || entry.destroyed || this.closing) return;
      await this.stopInstances(entry);
      this.setState(entry, 'reclaimed');
      this.log(`workspace ${entry.record.id}: idle, instances stopped`);
    }).catch((err) => this.log(`workspace ${entry.record.id}: reclaim failed — ${errorText(err)}`));
  }

  // ---- helpers ----

  private serial<T>(entry: Entry, operation: () => Promise<T>): Promise<T> {
    const result = entry.chain.then(operation, operation);
    entry.chain = result.catch(() => {});
    return result;
  }

  private setState(entry: Entry, state: WorkspaceState): void {
    if (entry.state === state) return;
    entry.state = state;
    this.emit('state', entry.record.id, state);
  }

  private entryOf(workspaceId: string): Entry {
    this.assertStarted();
    const entry = this.entries.get(workspaceId);
    if (!entry || entry.destroyed) throw new UnknownWorkspaceError(`no workspace ${JSON.stringify(workspaceId)}`);
    return entry;
  }

  private assertStarted(): void {
    if (!this.started) throw new Error('the workspace manager has not been started (call start() first)');
    if (this.closing) throw new Error('the workspace manager is closed');
  }

  private account(entry: Entry, service: 'rabbitmq' | 'mysql'): { id: string; password: string } {
    return { id: entry.record.id, password: entry.record.secrets[SECRET[service]] };
  }

  private newSecrets(): Record<string, string> {
    return { [SECRET.rabbitmq]: newPassword(), [SECRET.mysql]: newPassword(), [SECRET.redis]: newPassword() };
  }
}
