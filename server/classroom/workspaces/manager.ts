// The workspace manager: per-learner isolation as a service. See types.ts for what a workspace is
// and the contract; here is how it is kept. It names no service: every service's folder says how
// its part is made (ServiceAdapter.classroom, server/services/classroom-types.ts).
//
// - Accounts (a RabbitMQ vhost + user, a MySQL database + users: services of kind 'account') are
//   made when a workspace is provisioned and live as long as it does. A shared server may lose them
//   (a server given by URL may be a fresh one), so start() writes every known workspace's accounts
//   again, idempotently, in one call per server.
// - Instances (memcached, Redis: services of kind 'instance') run only while needed: started by
//   ensure() (and for the warm pool, warm-pool.ts), stopped when nobody has held the workspace for
//   idleReclaimMs (idle-reclaim.ts; Redis saves first), and started again, on new ports, by the next
//   ensure(). Each is a SupervisedProcess, like the shared servers: restarted when it dies.
// - Lifecycle operations on one workspace (start, reclaim, reset, destroy) run one after another.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { WorkspaceState } from '../../../shared/classroom-api.ts';
import type {
  AccountManager,
  InstanceContext,
  LearnerAccount,
  LearnerInstances,
} from '../../services/classroom-types.ts';
import { stopLeftovers } from '../../services/process/leftovers.ts';
import { releasePort, reservePort } from '../../services/process/ports.ts';
import { SupervisedProcess } from '../../services/process/supervised-process.ts';
import { SERVICES } from '../../services/registry.ts';
import type { ServiceSet } from '../../services/service-set.ts';
import type { RestartMode } from '../../services/process/supervised-process.ts';
import { installCommand, RestartRefusedError } from '../../services/supervisor.ts';
import type { Endpoint, ServiceId } from '../../services/endpoint.ts';
import type { ServiceAdapter } from '../../services/types.ts';
import { errorText } from '../../util/errors.ts';
import type { WorkspaceRecord } from '../store/types.ts';
import { serial, type Entry } from './entry.ts';
import { IdleReclaim } from './idle-reclaim.ts';
import {
  workspaceLimits,
  type WorkspaceLimits,
  type WorkspaceManagerEvents,
  type WorkspaceManagerOptions,
  type Workspaces,
} from './types.ts';
import { SnapshotKeeper } from './snapshots.ts';
import { WarmPool } from './warm-pool.ts';
import { newPassword, newWorkspaceId, WORKSPACE_ID_PATTERN } from './workspace-id.ts';

/** Workspaces kept ready for learners who have not joined yet, unless the options say otherwise. */
export const DEFAULT_PREWARM = 4;
/** A workspace nobody holds for this long has its instances stopped, unless the options say otherwise. */
export const DEFAULT_IDLE_RECLAIM_MS = 20 * 60_000;
/** Between readiness probes: memcached and Redis answer ~10–20 ms after spawn, so poll finely. */
const INSTANCE_READY_POLL_MS = 3;
/** An instance that has not answered by then is stuck (or the machine is overloaded). */
const INSTANCE_START_TIMEOUT_MS = 10_000;
/** First wait before restarting an instance that died; doubles on each quick death. */
const INSTANCE_RESTART_BACKOFF_MS = 100;
/** Spawns on a fresh port when an instance exits before answering (someone else took the port). */
const INSTANCE_START_ATTEMPTS = 3;

export class UnknownWorkspaceError extends Error {}

type InstanceService = ServiceAdapter & { classroom: LearnerInstances };

export class WorkspaceManager extends EventEmitter<WorkspaceManagerEvents> implements Workspaces {
  private readonly entries = new Map<string, Entry>();
  /** With several instances: learners' Redis snapshots kept off this machine (snapshots.ts). */
  private readonly keeper: SnapshotKeeper | null;
  /** Taken over from the store and not yet told to their learner (takenOver). */
  private readonly tookOver = new Set<string>();
  /** Workspaces being taken over from the store (entryHereOrAdopted), so concurrent callers share one. */
  private readonly adopting = new Map<string, Promise<Entry>>();
  private readonly services: ServiceSet;
  /** The services each learner runs an instance of, and those they get an account on. */
  private readonly instanceServices: InstanceService[];
  private readonly accounts = new Map<ServiceId, AccountManager>();
  private readonly limits: WorkspaceLimits;
  private readonly root: string;
  private readonly pidDir: string;
  private readonly isRoot = process.getuid?.() === 0;
  private readonly log: (line: string) => void;
  private readonly idle: IdleReclaim;
  private readonly pool: WarmPool;
  private started = false;
  private closing = false;

