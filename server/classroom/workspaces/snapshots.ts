// Learners' instance snapshots kept off the machine that runs them, so that another instance can
// take a workspace over with its Redis data when that machine is lost (docs/scaling.md,
// "Failover"). They are kept in the Redis of the event channel (CLASSROOM_EVENTS_URL): binary
// values under one key each, with an expiry, and nothing to migrate — the store's tables hold
// what must last; a snapshot only shortens what a lost machine costs.
import { Redis } from 'ioredis';
import type { InstanceContext, LearnerInstances } from '../../services/classroom-types.ts';
import type { ServiceId } from '../../services/endpoint.ts';
import type { ServiceAdapter } from '../../services/types.ts';
import { errorText } from '../../util/errors.ts';
import type { Entry } from './entry.ts';

/** A snapshot nobody took over is of no use after this: a workspace asleep that long has its own on disk. */
export const SNAPSHOT_TTL_S = 14 * 24 * 3600;
const KEY_PREFIX = 'playground:snapshot:';

export interface SnapshotStore {
  put(workspaceId: string, service: string, bytes: Buffer): Promise<void>;
  get(workspaceId: string, service: string): Promise<Buffer | null>;
  /** The workspace is gone (removed from its class). */
  drop(workspaceId: string, services: string[]): Promise<void>;
  close(): Promise<void>;
}

export class RedisSnapshots implements SnapshotStore {
  private constructor(private readonly redis: Redis) {}

  static async open(url: string): Promise<RedisSnapshots> {
    const redis = new Redis(url, {
      lazyConnect: true,
      connectionName: 'playground-snapshots',
      maxRetriesPerRequest: 2,
    });
    redis.on('error', () => {});
    await redis.connect();
    return new RedisSnapshots(redis);
  }

  async put(workspaceId: string, service: string, bytes: Buffer): Promise<void> {
    await this.redis.set(`${KEY_PREFIX}${workspaceId}:${service}`, bytes, 'EX', SNAPSHOT_TTL_S);
  }

  get(workspaceId: string, service: string): Promise<Buffer | null> {
    return this.redis.getBuffer(`${KEY_PREFIX}${workspaceId}:${service}`);
  }

  async drop(workspaceId: string, services: string[]): Promise<void> {
    if (services.length > 0) await this.redis.del(...services.map((s) => `${KEY_PREFIX}${workspaceId}:${s}`));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** How often a learner's changed instances are saved off the machine, unless the options say otherwise. */
export const SNAPSHOT_EVERY_MS = 60_000;

export interface SnapshotKeeperOptions {
  store: SnapshotStore;
  everyMs?: number;
  /** The services that run an instance per learner; those with snapshot() and seed() are kept. */
  services: ReadonlyArray<ServiceAdapter & { classroom: LearnerInstances }>;
  entries(): Iterable<Entry>;
  context(entry: Entry, service: ServiceId): InstanceContext;
  log(line: string): void;
}

/**
 * The workspace manager's part in it: every `everyMs`, each learner's running instances that
 * changed are saved to the store (so losing this machine costs them at most that long), and a
 * workspace taken over starts from what its last machine saved.
 */
export class SnapshotKeeper {
  private timer: NodeJS.Timeout | null = null;
  /** `<workspace>:<service>` → the mark of its last snapshot kept since this process started (the first is taken whatever changed). */
  private readonly marks = new Map<string, string>();
  private readonly kept: SnapshotKeeperOptions['services'];

  constructor(private readonly options: SnapshotKeeperOptions) {
    this.kept = options.services.filter((a) => a.classroom.snapshot && a.classroom.seed);
  }

  start(): void {
    this.timer = setInterval(() => void this.exportAll(), this.options.everyMs ?? SNAPSHOT_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async exportAll(): Promise<void> {
    for (const entry of this.options.entries()) {
      if (!entry.running || entry.destroyed || entry.record.learnerId === null) continue;
      for (const a of this.kept) {
        const port = entry.instances.get(a.name)?.port ?? null;
        if (port === null) continue;
        const key = `${entry.record.id}:${a.name}`;
        try {
          const ctx = this.options.context(entry, a.name);
          const taken = await a.classroom.snapshot!(port, ctx, this.marks.get(key) ?? null);
          if (!taken) continue;
          await this.options.store.put(entry.record.id, a.name, taken.bytes);
          this.marks.set(key, taken.mark);
        } catch (err) {
          this.options.log(`workspace ${entry.record.id}: ${a.name} snapshot not saved: ${errorText(err)}`);
        }
      }
    }
  }

  /** A workspace taken over: its instances start from the snapshots its last machine saved, if any. */
  async seed(entry: Entry): Promise<void> {
    for (const a of this.kept) {
      const bytes = await this.options.store.get(entry.record.id, a.name).catch(() => null);
      if (bytes) await a.classroom.seed!(this.options.context(entry, a.name), bytes);
    }
  }

  async drop(workspaceId: string): Promise<void> {
    const services = this.kept.map((a) => a.name);
    for (const service of services) this.marks.delete(`${workspaceId}:${service}`);
    await this.options.store.drop(workspaceId, services).catch(() => {});
  }
}
