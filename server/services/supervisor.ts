// The supervisor owns the four services: it starts private instances (or checks the URLs given in
// the environment), reports their state, restarts a managed instance that dies, and stops them all
// when the server exits. `npm start` and the integration tests use this same class.
import { EventEmitter } from 'node:events';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ServiceStatus, ServicesStatus } from '../../shared/protocol.ts';
import { SERVICE_NAMES, type ServiceName } from '../../shared/services.ts';
import { freePort } from './net-util.ts';
import type { Endpoint, ManagedContext, ServiceAdapter } from './types.ts';

/** First wait before restarting a managed instance that died; doubles on each quick death. */
const RESTART_BACKOFF_START_MS = 250;
const RESTART_BACKOFF_MAX_MS = 10_000;
/** A run shorter than this counts as a quick death (backoff grows); longer resets the backoff. */
const STABLE_RUN_MS = 30_000;
/** Deaths within STABLE_RUN_MS after which the supervisor gives up and reports the service failed. */
const MAX_QUICK_RESTARTS = 5;
/** Between readiness probes while an instance boots. */
const READY_POLL_MS = 50;
/** How long a stopping instance gets after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 10_000;
/** Health probes of /api/health give up after this. */
const HEALTH_PROBE_TIMEOUT_MS = 2_000;

export interface SupervisorOptions {
  adapters: ServiceAdapter[];
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
  child: ChildProcess | null;
  startedAt: number;
  quickDeaths: number;
  backoffMs: number;
  restartTimer: NodeJS.Timeout | null;
}

export interface SupervisorEvents {
  status: [service: ServiceName, status: ServiceStatus];
  /** A managed instance died unexpectedly; terminals on it should say so and wait. */
  down: [service: ServiceName, reason: string];
  /** The instance answers again (after a restart): terminals reconnect. */
  up: [service: ServiceName, endpoint: Endpoint];
}

