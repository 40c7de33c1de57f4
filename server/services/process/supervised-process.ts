// One daemon the playground runs itself — a private shared server (server/services/supervisor.ts)
// or a learner's own memcached or Redis (the classroom's workspaces): spawned in a process group of
// its own, watched until it answers as itself, restarted with backoff when it dies, and stopped
// with its spec's signal (SIGKILL after a grace period). A pid file names it, so a server killed
// with SIGKILL can stop it at its next start (leftovers.ts). This is the one place that does so.
import fs from 'node:fs/promises';
import { sleep } from '../../util/async.ts';
import { errorText } from '../../util/errors.ts';
import { signalGroup } from '../../util/process.ts';
import { writePidFile } from './leftovers.ts';
import { spawnDaemon, type DaemonChild } from './spawner.ts';

/** SIGTERM (or the spec's signal), then this long (Redis writes its snapshot meanwhile), then SIGKILL. */
export const STOP_GRACE_MS = 10_000;
/** A run shorter than this counts as a quick death: the backoff grows. Longer resets it. */
const STABLE_RUN_MS = 30_000;
/** Quick deaths in a row after which the process is given up on. */
const MAX_QUICK_RESTARTS = 5;
const RESTART_BACKOFF_MAX_MS = 10_000;
/** How often restart('crash') looks whether the process answers again. */
const WAIT_POLL_MS = 20;
/** The last bytes of the log that go into a start error. */
const LOG_TAIL_BYTES = 600;

/** How one spawn runs: its arguments, and the port it takes (a learner's instance gets a new one each time). */
export interface Launch {
  args: string[];
  env?: Record<string, string>;
  /** The loopback port it listens on, when the pid file should name it (leftovers.ts matches it). */
  port?: number;
  /** Called once this spawn's process is gone (a reserved port goes back). */
  release?(): void;
}

export interface ProcessSpec {
  command: string;
  /** How stop() ends it: SIGTERM to let it save, or SIGKILL for one with nothing to save. */
  stopSignal: 'SIGTERM' | 'SIGKILL';
  /** Before each spawn: writes what the daemon reads and answers how to start it. */
  prepare(): Promise<Launch>;
  /** Resolves once process `pid`, started as `launch`, answers; throws while it does not (or if another does). */
  probe(launch: Launch, pid: number): Promise<void>;
  /** After the process has gone (stopped, or died before a restart): what it leaves behind (an epmd). */
  afterExit?(): Promise<void>;
}

export interface SupervisedProcessOptions {
  spec: ProcessSpec;
  /** The daemon's working directory. */
  cwd: string;
  /** Its stdout and stderr are appended here. */
  logFile: string;
  pidFile: string;
  /** A daemon that has not answered by then is stuck (or the machine is overloaded). */
  startTimeoutMs: number;
  /** Between readiness probes. */
  readyPollMs: number;
  /** First wait before a restart; doubles on each quick death. */
  restartBackoffMs: number;
  /**
   * Spawns tried when the process exits before answering. More than one only helps when each
   * spawn takes a fresh port (another program took the last one in the meantime).
   */
  startAttempts?: number;
  /** It died unexpectedly and a restart is coming. */
  onDown?(reason: string): void;
  /** It answers again after a restart (maybe on a new port). */
  onUp?(launch: Launch): void;
  /** Restarts failed MAX_QUICK_RESTARTS times in a row: given up. */
  onFailed?(reason: string): void;
}

export class SupervisedProcess {
  private child: DaemonChild | null = null;
  private current: Launch | null = null;
  private stopping = false;
  /** Answered its probe since the last spawn. */
  private ready = false;
  private starting: Promise<void> | null = null;
  private startedAt = 0;
  private quickDeaths = 0;
  private backoffMs: number;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Died unexpectedly and has not answered since: the next successful start reports onUp. */
  private down = false;
  /** A SIGKILL asked for by restart('crash'): its death is not counted against the process. */
  private crashRequested = false;
  private startMs: number | null = null;
  /** Restarts were given up on (onFailed was called). */
  private failed = false;

  constructor(private readonly options: SupervisedProcessOptions) {
    this.backoffMs = options.restartBackoffMs;
  }

  /** How the running process was started, or null while it is not answering. */
  get launch(): Launch | null {
    return this.ready ? this.current : null;
  }

