// The supervisor owns the shared services: it starts a private instance of each (or checks the URL
// given in the environment), reports their state, restarts a managed instance that dies, and stops
// them all when the server exits. `npm start` and the integration tests use this same class; the
// processes themselves are kept by process/supervised-process.ts, as learners' instances are.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ServiceStatus, ServicesStatus } from '../../shared/protocol.ts';
import { withTimeout } from '../util/async.ts';
import { errorText } from '../util/errors.ts';
import { ServiceSet } from './service-set.ts';
import { stopLeftovers } from './process/leftovers.ts';
import { releasePort, reservePort } from './process/ports.ts';
import { SupervisedProcess, type RestartMode } from './process/supervised-process.ts';
import type { Endpoint, ServiceId } from './endpoint.ts';
import type { ManagedContext } from './managed-types.ts';
import type { ServiceAdapter } from './types.ts';

/** First wait before restarting a managed instance that died; doubles on each quick death. */
const RESTART_BACKOFF_START_MS = 250;
/** Between readiness probes while an instance boots. */
const READY_POLL_MS = 50;
/** Health probes of /api/health give up after this. */
const HEALTH_PROBE_TIMEOUT_MS = 2_000;

export interface SupervisorOptions {
  adapters: readonly ServiceAdapter[];
  /** Where managed instances keep their data: `.playground/` of the checkout. */
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Progress lines for the console. */
  log?: (line: string) => void;
  /** Classroom mode (RabbitMQ with its management API, MariaDB with more connections); passed on as ManagedContext.classroom. */
  classroom?: boolean;
}

interface Slot {
  adapter: ServiceAdapter;
  status: ServiceStatus;
  endpoint: Endpoint | null;
  ctx: ManagedContext | null;
  process: SupervisedProcess | null;
}

export interface SupervisorEvents {
  status: [service: ServiceId, status: ServiceStatus];
  /** A managed instance died unexpectedly; terminals on it should say so and wait. */
  down: [service: ServiceId, reason: string];
  /** The instance answers again (after a restart): terminals reconnect. */
  up: [service: ServiceId, endpoint: Endpoint];
}

