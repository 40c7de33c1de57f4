// One learner's memcached or Redis process: spawned in a process group of its own, on a loopback
// port reserved for it, watched until it answers (as itself: the probe checks the pid), restarted
// with backoff when it dies, and stopped with its spec's signal (SIGTERM: SIGKILL after a grace
// period). A pid file names it, so a server killed with SIGKILL can stop it at its next start
// (leftovers.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import { errorText } from '../../services/supervisor.ts';
import { releasePort, reservePort } from './ports.ts';

/** Between readiness probes: both daemons answer ~10–20 ms after spawn, so poll finely. */
const READY_POLL_MS = 3;
/** A daemon that has not answered by then is stuck (or the machine is overloaded). */
const START_TIMEOUT_MS = 10_000;
/** Spawns on a fresh port when the process exits before answering (someone else took the port). */
const START_ATTEMPTS = 3;
/** SIGTERM, then this long (Redis writes its snapshot meanwhile), then SIGKILL. */
export const STOP_GRACE_MS = 10_000;
/** First wait before a restart; doubles on each quick death, as the shared services' supervisor does. */
const RESTART_BACKOFF_START_MS = 100;
const RESTART_BACKOFF_MAX_MS = 10_000;
/** A run shorter than this counts as a quick death. */
const STABLE_RUN_MS = 30_000;
/** Quick deaths in a row after which the instance is given up on (the workspace is "failed"). */
const MAX_QUICK_RESTARTS = 5;
/** The last bytes of the log that go into a start error. */
const LOG_TAIL_BYTES = 600;

/** How to run one kind of instance (memcached-instance.ts, redis-instance.ts). */
export interface InstanceSpec {
  command: string;
  /** How stop() ends it: SIGTERM to let it save, or SIGKILL for one with nothing to save. */
  stopSignal: 'SIGTERM' | 'SIGKILL';
  /** Before each spawn: writes what the daemon reads and answers its arguments. */
  prepare(port: number): Promise<string[]>;
  /** Resolves once the process `pid` answers on `port`; throws while it does not (or if another does). */
  probe(port: number, pid: number): Promise<void>;
}

export interface SupervisedProcessOptions {
  spec: InstanceSpec;
  /** The workspace's directory: cwd of the daemon, its log file. */
  dir: string;
  logFile: string;
  pidFile: string;
  /** It died unexpectedly and a restart is coming. */
  onDown(reason: string): void;
  /** It answers again after a restart, maybe on a new port. */
  onUp(port: number): void;
  /** Restarts failed MAX_QUICK_RESTARTS times in a row: given up. */
  onFailed(reason: string): void;
}

export class SupervisedProcess {
  private child: ChildProcess | null = null;
  private currentPort: number | null = null;
  private stopping = false;
  /** Answered its probe since the last spawn. */
  private ready = false;
  private starting: Promise<void> | null = null;
  private startedAt = 0;
  private quickDeaths = 0;
  private backoffMs = RESTART_BACKOFF_START_MS;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Died unexpectedly and has not answered since: the next successful start reports onUp. */
  private down = false;

  constructor(private readonly options: SupervisedProcessOptions) {}