  /** The port it answers on, or null while it is not running. */
  get port(): number | null {
    return this.launch?.port ?? null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Milliseconds from the latest spawn to its first answer (a fault's recovery is judged against it). */
  get lastStartMs(): number | null {
    return this.startMs;
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
    for (let attempt = 0; attempt < (this.options.startAttempts ?? 1); attempt++) {
      try {
        await this.spawnAndWait();
        if (this.down) {
          this.down = false;
          this.options.onUp?.(this.current!);
        }
        return;
      } catch (err) {
        lastError = err;
        if (!(err instanceof ExitedEarly) || this.stopping) break;
      }
    }
    throw lastError;
  }

  /**
   * Restarts it on request (the restart control). 'clean' stops it as stop() does, with its
   * signal, so it saves what it saves, and starts it again; 'crash' kills its group with SIGKILL
   * (nothing saved, as in a power cut) and the usual restart brings it back at once. Both report
   * onDown and then onUp, as a death would. Resolves once it answers again.
   */
  async restart(mode: RestartMode): Promise<void> {
    const child = this.child;
    if (!this.ready || !child) throw new NotRunningError('it is not running');
    if (mode === 'crash') {
      this.crashRequested = true;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killGroup(child, 'SIGKILL');
      await exited;
      // onExit has scheduled the restart, without a backoff: wait for it to answer.
      await this.whenReady();
      return;
    }
    this.options.onDown?.(RESTART_REASON);
    this.down = true;
    await this.stop();
    await this.start();
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
      // Children that outlived the leader (a snapshot's fork, an Erlang VM's helpers) go too.
      killGroup(child, 'SIGKILL');
    }
    this.forget(child);
    await this.options.spec.afterExit?.().catch(() => {});
  }

  /** Synchronous, for process 'exit' where nothing can be awaited. */
  signalNow(signal: NodeJS.Signals): void {
    if (this.child) killGroup(this.child, signal);
  }

  private forget(child: DaemonChild | null): void {
    if (child && this.child !== child) return;
    this.child = null;
    this.ready = false;
    this.current?.release?.();
    this.current = null;
    void fs.rm(this.options.pidFile, { force: true });
  }

  private async spawnAndWait(): Promise<void> {
    const { spec, cwd, logFile, pidFile } = this.options;
    if (this.stopping) throw new Error('stopped before it started');
    const launch = await spec.prepare();
    // Through the spawner (spawner.ts), so that this process's event loop never waits for a
    // fork. A session of its own (detached): a signal reaches its children too, and a Ctrl-C in
    // the server's console does not hit it before it is stopped in order.
    const child = spawnDaemon({
      command: spec.command,
      args: launch.args,
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...launch.env },
      logFile,
    });
    this.child = child;
    this.current = launch;
    this.startedAt = Date.now();
    let exited: string | null = null;
    child.once('error', (err) => {
      exited ??= errorText(err);
    });
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      exited = signal ? `killed by ${signal}` : `exited with code ${code}`;
      this.onExit(child, exited);
    });
    await child.started;
    const pid = child.pid;
    if (pid)
      await writePidFile(pidFile, { pid, command: spec.command, port: launch.port, stopSignal: spec.stopSignal });

    const deadline = Date.now() + this.options.startTimeoutMs;
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
        await spec.probe(launch, pid);
        this.ready = true;
        this.startMs = Date.now() - this.startedAt;
        return;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        killGroup(child, 'SIGKILL');
        this.forget(child);
        const where = launch.port ? ` on port ${launch.port}` : '';
        throw new Error(
          `${spec.command} did not answer${where} within ${this.options.startTimeoutMs} ms: ${errorText(lastError)}`,
        );
      }
      await sleep(this.options.readyPollMs);
    }
  }

  /** Resolves once it answers again after a death; rejects if it is stopped or given up on. */
  private async whenReady(): Promise<void> {
    const limitMs = this.options.startTimeoutMs + RESTART_BACKOFF_MAX_MS;
    const deadline = Date.now() + limitMs;
    while (!this.ready) {
      if (this.stopping) throw new NotRunningError('it was stopped');
      if (this.failed) throw new NotRunningError('it did not come back');
      if (Date.now() > deadline) throw new NotRunningError(`it did not answer within ${limitMs} ms`);
      await this.starting?.catch(() => {});
      await sleep(WAIT_POLL_MS);
    }
  }

  private onExit(child: DaemonChild, exitReason: string): void {
    if (this.child !== child) return;
    const wasReady = this.ready;
    this.forget(child);
    killGroup(child, 'SIGKILL'); // leftovers of the group, if any
    // Before its first answer, spawnAndWait() sees the exit and reports it.
    if (this.stopping || !wasReady) return;
    const requested = this.crashRequested;
    this.crashRequested = false;
    const reason = requested ? CRASH_REASON : exitReason;
    const quick = !requested && Date.now() - this.startedAt < STABLE_RUN_MS;
    this.quickDeaths = quick ? this.quickDeaths + 1 : 0;
    const first = this.options.restartBackoffMs;
    this.backoffMs = quick ? Math.min(this.backoffMs * 2, RESTART_BACKOFF_MAX_MS) : first;
    this.down = true;
    this.options.onDown?.(reason);
    const delay = requested ? 0 : quick ? this.backoffMs : first;
    void (this.options.spec.afterExit?.() ?? Promise.resolve())
      .catch(() => {})
      .then(() => {
        if (!this.stopping) this.scheduleRestart(reason, delay);
      });
  }

  private scheduleRestart(reason: string, delay: number): void {
    this.failed = false;
    if (this.quickDeaths > MAX_QUICK_RESTARTS) {
      this.failed = true;
      this.options.onFailed?.(`${reason}; gave up after ${MAX_QUICK_RESTARTS} quick restarts`);
      return;
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      // start() may have brought it back meanwhile.
      if (this.ready) return;
      void this.restartAfterDeath(reason);
    }, delay);
    this.restartTimer.unref();
  }

  private async restartAfterDeath(reason: string): Promise<void> {
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

export type RestartMode = 'clean' | 'crash';

/** What onDown says for a restart someone asked for. */
export const RESTART_REASON = 'a restart was asked for';
export const CRASH_REASON = 'killed with SIGKILL on request, as a crash would';

/** restart() of a process that is not running (stopped, starting, or given up on). */
export class NotRunningError extends Error {}

/** The process left before it answered: usually its port was taken meanwhile; worth another port. */
class ExitedEarly extends Error {}

function killGroup(child: DaemonChild, signal: NodeJS.Signals): void {
  if (child.pid) signalGroup(child.pid, signal);
}

async function logTail(file: string): Promise<string> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const tail = text.slice(-LOG_TAIL_BYTES).trim();
  return tail ? ` (log: ${tail.split('\n').slice(-3).join(' | ')})` : '';
}
