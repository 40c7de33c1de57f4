// Python runs from a zygote (inside/zygote.py, whose head holds the threat model of this path): one
// interpreter, started once as root with the client libraries imported, clones itself into a new
// sandbox for each run. `Zygote` keeps that process (started again if it dies: the runs it had end
// with a message); `ZygoteSandbox` is one run of it, with the same surface as a bubblewrap Sandbox,
// so RunSession and everything after it cannot tell the two apart.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { RunLanguage } from '../../shared/protocol.ts';
import { INSIDE, PYTHON, SANDBOX_HOSTNAME, etcFiles } from './bwrap-args.ts';
import { SANDBOX_NICENESS } from './run-limits.ts';
import { releaseRun, type LaunchRequest, type RunSandbox, type SandboxContext } from './sandbox.ts';

/** The exit status of a run whose zygote went away under it (as a kill: 128 + SIGKILL). */
const EXIT_ZYGOTE_LOST = 137;
/** After this, a zygote that is not ready is taken as failed. */
const READY_TIMEOUT_MS = 30_000;
/** A zygote that ends sooner than this after its start is started again only after RESTART_DELAY_MS. */
const RESTART_QUICK_MS = 5_000;
const RESTART_DELAY_MS = 1_000;

interface RunHandlers {
  pid(pid: number): void;
  /** `reaped`: the zygote waited for the run's clone (its pid namespace is empty now). */
  exit(code: number, error?: string, reaped?: boolean): void;
}

type ZygoteEvent = { ready: true } | { id: string; pid: number } | { id: string; exit: number; error?: string };

export class Zygote {
  private child: ChildProcess | null = null;
  private readonly runs = new Map<string, RunHandlers>();
  private sequence = 0;
  private closed = false;
  private readyNow = false;
  /** Runs asked for before the zygote was ready: sent once it is. */
  private unsent: string[] = [];
  private startedAt = 0;
  private readyWaiters: Array<(ok: boolean) => void> = [];

  constructor(
    private readonly runtimeDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.start();
  }

  /** Resolves true once the zygote has imported the libraries (false if it could not start). */
  ready(): Promise<boolean> {
    if (this.readyNow) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
      timer.unref();
      this.readyWaiters.push((ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Hands a run to the zygote; the handlers hear its pid, then its exit. */
  run(spec: Record<string, unknown>, handlers: RunHandlers): string {
    const id = `z${++this.sequence}`;
    this.runs.set(id, handlers);
    const line = `${JSON.stringify({ ...spec, id })}\n`;
    // A run asked for while the zygote (re)starts waits for it to be ready.
    if (this.readyNow && this.child?.stdin?.writable) this.child.stdin.write(line);
    else this.unsent.push(line);
    return id;
  }

  close(): void {
    this.closed = true;
    this.child?.kill('SIGKILL');
  }

  private start(): void {
    this.startedAt = Date.now();
    const child = spawn(PYTHON, ['-I', '-u', path.join(this.runtimeDir, 'inside', 'zygote.py')], {
      // Nothing of the server's: the clones' /proc/1/environ is this (empty) one.
      env: {},
      cwd: '/',
      stdio: ['pipe', 'pipe', 'pipe'],
      // A group of its own: a signal to the server's (the executor's) group is not for it. It
      // dies with its parent anyway (the parent-death signal), and close() kills it.
      detached: true,
    });
    this.child = child;
    child.stdin!.on('error', () => {});
    child.stderr!.on('data', (d: Buffer) => this.log(`zygote: ${d.toString().trimEnd()}`));
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => this.onEvent(JSON.parse(line) as ZygoteEvent));
    child.once('error', (err) => this.log(`zygote: cannot start ${PYTHON}: ${err.message}`));
    child.once('close', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      this.readyNow = false;
      for (const w of this.readyWaiters.splice(0)) w(false);
      // Its runs die with it (the parent-death signal); their servers' side learns it here.
      const lost = [...this.runs.values()];
      this.runs.clear();
      this.unsent = [];
      for (const h of lost) h.exit(EXIT_ZYGOTE_LOST, 'the Python zygote ended during the run; run it again');
      if (this.closed) return;
      this.log(`zygote: ended (${signal ?? code}); starting it again`);
      // At once after a zygote that lived a while; one that keeps dying young is started more slowly.
      const delay = Date.now() - this.startedAt < RESTART_QUICK_MS ? RESTART_DELAY_MS : 0;
      setTimeout(() => !this.closed && this.start(), delay).unref();
    });
  }

  private onEvent(event: ZygoteEvent): void {
    if ('ready' in event) {
      this.readyNow = true;
      for (const line of this.unsent.splice(0)) this.child?.stdin?.write(line);
      for (const w of this.readyWaiters.splice(0)) w(true);
      return;
    }
    const handlers = this.runs.get(event.id);
    if (!handlers) return;
    if ('pid' in event) {
      handlers.pid(event.pid);
      return;
    }
    this.runs.delete(event.id);
    handlers.exit(event.exit, event.error, event.error === undefined);
  }
}

let sequence = 0;

/** One Python run of the zygote, behind the surface of a bubblewrap Sandbox. */
export class ZygoteSandbox implements RunSandbox {
  readonly language: RunLanguage = 'python';
  readonly exited: Promise<number>;
  readonly netDir: string;
  readonly stdin: Writable = new PassThrough();
  readonly stdout: Readable = new PassThrough();
  readonly stderr: Readable = new PassThrough();
  hasExited = false;
  startError: string | null = null;
  /** The clone: pid 1 of the run's namespace, and the learner's program (host numbering). */
  private pid: number | null = null;
  private killed = false;
  private resolveExit!: (code: number) => void;
  private status: number | null = null;
  private readonly streams: PassThrough[];
  /** The clone's stdout and stderr connections closed: all it wrote is in. */
  private outputsClosed = 0;
  private onOutputsClosed: (() => void) | null = null;
  /** Why the run ended, if not by itself (the zygote went away): written after its output. */
  private notice: string | null = null;