  /** The port it answers on, or null while it is not running. */
  get port(): number | null {
    return this.ready ? this.currentPort : null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts it, unless it runs already; a restart waiting for its backoff happens now instead. */
  start(): Promise<void> {
    this.stopping = false;
    if (this.ready) return Promise.resolve();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    return this.run();
  }

  private run(): Promise<void> {
    this.starting ??= this.attempts().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async attempts(): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      try {
        await this.spawnAndWait();
        if (this.down) {
          this.down = false;
          this.options.onUp(this.currentPort!);
        }
        return;
      } catch (err) {
        lastError = err;
        if (!(err instanceof ExitedEarly) || this.stopping) break;
      }
    }
    throw lastError;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    // A start in progress sees `stopping` at its next probe and gives up.
    await this.starting?.catch(() => {});
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killGroup(child, this.options.spec.stopSignal);
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      // A snapshot child (BGSAVE's fork) that outlived the daemon goes too.
      killGroup(child, 'SIGKILL');
    }
    this.forget(child);
  }

  /** Synchronous, for process 'exit': SIGTERM only (Redis still saves on its own). */
  signalNow(signal: NodeJS.Signals): void {
    if (this.child) killGroup(this.child, signal);
  }

  private forget(child: ChildProcess | null): void {
    if (child && this.child !== child) return;
    this.child = null;
    this.ready = false;
    if (this.currentPort !== null) releasePort(this.currentPort);
    this.currentPort = null;
    void fs.rm(this.options.pidFile, { force: true });
  }

  private async spawnAndWait(): Promise<void> {
    const { spec, dir, logFile, pidFile } = this.options;
    if (this.stopping) throw new Error('stopped before it started');
    const port = await reservePort();
    let args: string[];
    try {
      args = await spec.prepare(port);
    } catch (err) {
      releasePort(port);
      throw err;
    }
    const log = await fs.open(logFile, 'a');
    let child: ChildProcess;
    try {
      // detached: a process group of its own, so SIGTERM reaches a snapshot child too and a Ctrl-C
      // in the server's console does not hit it before the manager stops it in order.
      child = spawn(spec.command, args, {
        cwd: dir,
        env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
        stdio: ['ignore', log.fd, log.fd],
        detached: true,
      });
    } finally {
      await log.close();
    }
    this.child = child;
    this.currentPort = port;
    this.startedAt = Date.now();
    let exited: string | null = null;
    child.once('error', (err) => {
      exited ??= errorText(err);
    });
    child.once('exit', (code, signal) => {
      exited = signal ? `killed by ${signal}` : `exited with code ${code}`;
      this.onExit(child, exited);
    });
    const pid = child.pid;
    if (pid) await fs.writeFile(pidFile, `${pid}\n${spec.command}\n${port}\n${spec.stopSignal}\n`);

    const deadline = Date.now() + START_TIMEOUT_MS;
    let lastError: unknown;
    for (;;) {
      if (exited || !pid) {
        this.forget(child);
        throw new ExitedEarly(`${spec.command} ${exited ?? 'did not start'} before answering${await logTail(logFile)}`);
      }
      if (this.stopping) {
        // Nothing to save yet: it has not answered a single command.
        killGroup(child, 'SIGKILL');
        this.forget(child);
        throw new Error('stopped while starting');
      }
      try {
        await spec.probe(port, pid);
        this.ready = true;
        return;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        killGroup(child, 'SIGKILL');
        this.forget(child);
        throw new Error(
          `${spec.command} did not answer on port ${port} within ${START_TIMEOUT_MS} ms: ${errorText(lastError)}`,
        );
      }
      await sleep(READY_POLL_MS);
    }
  }

  private onExit(child: ChildProcess, reason: string): void {
    if (this.child !== child) return;
    const wasReady = this.ready;
    this.forget(child);
    killGroup(child, 'SIGKILL'); // leftovers of the group, if any
    // Before its first answer, spawnAndWait() sees the exit and reports it.
    if (this.stopping || !wasReady) return;
    const quick = Date.now() - this.startedAt < STABLE_RUN_MS;
    this.quickDeaths = quick ? this.quickDeaths + 1 : 0;
    this.backoffMs = quick ? Math.min(this.backoffMs * 2, RESTART_BACKOFF_MAX_MS) : RESTART_BACKOFF_START_MS;
    this.down = true;
    this.options.onDown(reason);
    this.scheduleRestart(reason, quick ? this.backoffMs : RESTART_BACKOFF_START_MS);
  }

  private scheduleRestart(reason: string, delay: number): void {
    if (this.quickDeaths > MAX_QUICK_RESTARTS) {
      this.options.onFailed(`${reason}; gave up after ${MAX_QUICK_RESTARTS} quick restarts`);
      return;
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.restart(reason);
    }, delay);
    this.restartTimer.unref();
  }

  private async restart(reason: string): Promise<void> {
    if (this.stopping) return;
    try {
      await this.run();
    } catch (err) {
      if (this.stopping) return;
      this.quickDeaths++;
      this.backoffMs = Math.min(this.backoffMs * 2, RESTART_BACKOFF_MAX_MS);
      this.scheduleRestart(`${reason}; restart failed: ${errorText(err)}`, this.backoffMs);
    }
  }
}

/** The process left before it answered: usually its port was taken meanwhile; worth another port. */
class ExitedEarly extends Error {}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

async function logTail(file: string): Promise<string> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const tail = text.slice(-LOG_TAIL_BYTES).trim();
  return tail ? ` (log: ${tail.split('\n').slice(-3).join(' | ')})` : '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
