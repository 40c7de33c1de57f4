// WARNING: this module runs code typed by strangers on the server. Read the threat model before
// changing anything here or in bwrap-args.ts, inside/launcher.py, host-forwarder.ts or uid-allocator.ts.
// This is the bubblewrap path (JavaScript, and Python when the server is not root); Python runs as
// root come from the zygote instead, whose own threat model is at the top of inside/zygote.py.
//
// THREAT MODEL. The attacker writes the program (Python or JavaScript, and files beside it) and
// types its input. They may try to:
//   - read the server's secrets: its environment, `.playground/` (service passwords, Erlang
//     cookies), /etc/shadow, /root, the project's source;
//   - reach what is not theirs: other learners' services, the services' admin ports, any other
//     loopback port, the host's other daemons, the internet;
//   - disturb other runs and the terminals: signals, ptrace, each other's files;
//   - exhaust the host: CPU, memory, processes (fork bomb), disk, output volume, time;
//   - outlive their run, or run as root.
// Out of scope: kernel exploits (made harder, not impossible: no root, no capabilities, no nested
// user namespaces, no seccomp filter), side channels, and the learner's own services (theirs to
// break; isolating learners from each other there is the services' job).
//
// WHAT CONTAINS A RUN (each point has a test in sandbox.int.test.ts):
//   - bubblewrap with new user, pid, network, ipc, uts and cgroup namespaces, spawned directly AS
//     an unprivileged uid that no other live sandbox has (uid-allocator.ts): no capabilities, its
//     own RLIMIT_NPROC count, and no way to signal or ptrace another run.
//   - an empty environment for bubblewrap itself: /proc/1/environ in the sandbox is bubblewrap's,
//     even with --clearenv, so the server's variables must never reach it.
//   - a minimal read-only filesystem (bwrap-args.ts): /usr without /usr/local, a few /etc files,
//     the launcher, and for JavaScript a copy of the client packages. Never the project, never
//     `.playground/`, never another sandbox's directory. Writable: size-capped tmpfs home, /tmp and
//     /dev/shm, in RAM and gone with the sandbox; the root and /dev are remounted read-only.
//   - a network namespace with only loopback: other ports refuse, outside addresses are
//     unreachable. The learner's endpoints are forwarded through unix sockets served by the
//     server (host-forwarder.ts), which alone decides where a connection goes.
//   - rlimits applied by the launcher before the learner's first line: CPU seconds, writable
//     memory, tasks, file size, open files, no core dumps; Node also gets --max-old-space-size.
//   - limits the server enforces (run-session.ts): wall time, output volume, Ctrl-C then SIGKILL.
//   - teardown: SIGKILL to the sandbox's pid 1 ends every process of its pid namespace;
//     --die-with-parent does the same if the server dies. Then /proc is searched for the uid and
//     anything left is killed before the uid is released for reuse.
//   - --new-session: no controlling terminal of the server's to push keystrokes into (TIOCSTI).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { RunLanguage } from '../../shared/protocol.ts';
import { BWRAP, bwrapArgs, etcFiles, type HostLayout, type TmpfsSizes } from './bwrap-args.ts';
import { childrenOf, processesOfUid, processGroupOf } from './proc-scan.ts';
import { SANDBOX_NICENESS } from './run-limits.ts';
import type { UidAllocator } from './uid-allocator.ts';

/** Output a sandbox may write before a run is attached (only a broken launcher writes then). */
const EARLY_OUTPUT_BYTES = 64 * 1024;
/** A shell's status for a command that could not be run. */
const EXIT_CANNOT_START = 127;
/** How long teardown keeps killing and looking for processes of the uid before it gives up on it. */
const LEFTOVER_TIMEOUT_MS = 2_000;
const LEFTOVER_POLL_MS = 25;

/** What the launcher reads on fd 3: everything about the run that the pooled sandbox did not know. */
export interface LaunchRequest {
  main: string;
  files: { name: string; content: string }[];
  env: Record<string, string>;
  forwards: { port: number; socket: string }[];
  limits: { cpuSeconds: number; memoryBytes: number; processes: number; fileBytes: number; openFiles: number };
  node: { path: string; args: string[] };
}