  static async start(ctx: SandboxContext, zygote: Zygote): Promise<ZygoteSandbox> {
    const uid = ctx.uids ? await ctx.uids.claim() : process.getuid!();
    const dir = path.join(ctx.sandboxesDir, `${process.pid}-${uid}-z${++sequence}`);
    try {
      await fs.mkdir(path.join(dir, 'etc'), { recursive: true, mode: 0o711 });
      await fs.mkdir(path.join(dir, 'net'), { mode: 0o711 });
      await fs.mkdir(path.join(dir, 'root'), { mode: 0o700 });
      for (const [name, content] of Object.entries(etcFiles(uid))) {
        await fs.writeFile(path.join(dir, 'etc', name), content, { mode: 0o644 });
      }
      const server = net.createServer({ allowHalfOpen: true });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path.join(dir, 'stdio.sock'), resolve);
      });
      return new ZygoteSandbox(ctx, zygote, uid, dir, server);
    } catch (err) {
      await fs.rm(dir, { recursive: true, force: true });
      await ctx.uids?.release(uid);
      throw err;
    }
  }

  private constructor(
    private readonly ctx: SandboxContext,
    private readonly zygote: Zygote,
    readonly uid: number,
    readonly dir: string,
    private readonly server: net.Server,
  ) {
    this.netDir = path.join(dir, 'net');
    this.streams = [this.stdin as PassThrough, this.stdout as PassThrough, this.stderr as PassThrough];
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    // stdin, stdout, stderr: three connections from the clone, each first saying which it is.
    server.on('connection', (socket) => {
      socket.once('data', (first: Buffer) => {
        const fd = first[0] - 0x30;
        const stream = this.streams[fd];
        if (fd < 0 || fd > 2 || !stream) return socket.destroy();
        socket.on('error', () => {});
        if (fd === 0) {
          stream.pipe(socket);
          socket.resume();
        } else {
          if (first.length > 1) stream.write(first.subarray(1));
          // Not ended by the socket: finish() ends it, after a notice that may follow the output.
          socket.pipe(stream, { end: false });
          socket.once('close', () => {
            if (++this.outputsClosed === 2) this.onOutputsClosed?.();
          });
        }
      });
    });
    this.stdin.on('error', () => {});
  }

  /** Nothing is printed before the run starts: a clone has no warm-up of its own. */
  takeEarlyOutput(): Buffer {
    return Buffer.alloc(0);
  }

  assign(request: LaunchRequest): void {
    if (this.killed) return void this.finish(137);
    const spec = {
      uid: this.uid,
      sandboxDir: this.dir,
      runtimeDir: this.ctx.runtimeDir,
      usrLinks: this.ctx.host.usrLinks,
      etcEntries: this.ctx.host.etcEntries,
      sizes: this.ctx.sizes,
      inside: { bin: INSIDE.bin, net: INSIDE.net },
      hostname: SANDBOX_HOSTNAME,
      niceness: SANDBOX_NICENESS,
      request,
    };
    this.zygote.run(spec, {
      pid: (pid) => {
        this.pid = pid;
        if (this.killed) this.kill();
      },
      exit: (code, error, reaped) => {
        if (error) this.notice = error;
        void this.finish(code, reaped);
      },
    });
  }

  async interrupt(): Promise<boolean> {
    const program = await this.program();
    if (program === null) return false;
    try {
      // The program leads its own session and process group, as a shell's foreground job does:
      // its children that stayed in the group get Ctrl-C too.
      process.kill(-program, 'SIGINT');
      return true;
    } catch {
      return false;
    }
  }

  kill(): void {
    this.killed = true;
    if (this.hasExited) return;
    if (this.pid === null) return;
    try {
      // Pid 1 of the run's namespace: every process of the run goes with it.
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** The clone itself: the learner's program is pid 1 of the run's namespace (zygote.py). */
  async program(): Promise<number | null> {
    if (this.pid === null || this.hasExited) return null;
    return this.pid;
  }

  /**
   * `reaped`: the zygote waited for the clone. The clone is pid 1 of the run's pid namespace, and
   * the kernel ends and reaps every other process of a namespace before its pid 1's exit can be
   * waited for, so the run's uid has no process left and the search for leftovers is skipped (a
   * whole /proc scan: most of what a run cost the executor). Any other end is searched.
   */
  private async finish(code: number, reaped = false): Promise<void> {
    if (this.status !== null) return;
    this.status = code;
    // What the program wrote is all in once its sockets close: give them a moment after the exit.
    await Promise.race([
      new Promise<void>((r) => (this.outputsClosed === 2 ? r() : (this.onOutputsClosed = r))),
      new Promise((r) => setTimeout(r, 200)),
    ]);
    // After the output, whichever came first: the clone's sockets closing, or the zygote's end.
    if (this.notice) (this.stderr as PassThrough).write(`${this.notice}\n`);
    for (const s of this.streams) if (!s.writableEnded) s.end();
    this.hasExited = true;
    this.server.close();
    await releaseRun(this.ctx, this.uid, this.dir, { searchLeftovers: !reaped });
    this.resolveExit(code);
  }
}