export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly slots = new Map<ServiceName, Slot>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly log: (line: string) => void;
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.env = options.env ?? process.env;
    this.log = options.log ?? (() => {});
    for (const adapter of options.adapters) {
      this.slots.set(adapter.name, {
        adapter,
        status: { ok: false, state: 'starting', managed: !this.env[adapter.urlEnv] },
        endpoint: null,
        ctx: null,
        child: null,
        startedAt: 0,
        quickDeaths: 0,
        backoffMs: RESTART_BACKOFF_START_MS,
        restartTimer: null,
      });
    }
  }

  has(service: ServiceName): boolean {
    return this.slots.has(service);
  }

  adapter(service: ServiceName): ServiceAdapter {
    return this.slot(service).adapter;
  }

  /** Where the service answers now, or null when it is not ready. */
  endpoint(service: ServiceName): Endpoint | null {
    const slot = this.slot(service);
    return slot.status.ok ? slot.endpoint : null;
  }

  status(service: ServiceName): ServiceStatus {
    return this.slot(service).status;
  }

  statuses(): ServicesStatus {
    // Ordered as SERVICE_NAMES; a supervisor built with fewer adapters (tests) lists fewer.
    const names = SERVICE_NAMES.filter((s) => this.slots.has(s));
    return Object.fromEntries(names.map((s) => [s, this.status(s)])) as ServicesStatus;
  }

  /**
   * The context a managed instance was started with (ports, directory, secret), or null when the
   * service came from a URL or never got that far. The classroom's workspace manager reads the
   * shared servers' administrator access from it (server/classroom/workspaces/shared-admin.ts).
   */
  managedContext(service: ServiceName): ManagedContext | null {
    const slot = this.slot(service);
    return slot.status.managed ? slot.ctx : null;
  }

  /** Pids of the managed processes, for tests that kill one on purpose. */
  pid(service: ServiceName): number | undefined {
    return this.slot(service).child?.pid;
  }

  /** Starts (or checks) every service in parallel; resolves when each is ready or has failed. */
  async startAll(): Promise<ServicesStatus> {
    await fs.mkdir(path.join(this.options.dataDir, 'pids'), { recursive: true });
    await this.killStaleInstances();
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
    this.stopping = true;
    await Promise.all([...this.slots.values()].map((slot) => this.stopSlot(slot)));
  }

  private slot(service: ServiceName): Slot {
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
    const ports: number[] = [];
    for (let i = 0; i < adapter.managed.portCount; i++) ports.push(await freePort());
    slot.ctx = {
      dir,
      ports,
      secret,
      isRoot: process.getuid?.() === 0,
      classroom: this.options.classroom ?? false,
    };
    slot.endpoint = adapter.managed.endpoint(slot.ctx);
    try {
      await adapter.managed.prepare?.(slot.ctx);
      await this.spawnAndWait(slot);
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

  private async spawnAndWait(slot: Slot): Promise<void> {
    const { adapter } = slot;
    const ctx = slot.ctx!;
    const endpoint = slot.endpoint!;
    const spec = adapter.managed.spawn(ctx);
    const logFile = await fs.open(path.join(ctx.dir, 'server.log'), 'a');
    const began = performance.now();
    // detached: the instance gets its own process group, so stopping it reaches its children
    // (RabbitMQ's Erlang VM and helpers) and a Ctrl-C in the console does not hit it before we
    // stop it in order.
    const child = spawn(spec.command, spec.args, {
      cwd: ctx.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...spec.env },
      stdio: ['ignore', logFile.fd, logFile.fd],
      detached: true,
    });
    await logFile.close();
    slot.child = child;
    slot.startedAt = Date.now();
    if (child.pid) await fs.writeFile(this.pidFile(adapter.name), `${child.pid}\n${spec.command}\n`);

    let exited: string | null = null;
    child.once('exit', (code, signal) => {
      exited = signal ? `killed by ${signal}` : `exited with code ${code}`;
      void this.onExit(slot, child, exited);
    });
    child.once('error', (err) => {
      exited = errorText(err);
    });

    const deadline = Date.now() + adapter.managed.startTimeoutMs;
    let lastError: unknown;
    for (;;) {
      if (exited) throw new Error(`${spec.command} ${exited} before answering`);
      try {
        const { version } = await withTimeout(adapter.probe(endpoint), HEALTH_PROBE_TIMEOUT_MS);
        await adapter.managed.afterReady?.(ctx, endpoint);
        const readyMs = Math.round(performance.now() - began);
        this.setStatus(slot, { ok: true, state: 'ready', managed: true, version, address: endpoint.address, readyMs });
        return;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        this.killGroup(child, 'SIGKILL');
        throw new Error(`no answer within ${adapter.managed.startTimeoutMs} ms: ${errorText(lastError)}`);
      }
      await sleep(READY_POLL_MS);
    }
  }

  private async onExit(slot: Slot, child: ChildProcess, reason: string): Promise<void> {
    if (slot.child !== child) return;
    slot.child = null;
    await fs.rm(this.pidFile(slot.adapter.name), { force: true });
    if (this.stopping) return;
    const wasReady = slot.status.state === 'ready';
    if (!wasReady) return; // a failed start reports itself
    const name = slot.adapter.name;
    this.log(`${name}: ${reason}; restarting`);
    this.killGroup(child, 'SIGKILL'); // leftovers of the group, if any
    await slot.adapter.managed.cleanup?.(slot.ctx!).catch(() => {});
    const quick = Date.now() - slot.startedAt < STABLE_RUN_MS;
    slot.quickDeaths = quick ? slot.quickDeaths + 1 : 0;
    slot.backoffMs = quick ? Math.min(slot.backoffMs * 2, RESTART_BACKOFF_MAX_MS) : RESTART_BACKOFF_START_MS;
    this.setStatus(slot, { ...slot.status, ok: false, state: 'restarting', message: `${reason}; restarting` });
    this.emit('down', name, reason);
    if (slot.quickDeaths > MAX_QUICK_RESTARTS) {
      this.setStatus(slot, { ...slot.status, ok: false, state: 'failed', message: `${reason}; gave up after ${MAX_QUICK_RESTARTS} quick restarts` });
      return;
    }
    const delay = quick ? slot.backoffMs : RESTART_BACKOFF_START_MS;
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = null;
      void this.restart(slot);
    }, delay);
  }

  private async restart(slot: Slot): Promise<void> {
    if (this.stopping) return;
    try {
      await this.spawnAndWait(slot);
      this.log(`${slot.adapter.name}: back after restart`);
      this.emit('up', slot.adapter.name, slot.endpoint!);
    } catch (err) {
      this.setStatus(slot, { ...slot.status, ok: false, state: 'failed', message: `restart failed: ${errorText(err)}` });
    }
  }

  private async stopSlot(slot: Slot): Promise<void> {
    if (slot.restartTimer) clearTimeout(slot.restartTimer);
    const child = slot.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      this.killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => this.killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      // Children that outlived the leader (an Erlang VM's helpers) go too.
      this.killGroup(child, 'SIGKILL');
    }
    slot.child = null;
    if (slot.ctx) await slot.adapter.managed.cleanup?.(slot.ctx).catch(() => {});
    await fs.rm(this.pidFile(slot.adapter.name), { force: true });
  }

  /** Synchronous last resort for process 'exit': no await is possible there. */
  killAllNow(): void {
    for (const slot of this.slots.values()) if (slot.child) this.killGroup(slot.child, 'SIGKILL');
  }

  private killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  }

  private pidFile(service: ServiceName): string {
    return path.join(this.options.dataDir, 'pids', `${service}.pid`);
  }

  /**
   * A previous server killed with SIGKILL leaves its instances running. Their pid files name the
   * process and the command; a live process with that command line is ours and is stopped.
   */
  private async killStaleInstances(): Promise<void> {
    const dir = path.join(this.options.dataDir, 'pids');
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      const file = path.join(dir, name);
      const [pidText, command] = (await fs.readFile(file, 'utf8')).split('\n');
      const pid = Number(pidText);
      const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (pid > 1 && command && cmdline.includes(command.split('/').pop()!)) {
        this.log(`stopping a leftover ${name.replace(/\.pid$/, '')} instance (pid ${pid}) from an earlier run`);
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
      }
      await fs.rm(file, { force: true });
    }
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

export function installCommand(packages: string[]): string {
  const root = process.getuid?.() === 0;
  return `${root ? '' : 'sudo '}apt-get install -y ${packages.join(' ')}`;
}

export function errorText(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return errorText(err.errors[0]);
  return err instanceof Error ? err.message || err.name : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