export interface SandboxContext {
  runtimeDir: string;
  sandboxesDir: string;
  nodeBinary: string;
  host: HostLayout;
  sizes: TmpfsSizes;
  /** Null when the server is not root: every sandbox then runs as the server's own uid. */
  uids: UidAllocator | null;
  log(line: string): void;
}

/** What a run needs of its sandbox: a bubblewrap one (below) or a zygote's clone (zygote.ts). */
export interface RunSandbox {
  readonly language: RunLanguage;
  readonly uid: number;
  /** The forwarded services' unix sockets, served by the server (host-forwarder.ts). */
  readonly netDir: string;
  /** Exit code (128 + N for signal N) once the sandbox is gone and its uid released. */
  readonly exited: Promise<number>;
  readonly hasExited: boolean;
  readonly startError: string | null;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  takeEarlyOutput(): Buffer;
  assign(request: LaunchRequest): void;
  interrupt(): Promise<boolean>;
  kill(): void;
  /** The learner's program, host pid, once it runs; null before then and once the sandbox is gone. */
  program(): Promise<number | null>;
}

let sequence = 0;

export class Sandbox implements RunSandbox {
  readonly language: RunLanguage;
  readonly uid: number;
  /** Host directory with etc/ and net/ (the forwarded services' unix sockets). */
  readonly dir: string;
  readonly netDir: string;
  /** The launcher has done its warm-up (Python's imports) and waits for the request. */
  readonly ready: Promise<boolean>;
  /** Exit code (128 + N for signal N) once the sandbox is gone and its uid released. */
  readonly exited: Promise<number>;
  isReady = false;
  hasExited = false;
  /** Why bubblewrap could not be run at all, if it could not. */
  startError: string | null = null;
  private readonly child: ChildProcess;
  private early: Buffer[] = [];
  private earlyBytes = 0;
  private assigned = false;
  /** The learner's program, host pid, once found (program()). */
  private knownProgram: number | null = null;

  static async start(ctx: SandboxContext, language: RunLanguage): Promise<Sandbox> {
    const uid = ctx.uids ? await ctx.uids.claim() : process.getuid!();
    const dir = path.join(ctx.sandboxesDir, `${process.pid}-${uid}-${++sequence}`);
    try {
      await fs.mkdir(path.join(dir, 'etc'), { recursive: true, mode: 0o711 });
      await fs.mkdir(path.join(dir, 'net'), { mode: 0o711 });
      for (const [name, content] of Object.entries(etcFiles(uid))) {
        await fs.writeFile(path.join(dir, 'etc', name), content, { mode: 0o644 });
      }
      return new Sandbox(ctx, language, uid, dir);
    } catch (err) {
      await fs.rm(dir, { recursive: true, force: true });
      await ctx.uids?.release(uid);
      throw err;
    }
  }