export class Supervisor extends EventEmitter<SupervisorEvents> {
  /** The services it runs, in the registry's order. */
  readonly services: ServiceSet;
  private readonly slots = new Map<ServiceId, Slot>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly log: (line: string) => void;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.env = options.env ?? process.env;
    this.log = options.log ?? (() => {});
    this.services = new ServiceSet(options.adapters);
    for (const adapter of options.adapters) {
      this.slots.set(adapter.name, {
        adapter,
        status: { ok: false, state: 'starting', managed: !this.env[adapter.urlEnv] },
        endpoint: null,
        ctx: null,
        process: null,
      });
    }
  }

  get adapters(): readonly ServiceAdapter[] {
    return this.services.adapters;
  }

  has(service: ServiceId): boolean {
    return this.slots.has(service);
  }

  adapter(service: ServiceId): ServiceAdapter {
    return this.slot(service).adapter;
  }

  /** Where the service answers now, or null when it is not ready. */
  endpoint(service: ServiceId): Endpoint | null {
    const slot = this.slot(service);
    return slot.status.ok ? slot.endpoint : null;
  }

  status(service: ServiceId): ServiceStatus {
    return this.slot(service).status;
  }

  statuses(): ServicesStatus {
    return Object.fromEntries([...this.slots.keys()].map((s) => [s, this.status(s)]));
  }

  /**
   * The context a managed instance was started with (ports, directory, secret), or null when the
   * service came from a URL or never got that far. A service's administrator access for the
   * classroom comes from it (LearnerAccounts.adminAccess).
   */
  managedContext(service: ServiceId): ManagedContext | null {
    const slot = this.slot(service);
    return slot.status.managed ? slot.ctx : null;
  }

  /** The playground's privileged access to the service (ServiceAdapter.admin), or null. */
  admin(service: ServiceId): unknown {
    const slot = this.slot(service);
    if (!slot.endpoint || !slot.adapter.admin) return null;
    return slot.adapter.admin(slot.endpoint, this.managedContext(service));
  }

  /** Pids of the managed processes, for tests that kill one on purpose. */
  pid(service: ServiceId): number | undefined {
    return this.slot(service).process?.pid;
  }

  /** How long its latest start took, spawn to first answer (the fault tests measure recovery against it). */
  lastStartMs(service: ServiceId): number | null {
    return this.slot(service).process?.lastStartMs ?? null;
  }

  /**
   * The restart control (POST /api/services/:name/restart): restarts a private instance, cleanly or
   * as a crash (SupervisedProcess.restart). Status frames and the terminals' "stopped … back" lines
   * follow from the usual down and up events. Resolves once it answers again.
   */
  async restart(service: ServiceId, mode: RestartMode): Promise<void> {
    const refusal = this.restartRefusal(service);
    if (refusal) throw new RestartRefusedError(refusal);
    await this.slot(service).process!.restart(mode);
  }

  /** Why restart() would refuse now, in the learner's words, or null when it can go ahead. */
  restartRefusal(service: ServiceId): string | null {
    const slot = this.slot(service);
    const { title, urlEnv } = slot.adapter;
    if (!slot.status.managed || !slot.process) {
      return `${title} was not started by the playground (${urlEnv} names it): restart it where it runs`;
    }
    if (slot.status.state !== 'ready') return `${title} is ${slot.status.state} right now`;
    return null;
  }

  /** Starts (or checks) every service in parallel; resolves when each is ready or has failed. */
  async startAll(): Promise<ServicesStatus> {
    await fs.mkdir(this.pidDir(), { recursive: true });
    // A previous server killed with SIGKILL leaves its instances running: stopped here first.
    await stopLeftovers(this.pidDir(), this.log);
    const secret = await this.secret();
    await Promise.all([...this.slots.values()].map((slot) => this.start(slot, secret)));
    return this.statuses();
  }

  /** Live check of every ready service: answers the version it reports now. */
  async health(): Promise<ServicesStatus> {
    await Promise.all(
      [...this.slots.values()].map(async (slot) => {
        if (!slot.endpoint || !(slot.status.state === 'ready' || slot.status.state === 'failed')) return;
        if (!slot.status.managed || slot.status.state === 'ready') {
          try {
            const { version } = await withTimeout(slot.adapter.probe(slot.endpoint), HEALTH_PROBE_TIMEOUT_MS);
            if (!slot.status.ok || slot.status.version !== version) {
              this.setStatus(slot, { ...slot.status, ok: true, state: 'ready', version, message: undefined });
            }
          } catch (err) {
            this.setStatus(slot, { ...slot.status, ok: false, state: 'failed', message: errorText(err) });
          }
        }
      }),
    );
    return this.statuses();
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.slots.values()].map(async (slot) => {
        await slot.process?.stop();
        slot.process = null;
        for (const port of slot.ctx?.ports ?? []) releasePort(port);
      }),
    );
  }

  /** Synchronous last resort for process 'exit': no await is possible there. */
  killAllNow(): void {
    for (const slot of this.slots.values()) slot.process?.signalNow('SIGKILL');
  }

  private slot(service: ServiceId): Slot {
    const slot = this.slots.get(service);
    if (!slot) throw new Error(`no adapter for ${service}`);
    return slot;
  }

  private setStatus(slot: Slot, status: ServiceStatus): void {
    slot.status = status;
    this.emit('status', slot.adapter.name, status);
  }

  private async start(slot: Slot, secret: string): Promise<void> {
    const { adapter } = slot;
    const url = this.env[adapter.urlEnv];
    if (url) {
      await this.useExternal(slot, url);
      return;
    }
    const missing = adapter.managed.binaries.filter((b) => !existsSync(b));
    if (missing.length > 0) {
      const install = installCommand(adapter.managed.aptPackages);
      this.setStatus(slot, {
        ok: false,
        state: 'unavailable',
        managed: true,
        message: `${missing.join(', ')} not found`,
        install,
      });
      this.log(`${adapter.name}: ${missing.join(', ')} not found — install it with: ${install}`);
      return;
    }
    const dir = path.join(this.options.dataDir, adapter.name);
    await fs.mkdir(dir, { recursive: true });
    // Reserved, not just free: services starting side by side must not be handed the same port.
    const ports: number[] = [];
    for (let i = 0; i < adapter.managed.portCount; i++) ports.push(await reservePort());
    const ctx: ManagedContext = {
      dir,
      ports,
      secret,
      isRoot: process.getuid?.() === 0,
      classroom: this.options.classroom ?? false,
    };
    slot.ctx = ctx;
    const endpoint = adapter.managed.endpoint(ctx);
    slot.endpoint = endpoint;
    const began = performance.now();
    let version = '';
    slot.process = new SupervisedProcess({
      spec: {
        command: adapter.managed.spawn(ctx).command,
        stopSignal: 'SIGTERM',
        // The instance keeps its ports (its endpoint) across restarts: terminals reconnect to the same address.
        prepare: async () => {
          const { args, env } = adapter.managed.spawn(ctx);
          return { args, env };
        },
        probe: async () => {
          version = (await withTimeout(adapter.probe(endpoint), HEALTH_PROBE_TIMEOUT_MS)).version;
          await adapter.managed.afterReady?.(ctx, endpoint);
        },
        afterExit: adapter.managed.cleanup && (() => adapter.managed.cleanup!(ctx)),
      },
      cwd: dir,
      logFile: path.join(dir, 'server.log'),
      pidFile: path.join(this.pidDir(), `${adapter.name}.pid`),
      startTimeoutMs: adapter.managed.startTimeoutMs,
      readyPollMs: READY_POLL_MS,
      restartBackoffMs: RESTART_BACKOFF_START_MS,
      onDown: (reason) => {
        this.log(`${adapter.name}: ${reason}; restarting`);
        this.setStatus(slot, { ...slot.status, ok: false, state: 'restarting', message: `${reason}; restarting` });
        this.emit('down', adapter.name, reason);
      },
      onUp: () => {
        this.log(`${adapter.name}: back after restart`);
        this.setStatus(slot, { ...slot.status, ok: true, state: 'ready', version, message: undefined });
        this.emit('up', adapter.name, endpoint);
      },
      onFailed: (reason) => this.setStatus(slot, { ...slot.status, ok: false, state: 'failed', message: reason }),
    });
    try {
      await adapter.managed.prepare?.(ctx);
      await slot.process.start();
      const readyMs = Math.round(performance.now() - began);
      this.setStatus(slot, { ok: true, state: 'ready', managed: true, version, address: endpoint.address, readyMs });
    } catch (err) {
      this.setStatus(slot, { ok: false, state: 'failed', managed: true, message: errorText(err) });
      this.log(`${adapter.name}: failed to start — ${errorText(err)} (log: ${path.join(dir, 'server.log')})`);
    }
  }

  private async useExternal(slot: Slot, url: string): Promise<void> {
    const { adapter } = slot;
    try {
      slot.endpoint = adapter.parseUrl(url);
    } catch (err) {
      this.setStatus(slot, { ok: false, state: 'failed', managed: false, message: errorText(err) });
      this.log(`${adapter.name}: ${adapter.urlEnv} is not usable — ${errorText(err)}`);
      return;
    }
    const began = performance.now();
    try {
      const { version } = await withTimeout(adapter.probe(slot.endpoint), HEALTH_PROBE_TIMEOUT_MS * 3);
      this.setStatus(slot, {
        ok: true,
        state: 'ready',
        managed: false,
        version,
        address: slot.endpoint.address,
        readyMs: Math.round(performance.now() - began),
      });
    } catch (err) {
      this.setStatus(slot, {
        ok: false,
        state: 'failed',
        managed: false,
        address: slot.endpoint.address,
        message: `${adapter.urlEnv} (${slot.endpoint.address}) does not answer: ${errorText(err)}`,
      });
      this.log(`${adapter.name}: ${adapter.urlEnv} (${slot.endpoint.address}) does not answer — ${errorText(err)}`);
    }
  }

  private pidDir(): string {
    return path.join(this.options.dataDir, 'pids');
  }

  /** One random secret per installation, kept in .playground/secret (mode 600). */
  private async secret(): Promise<string> {
    const file = path.join(this.options.dataDir, 'secret');
    try {
      return (await fs.readFile(file, 'utf8')).trim();
    } catch {
      const value = randomBytes(24).toString('hex');
      await fs.writeFile(file, value + '\n', { mode: 0o600 });
      return value;
    }
  }
}

/** A restart that cannot be done, in words for the learner. */
export class RestartRefusedError extends Error {}

export function installCommand(packages: string[]): string {
  const root = process.getuid?.() === 0;
  return `${root ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}`;
}
