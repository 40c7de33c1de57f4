// The daemons' spawner (spawner.py): a small Python process that starts them for the web server,
// so that the web server's event loop never waits for a fork and an exec (Node's spawn() blocks
// until the child has exec'd: ~14 ms a spawn here, whatever the process's size; a class joining
// is two daemons a learner). One per server process, started on first use. What it hands back
// looks like the part of a ChildProcess that SupervisedProcess uses.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const SPAWNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'spawner.py');
/** Debian's python3: always there (the runner needs it too), and its subprocess uses vfork. */
const PYTHON = '/usr/bin/python3';

/** A daemon started by the spawner: its pid, and 'exit' (code, signal) or 'error' (Error), once. */
export class DaemonChild extends EventEmitter {
  pid: number | undefined;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  /** Settles once the spawner has started it (`pid` is set) or could not ('error' was emitted). */
  readonly started = new Promise<void>((resolve) => {
    this.once('spawn', resolve);
    this.once('error', () => resolve());
  });
}

export interface DaemonLaunch {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** stdout and stderr are appended here. */
  logFile: string;
}

type SpawnerEvent =
  | { id: number; pid: number }
  | { id: number; error: string; code: string }
  | { pid: number; code: number | null; signal: NodeJS.Signals | null };

class Spawner {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly starting = new Map<number, DaemonChild>();
  private readonly running = new Map<number, DaemonChild>();

  constructor() {
    // Spawned the usual way once: it is what spares the web server every later spawn.
    this.child = spawn(PYTHON, ['-I', '-u', SPAWNER], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdin!.on('error', () => {});
    this.updateRef();
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => this.onEvent(JSON.parse(line)));
    this.child.once('exit', () => this.lost());
    this.child.once('error', () => this.lost());
  }

  spawn(launch: DaemonLaunch): DaemonChild {
    const daemon = new DaemonChild();
    const id = this.nextId++;
    this.starting.set(id, daemon);
    this.updateRef();
    const request = { id, ...launch, log: launch.logFile };
    this.child.stdin!.write(`${JSON.stringify(request)}\n`);
    return daemon;
  }

  /**
   * As a ChildProcess does, a daemon keeps this process alive until it has exited; the spawner
   * itself does not (a script that stopped its daemons ends).
   */
  private updateRef(): void {
    const busy = this.starting.size + this.running.size > 0;
    for (const handle of [this.child, this.child.stdout as unknown as { ref(): void; unref(): void }]) {
      if (busy) handle.ref();
      else handle.unref();
    }
    (this.child.stdin as unknown as { unref(): void }).unref();
  }

  private onEvent(event: SpawnerEvent): void {
    this.onEventInner(event);
    this.updateRef();
  }

  private onEventInner(event: SpawnerEvent): void {
    if ('id' in event) {
      const daemon = this.starting.get(event.id);
      if (!daemon) return;
      this.starting.delete(event.id);
      if ('error' in event) {
        daemon.emit('error', Object.assign(new Error(event.error), { code: event.code }));
        return;
      }
      daemon.pid = event.pid;
      this.running.set(event.pid, daemon);
      daemon.emit('spawn');
      return;
    }
    const daemon = this.running.get(event.pid);
    if (!daemon) return;
    this.running.delete(event.pid);
    daemon.exitCode = event.code;
    daemon.signalCode = event.signal;
    daemon.emit('exit', event.code, event.signal);
  }

  /** The spawner died (it should not): daemons it started run on, but their exits go unheard. */
  private lost(): void {
    if (spawner === this) spawner = null;
    for (const daemon of this.starting.values())
      daemon.emit('error', new Error(`the spawner (${PYTHON} ${SPAWNER}) ended`));
    this.starting.clear();
  }
}

let spawner: Spawner | null = null;

/** Starts a daemon through the process-wide spawner. */
export function spawnDaemon(launch: DaemonLaunch): DaemonChild {
  spawner ??= new Spawner();
  return spawner.spawn(launch);
}