  private constructor(
    private readonly ctx: SandboxContext,
    language: RunLanguage,
    uid: number,
    dir: string,
  ) {
    this.language = language;
    this.uid = uid;
    this.dir = dir;
    this.netDir = path.join(dir, 'net');
    const args = bwrapArgs(
      language,
      { runtimeDir: ctx.runtimeDir, sandboxDir: dir, nodeBinary: ctx.nodeBinary },
      ctx.host,
      ctx.sizes,
      SANDBOX_NICENESS,
    );
    this.child = spawn(BWRAP, args, {
      // Nothing of the server's environment: bubblewrap's own shows as /proc/1/environ inside.
      env: {},
      cwd: '/',
      ...(ctx.uids ? { uid, gid: uid } : {}),
      // A process group and session of its own, apart from the server's terminal.
      detached: true,
      // stdin, stdout, stderr, the request (fd 3), the launcher's "ready" (fd 4).
      stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    const readyPipe = this.child.stdio[4] as Readable;
    this.ready = new Promise<boolean>((resolve) => {
      readyPipe.once('data', () => {
        this.isReady = true;
        resolve(true);
      });
      readyPipe.once('close', () => resolve(this.isReady));
    });
    readyPipe.resume();
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        if (this.assigned || this.earlyBytes >= EARLY_OUTPUT_BYTES) return;
        this.early.push(chunk);
        this.earlyBytes += chunk.length;
      });
    }
    // A write to a program that already closed its stdin is not an error worth a crash.
    for (const fd of [0, 3]) (this.child.stdio[fd] as Writable).on('error', () => {});
    this.exited = new Promise<number>((resolve) => {
      const finish = (status: number) => {
        if (this.hasExited) return;
        this.hasExited = true;
        void this.teardown().then(() => resolve(status));
      };
      this.child.once('error', (err) => {
        this.startError = `cannot run ${BWRAP}: ${err.message}`;
        ctx.log(`sandbox: ${this.startError}`);
        // A spawn that failed never closes; one that ran does, with its status.
        if (this.child.pid === undefined) finish(EXIT_CANNOT_START);
      });
      this.child.once('close', (code, signal) => {
        finish(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0));
      });
    });
  }

  get stdin(): Writable {
    return this.child.stdin!;
  }
  get stdout(): Readable {
    return this.child.stdout!;
  }
  get stderr(): Readable {
    return this.child.stderr!;
  }

  /** Output written before the run was assigned (a launcher that failed to start says why here). */
  takeEarlyOutput(): Buffer {
    this.assigned = true;
    const out = Buffer.concat(this.early);
    this.early = [];
    return out;
  }

  /** Hands the run to the launcher. A sandbox serves exactly one run. */
  assign(request: LaunchRequest): void {
    this.assigned = true;
    const pipe = this.child.stdio[3] as Writable;
    pipe.end(JSON.stringify(request));
  }

  /**
   * Ctrl-C: SIGINT to the program's process group, as a terminal sends it to the foreground job.
   * The forwarder has a session of its own and is not touched. False if there is no program yet.
   */
  async interrupt(): Promise<boolean> {
    const program = await this.programPid();
    const group = program === null ? null : await processGroupOf(program);
    if (group === null || this.hasExited) return false;
    try {
      process.kill(-group, 'SIGINT');
      return true;
    } catch {
      return false;
    }
  }

  /** Ends every process of the sandbox. Safe to call at any time, any number of times. */
  kill(): void {
    const pid = this.child.pid;
    if (this.hasExited || pid === undefined) return;
    void childrenOf(pid).then((kids) => {
      if (this.hasExited) return;
      // pid 1 of the namespace: its death takes every process of the sandbox along. bubblewrap
      // too, so nothing waits on --die-with-parent; teardown() then checks that all are gone.
      if (kids[0] !== undefined) killQuietly(kids[0]);
      killQuietly(pid);
    });
  }

  async program(): Promise<number | null> {
    if (this.hasExited) return null;
    // The launcher becomes the program (Node by exec): the pid stays once found.
    this.knownProgram ??= await this.programPid();
    return this.knownProgram;
  }

  /** The learner's program (the launcher, or Node after it): pid 2 of the sandbox, host numbering. */
  private async programPid(): Promise<number | null> {
    if (this.child.pid === undefined) return null;
    const init = (await childrenOf(this.child.pid))[0];
    if (init === undefined) return null;
    return (await childrenOf(init))[0] ?? null;
  }

  private teardown(): Promise<void> {
    return releaseRun(this.ctx, this.uid, this.dir);
  }
}

/**
 * Nothing of a run may outlive it (either path): look for its uid's processes, kill them, remove its
 * host directory, then free the uid. A uid that keeps processes past LEFTOVER_TIMEOUT_MS stays claimed.
 * `searchLeftovers: false` only when the kernel has already ended every process of the run (a
 * zygote clone's pid namespace, see zygote.ts).
 */
export async function releaseRun(
  ctx: SandboxContext,
  uid: number,
  dir: string,
  { searchLeftovers } = { searchLeftovers: true },
): Promise<void> {
  if (ctx.uids && searchLeftovers) {
    const deadline = Date.now() + LEFTOVER_TIMEOUT_MS;
    for (;;) {
      const left = await processesOfUid(uid);
      if (left.length === 0) break;
      if (Date.now() > deadline) {
        ctx.log(`sandbox: uid ${uid} still has processes ${left.join(' ')}; the uid stays claimed`);
        await fs.rm(dir, { recursive: true, force: true });
        return;
      }
      left.forEach(killQuietly);
      await new Promise((r) => setTimeout(r, LEFTOVER_POLL_MS));
    }
  }
  await fs.rm(dir, { recursive: true, force: true });
  await ctx.uids?.release(uid);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