  constructor(private readonly options: WorkspaceManagerOptions) {
    super();
    this.services = options.services ?? SERVICES;
    this.limits = workspaceLimits(this.services, options.limits);
    this.instanceServices = this.services.adapters.filter((a): a is InstanceService => a.classroom.kind === 'instance');
    for (const a of this.services.adapters) {
      if (a.classroom.kind !== 'account') continue;
      if (!(a.name in options.admin))
        throw new Error(`no administrator access for ${a.title}, which classroom mode needs`);
      this.accounts.set(a.name, a.classroom.open(options.admin[a.name], this.limits[a.name]));
    }
    this.root = path.join(options.dataDir, 'workspaces');
    this.keeper = options.snapshots
      ? new SnapshotKeeper({
          store: options.snapshots,
          everyMs: options.snapshotEveryMs,
          services: this.instanceServices,
          entries: () => this.entries.values(),
          context: (entry, service) => this.instanceContext(entry, service),
          log: (line) => this.log(line),
        })
      : null;
    this.pidDir = path.join(this.root, 'pids');
    this.log = options.log ?? (() => {});
    this.idle = new IdleReclaim({
      idleMs: options.idleReclaimMs ?? DEFAULT_IDLE_RECLAIM_MS,
      // The warm pool is never reclaimed: keeping it running is its point.
      watched: (e) => !e.destroyed && !this.closing && e.running && e.record.learnerId !== null,
      reclaim: async (e) => {
        await this.stopInstances(e);
        this.setState(e, 'reclaimed');
        this.log(`workspace ${e.record.id}: idle, instances stopped`);
      },
      log: this.log,
    });
    this.pool = new WarmPool({
      size: options.prewarm ?? DEFAULT_PREWARM,
      // Alone, every unassigned workspace in the store is this instance's (one left stopped by its
      // last run is started again); beside others, only those it made.
      mine: (e) => !options.shared || e.local,
      entries: () => this.entries.values(),
      serving: (e) => this.isServing(e),
      provision: () => this.provision(null),
      start: (e) => this.startInstances(e),
      closing: () => this.closing,
      log: this.log,
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    const missing = this.instanceServices.flatMap((a) => a.classroom.binaries).filter((b) => !existsSync(b));
    if (missing.length > 0) {
      const packages = this.instanceServices.flatMap((a) => a.classroom.aptPackages);
      const owners = this.instanceServices.map((a) => a.title).join(' and ');
      throw new Error(
        `classroom mode runs a ${owners} per learner: ${missing.join(', ')} not found — ${installCommand(packages)}`,
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
      if (!this.services.names.every((name) => stored.secrets[name])) {
        // A record from an older layout: new passwords for what it lacks, which the restore below sets.
        record = { ...stored, secrets: { ...this.newSecrets(), ...stored.secrets } };
        await this.options.store.putWorkspace(record);
      }
      this.entries.set(record.id, this.newEntry(record, 'reclaimed'));
    }
    const all = [...this.entries.values()];
    const began = performance.now();
    await Promise.all([...this.accounts].map(([service, m]) => m.restore(all.map((e) => this.account(e, service)))));
    for (const e of all) e.accountsReady = true;
    if (all.length > 0) {
      this.log(`restored the accounts of ${all.length} workspaces in ${Math.round(performance.now() - began)} ms`);
    }
    this.started = true;
    this.keeper?.start();
    await this.pool.fill();
  }

  async claim(learnerId: string): Promise<string> {
    this.assertStarted();
    const warm = this.pool.take();
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
    this.idle.arm(warm);
    void this.pool.fill();
    return warm.record.id;
  }

  async ensure(workspaceId: string): Promise<Record<ServiceId, Endpoint>> {
    const entry = await this.entryHereOrAdopted(workspaceId);
    this.idle.touch(entry);
    if (!this.isServing(entry)) await this.startInstances(entry);
    const endpoints = this.endpoints(workspaceId);
    if (!this.services.names.every((s) => endpoints[s])) {
      throw new Error(`workspace ${workspaceId} is not running (${entry.state})`);
    }
    return endpoints as Record<ServiceId, Endpoint>;
  }

  /**
   * This instance's share of the class's warm target, as instances come and go (the event
   * channel's roster counts them): together they keep the target warm, not N times it.
   */
  sharePrewarm(instances: number): void {
    const target = this.options.prewarm ?? DEFAULT_PREWARM;
    this.pool.setSize(Math.ceil(target / Math.max(1, instances)));
    if (this.started && !this.closing) void this.pool.fill();
  }

  takenOver(workspaceId: string): boolean {
    return this.tookOver.delete(workspaceId);
  }

  holds(workspaceId: string): boolean {
    const entry = this.entries.get(workspaceId);
    return !!entry && !entry.destroyed && entry.running;
  }

  endpoints(workspaceId: string): Partial<Record<ServiceId, Endpoint>> {
    const entry = this.entries.get(workspaceId);
    if (!entry || entry.destroyed) return {};
    const result: Partial<Record<ServiceId, Endpoint>> = {};
    if (entry.running) {
      for (const a of this.instanceServices) {
        const port = entry.instances.get(a.name)!.port;
        if (port !== null) result[a.name] = a.classroom.endpoint(port);
      }
    }
    if (entry.accountsReady) {
      for (const [service, m] of this.accounts) result[service] = m.endpoint(this.account(entry, service));
    }
    return result;
  }

  /** Unknown (or destroyed) workspaces answer "failed": there is nothing for a learner there. */
  state(workspaceId: string): WorkspaceState {
    return this.entries.get(workspaceId)?.state ?? 'failed';
  }

  hold(workspaceId: string): () => void {
    const entry = this.entries.get(workspaceId);
    if (entry && !entry.destroyed) return this.idle.hold(entry);
    // Not here yet (another instance made it): held from when ensure() has taken it over.
    let release: (() => void) | null = null;
    let released = false;
    void this.entryHereOrAdopted(workspaceId)
      .then((e) => {
        if (!released) release = this.idle.hold(e);
      })
      .catch(() => {});
    return () => {
      released = true;
      release?.();
    };
  }

  touch(workspaceId: string): void {
    const entry = this.entries.get(workspaceId);
    if (entry) this.idle.touch(entry);
  }

  async reset(workspaceId: string): Promise<void> {
    const entry = this.entryOf(workspaceId);
    await serial(entry, async () => {
      await Promise.all([
        ...[...this.accounts].map(([service, m]) => m.reset(this.account(entry, service))),
        ...this.instanceServices.map((a) => {
          const port = entry.running ? entry.instances.get(a.name)!.port : null;
          const ctx = this.instanceContext(entry, a.name);
          // A stopped instance may keep what it stored (a Redis snapshot); a running one is flushed.
          return port !== null ? a.classroom.flush(port, ctx) : (a.classroom.forget?.(ctx) ?? Promise.resolve());
        }),
      ]);
      this.log(`workspace ${entry.record.id}: reset`);
    });
  }

  async restart(workspaceId: string, service: ServiceId, mode: RestartMode): Promise<void> {
    const refusal = this.restartRefusal(workspaceId, service);
    if (refusal) throw new RestartRefusedError(refusal);
    const entry = this.entryOf(workspaceId);
    this.idle.touch(entry);
    await entry.instances.get(service)!.restart(mode);
  }

  restartRefusal(workspaceId: string, service: ServiceId): string | null {
    const entry = this.entryOf(workspaceId);
    const instance = entry.instances.get(service);
    const title = this.services.get(service).title;
    if (!instance) {
      return `the class shares one ${title} server: only the instructor can restart it (it would stop everyone's work)`;
    }
    if (!entry.running || instance.port === null) return `your ${title} is not running right now`;
    return null;
  }

  async destroy(workspaceId: string): Promise<void> {
    if (!WORKSPACE_ID_PATTERN.test(workspaceId)) {
      throw new UnknownWorkspaceError(`not a workspace id: ${JSON.stringify(workspaceId)}`);
    }
    const entry = this.entries.get(workspaceId);
    const remove = async () => {
      await Promise.all([
        ...[...this.accounts.values()].map((m) => m.remove(workspaceId)),
        fs.rm(path.join(this.root, workspaceId), { recursive: true, force: true }),
      ]);
      await this.options.store.deleteWorkspace(workspaceId);
      await this.keeper?.drop(workspaceId);
    };
    if (!entry) {
      // Not loaded (another server's, or already gone): whatever exists of it goes anyway.
      await remove();
      return;
    }
    entry.destroyed = true;
    this.idle.clear(entry);
    await serial(entry, async () => {
      await this.stopInstances(entry);
      await remove();
    });
    this.entries.delete(workspaceId);
    this.log(`workspace ${workspaceId}: destroyed`);
  }

  checkAdmin(service: ServiceId): unknown {
    return this.accounts.get(service)?.checkAdmin() ?? null;
  }

  stats(): { total: number; running: number; warm: number; reclaimed: number } {
    let running = 0;
    let warm = 0;
    let reclaimed = 0;
    for (const e of this.entries.values()) {
      if (e.running) running++;
      if (this.pool.isWarm(e) && e.state === 'ready') warm++;
      if (e.state === 'reclaimed') reclaimed++;
    }
    return { total: this.entries.size, running, warm, reclaimed };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.keeper?.stop();
    for (const e of this.entries.values()) this.idle.clear(e);
    await this.pool.settled();
    // Not through each workspace's chain: a stop must not wait behind a slow reset.
    await Promise.all([...this.entries.values()].map((e) => this.stopInstances(e).catch(() => {})));
    await Promise.all([...this.accounts.values()].map((m) => m.close().catch(() => {})));
  }

  /** Synchronous last resort for process 'exit': SIGTERM to every instance (Redis still saves). */
  signalAllNow(): void {
    for (const e of this.entries.values()) for (const p of e.instances.values()) p.signalNow('SIGTERM');
  }

  /** Pids of a workspace's running instances, for tests and the benchmark's memory figures. */
  pids(workspaceId: string): Partial<Record<ServiceId, number>> {
    const entry = this.entries.get(workspaceId);
    const result: Partial<Record<ServiceId, number>> = {};
    for (const [service, p] of entry?.instances ?? []) if (p.pid) result[service] = p.pid;
    return result;
  }

  // ---- provisioning ----

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
          await Promise.all([...this.accounts].map(([service, m]) => m.create(this.account(entry, service))));
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

  // ---- instances ----

  private isServing(entry: Entry): boolean {
    return entry.running && [...entry.instances.values()].every((p) => p.port !== null);
  }

  private startInstances(entry: Entry): Promise<void> {
    entry.starting ??= serial(entry, async () => {
      if (entry.destroyed) throw new UnknownWorkspaceError(`workspace ${entry.record.id} was destroyed`);
      if (this.closing) throw new Error('the workspace manager is closing');
      if (this.isServing(entry)) return;
      this.setState(entry, 'provisioning');
      await fs.mkdir(entry.dir, { recursive: true });
      const processes = [...entry.instances.values()];
      try {
        await Promise.all(processes.map((p) => p.start()));
      } catch (err) {
        await Promise.all(processes.map((p) => p.stop()));
        this.setState(entry, 'failed');
        this.log(`workspace ${entry.record.id}: could not start its instances — ${errorText(err)}`);
        throw err;
      }
      entry.running = true;
      if (entry.accountsReady) this.setState(entry, 'ready');
      this.idle.arm(entry);
    }).finally(() => {
      entry.starting = null;
    });
    return entry.starting;
  }

  private async stopInstances(entry: Entry): Promise<void> {
    this.idle.clear(entry);
    entry.running = false;
    await Promise.all([...entry.instances.values()].map((p) => p.stop()));
  }

  private newEntry(record: WorkspaceRecord, state: WorkspaceState): Entry {
    const id = record.id;
    const entry: Entry = {
      record,
      dir: path.join(this.root, id),
      state,
      instances: new Map(),
      accountsReady: false,
      running: false,
      holds: 0,
      idleTimer: null,
      reclaimQueued: false,
      starting: null,
      chain: Promise.resolve(),
      claimed: false,
      destroyed: false,
      local: state === 'provisioning',
    };
    for (const a of this.instanceServices) entry.instances.set(a.name, this.supervised(entry, a));
    return entry;
  }

  /** A learner's instance of one service: on a fresh loopback port at every start. */
  private supervised(entry: Entry, adapter: InstanceService): SupervisedProcess {
    const id = entry.record.id;
    const service = adapter.name;
    const kit = adapter.classroom;
    return new SupervisedProcess({
      spec: {
        command: kit.command,
        stopSignal: kit.stopSignal,
        prepare: async () => {
          const port = await reservePort();
          try {
            const args = await kit.prepare(port, this.instanceContext(entry, service));
            return { args, port, release: () => releasePort(port) };
          } catch (err) {
            releasePort(port);
            throw err;
          }
        },
        probe: (launch, pid) => kit.probe(launch.port!, pid),
      },
      cwd: entry.dir,
      logFile: path.join(entry.dir, 'instances.log'),
      pidFile: path.join(this.pidDir, `${id}.${service}.pid`),
      startTimeoutMs: INSTANCE_START_TIMEOUT_MS,
      readyPollMs: INSTANCE_READY_POLL_MS,
      restartBackoffMs: INSTANCE_RESTART_BACKOFF_MS,
      startAttempts: INSTANCE_START_ATTEMPTS,
      onDown: (reason) => {
        this.log(`workspace ${id}: ${service} ${reason}; restarting`);
        this.emit('down', id, service, reason);
      },
      onUp: (launch) => {
        this.log(`workspace ${id}: ${service} is back`);
        if (entry.running && entry.state !== 'failed') this.setState(entry, 'ready');
        this.emit('up', id, service, kit.endpoint(launch.port!));
      },
      onFailed: (reason) => {
        this.log(`workspace ${id}: ${service} ${reason}`);
        this.setState(entry, 'failed');
      },
    });
  }

  // ---- helpers ----

  private setState(entry: Entry, state: WorkspaceState): void {
    if (entry.state === state) return;
    entry.state = state;
    this.emit('state', entry.record.id, state);
  }

  /**
   * The workspace's entry; one this instance has not met (made by another instance after this one
   * started, or held by one that died) is taken over from the store: its instances start here when
   * ensure() asks, from what this machine kept of them (nothing, for one that ran elsewhere).
   */
  private entryHereOrAdopted(workspaceId: string): Promise<Entry> {
    if (this.entries.has(workspaceId)) return Promise.resolve(this.entryOf(workspaceId));
    let adopting = this.adopting.get(workspaceId);
    if (!adopting) {
      adopting = this.adopt(workspaceId).finally(() => this.adopting.delete(workspaceId));
      this.adopting.set(workspaceId, adopting);
    }
    return adopting;
  }

  private async adopt(workspaceId: string): Promise<Entry> {
    this.assertStarted();
    const record = WORKSPACE_ID_PATTERN.test(workspaceId) ? await this.options.store.workspaceById(workspaceId) : null;
    if (!record) throw new UnknownWorkspaceError(`no workspace ${JSON.stringify(workspaceId)}`);
    const entry = this.newEntry(record, 'reclaimed');
    // Its accounts exist: the instance that made the workspace made them, and every instance's
    // start restores them all. Written again in the background all the same (a shared server
    // given by URL may have been replaced), without the learner waiting on it: when a whole
    // instance's learners move at once, those writes are most of the wait.
    entry.accountsReady = true;
    void Promise.all([...this.accounts].map(([service, m]) => m.restore([this.account(entry, service)]))).catch((err) =>
      this.log(`workspace ${workspaceId}: restoring its accounts failed: ${errorText(err)}`),
    );
    await this.keeper?.seed(entry);
    this.entries.set(workspaceId, entry);
    this.tookOver.add(workspaceId);
    if (record.learnerId) this.idle.arm(entry);
    this.log(`workspace ${workspaceId}: taken over from the store`);
    return entry;
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

  /** A workspace's account on a shared server: named after the workspace, with its own password there. */
  private account(entry: Entry, service: ServiceId): LearnerAccount {
    return { id: entry.record.id, password: entry.record.secrets[service] };
  }

  private instanceContext(entry: Entry, service: ServiceId): InstanceContext {
    return { dir: entry.dir, limits: this.limits[service], secret: entry.record.secrets[service], isRoot: this.isRoot };
  }

  /** A password per service (a learner's account there, or the manager's own user in their instance). */
  private newSecrets(): Record<string, string> {
    return Object.fromEntries(this.services.names.map((name) => [name, newPassword()]));
  }
}
