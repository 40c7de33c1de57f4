// The snippet runner: Python and JavaScript programs run against the learner's own services, each
// in a sandbox of its own (see sandbox.ts for the threat model), with a warm pool for speed. Runs
// past the machine's slots wait in a queue that takes learners in turn (run-queue.ts).
//
//   const runner = await createSnippetRunner({ workDir: '.playground/runner' });
//   const { run, env } = await runner.start({ language: 'python', code, files: [], endpoints }, output);
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MAIN_FILE, runSchema, type RunLanguage } from '../../shared/protocol.ts';
import { BWRAP, INSIDE, INSIDE_PATH, PYTHON } from './bwrap-args.ts';
import { openHostForwarder, socketName } from './host-forwarder.ts';
import { RunWireTap, portServices } from './wire-tap.ts';
import {
  DEFAULT_LIMITS,
  DEFAULT_MAX_CONCURRENT_RUNS,
  DEFAULT_MAX_QUEUE_WAIT_MS,
  DEFAULT_POOL_SIZE,
  DEFAULT_QUEUED_PER_LEARNER,
  DEFAULT_RUN_SLOTS,
  DEFAULT_RUN_SLOTS_PER_LEARNER,
  DEFAULT_UID_RANGE,
  looksLongRunning,
  type RunLimits,
} from './run-limits.ts';
import { buildRunNetwork, socketForward, type Forward, type RunNetwork } from './run-network.ts';
import { RunQueue, type RunQueueLimits } from './run-queue.ts';
import { RunSession } from './run-session.ts';
import { prepareRuntime } from './runtime-dir.ts';
import { Sandbox, type LaunchRequest, type RunSandbox, type SandboxContext } from './sandbox.ts';
import { SandboxPool } from './sandbox-pool.ts';
import type { Run, RunOutput, RunRequest, SnippetRunner } from './types.ts';
import { UidAllocator } from './uid-allocator.ts';
import { Zygote, ZygoteSandbox } from './zygote.ts';

export type { Run, RunOutput, RunRequest, SnippetRunner } from './types.ts';

export interface SnippetRunnerOptions extends Partial<RunLimits> {
  /** A per-installation directory (e.g. `.playground/runner`); its parents must let others pass (o+x). */
  workDir: string;
  /** Warm sandboxes kept per language; 0 turns the pool off for that language. */
  poolSize?: Partial<Record<RunLanguage, number>>;
  /**
   * Where Python runs come from: clones of a zygote (zygote.ts; as root only) or the pool of
   * bubblewrap sandboxes, which JavaScript always uses. Default: the zygote when root.
   */
  python?: 'zygote' | 'pool';
  /** Runs alive at once (DEFAULT_MAX_CONCURRENT_RUNS); the queue's other bounds are in `queue`. */
  maxConcurrentRuns?: number;
  queue?: Partial<Omit<RunQueueLimits, 'live'>>;
  /** Start warming the pool once this settles (e.g. when the services are up). */
  fillPoolAfter?: Promise<unknown>;
  uidRange?: { first: number; count: number };
  log?: (line: string) => void;
}

/** The runner itself, with what benchmarks and tests need beyond the SnippetRunner interface. */
export interface PlaygroundSnippetRunner extends SnippetRunner {
  start(request: RunRequest, output: RunOutput): Promise<{ run: Run & { uid: number }; env: Record<string, string> }>;
  /** Resolves once the warm pool is full (or has given up). */
  warm(): Promise<void>;
  load(): { busy: number; live: number; queued: number };
}

const MIB = 1024 * 1024;
/** Without these no run can start; scripts/setup.mjs installs them (and Python's client libraries). */
const REQUIRED_BINARIES = [
  [BWRAP, 'bubblewrap'],
  [PYTHON, 'python3'],
] as const;

export async function createSnippetRunner(options: SnippetRunnerOptions): Promise<PlaygroundSnippetRunner> {
  const log = options.log ?? ((line: string) => console.log(line));
  const limits: RunLimits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof RunLimits)[]) {
    if (options[key] !== undefined) limits[key] = options[key];
  }
  for (const [file, pkg] of REQUIRED_BINARIES) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing; install it with: sudo apt-get install ${pkg}`);
  }
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    log(
      "runner: not running as root, so every sandbox runs as the server's own uid and the per-run process limit is off",
    );
  }
  const runtime = await prepareRuntime(path.resolve(options.workDir), isRoot);
  const range = options.uidRange ?? DEFAULT_UID_RANGE;
  const ctx: SandboxContext = {
    ...runtime,
    sizes: { homeBytes: limits.homeBytes, tmpBytes: limits.tmpBytes },
    uids: isRoot ? new UidAllocator(range.first, range.count) : null,
    log,
  };
  const zygote = isRoot && options.python !== 'pool' ? new Zygote(ctx.runtimeDir, log) : null;
  const pool = new SandboxPool(
    (language) => Sandbox.start(ctx, language),
    { ...DEFAULT_POOL_SIZE, ...options.poolSize, ...(zygote ? { python: 0 } : {}) },
    log,
  );
  // Filling the pool costs a few CPU-seconds of interpreter start-up: wait, when asked, until the
  // services have booted (RabbitMQ's boot is CPU-bound too), so start-up is not slowed by it.
  void Promise.resolve(options.fillPoolAfter)
    .catch(() => {})
    .then(() => pool.fill());
  const queue = new RunQueue({
    slots: DEFAULT_RUN_SLOTS,
    perLearner: DEFAULT_RUN_SLOTS_PER_LEARNER,
    queuedPerLearner: DEFAULT_QUEUED_PER_LEARNER,
    maxWaitMs: DEFAULT_MAX_QUEUE_WAIT_MS,
    ...options.queue,
    live: options.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS,
  });
  const runs = new Set<RunSession>();
  let closed = false;

  return {
    async start(request, output) {
      if (closed) throw new Error('the snippet runner is shut down');
      const main = checkRequest(request);
      const network = request.network ?? (await planNetwork(request.endpoints));
      const wire = request.trace ? output.wire : undefined;
      const servicesAt = portServices(network);
      const tap = wire
        ? new RunWireTap((chunks) =>
            wire.call(
              output,
              chunks.map((c) => ({ ...c, service: servicesAt.get(c.port) })),
            ),
          )
        : undefined;
      if (tap) output = flushingBeforeExit(output, tap);
      const ticket = queue.enter(request.learner ?? '', (ahead) => output.queued?.(ahead));
      const cancel = () => ticket.release();
      request.signal?.addEventListener('abort', cancel, { once: true });
      let sandbox: RunSandbox | undefined;
      try {
        await ticket.admitted;
        request.signal?.removeEventListener('abort', cancel);
        if (closed) throw new Error('the snippet runner is shut down');
        sandbox =
          request.language === 'python' && zygote
            ? await ZygoteSandbox.start(ctx, zygote)
            : await pool.take(request.language);
        const forwarder = await openHostForwarder(sandbox.netDir, network.forwards, request.dial, tap);
        if (closed) {
          // close() ran while this run was starting: it never saw it, so it is dropped here.
          await forwarder.close();
          throw new Error('the snippet runner is shut down');
        }
        // The editor sends every open file of the language along; only the ones the main file
        // names (imports, requires) decide whether this run is a long-lived consumer.
        const named = request.files.filter((f) => request.code.includes(f.name.replace(/\.[^.]+$/, '')));
        const sources = [request.code, ...named.map((f) => f.content)];
        const session = new RunSession(sandbox, forwarder, output, limits, looksLongRunning(sources), (busy) =>
          busy ? ticket.busy() : ticket.idle(),
        );
        session.start(launchRequest(request, main, network.env, network.forwards, limits, isRoot));
        runs.add(session);
        void session.ended.then(() => {
          runs.delete(session);
          ticket.release();
        });
        return { run: session, env: network.env };
      } catch (err) {
        sandbox?.kill();
        ticket.release();
        throw err;
      } finally {
        request.signal?.removeEventListener('abort', cancel);
      }
    },

    async close() {
      closed = true;
      for (const run of runs) run.kill('the server is shutting down');
      await Promise.all([...[...runs].map((r) => r.ended), pool.close()]);
      zygote?.close();
    },

    warm: async () => {
      await Promise.all([pool.warm(), zygote?.ready()]);
    },

    load: () => ({ busy: queue.busy, live: queue.live, queued: queue.queued }),
  };
}

/**
 * The variables and forwards for a caller in this process (a test, a bench). The registry is
 * loaded only then: an executor is handed the plan with each run and never loads the services.
 */
async function planNetwork(endpoints: RunRequest['endpoints']): Promise<RunNetwork> {
  const { SERVICES } = await import('../services/registry.ts');
  return buildRunNetwork(endpoints, SERVICES);
}

/**
 * The request as the protocol's own schema checks a run frame (shared/protocol.ts): the socket
 * layer has parsed it already, but the runner is the sandbox's door and may be called by other
 * code (tests, benches), so it asks the same one definition again. Answers the main file's name.
 */
function checkRequest(request: RunRequest): string {
  const result = runSchema.safeParse({
    language: request.language,
    code: request.code,
    name: request.name,
    files: request.files,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`bad run request: ${issue.path.length ? `"${issue.path.join('.')}": ` : ''}${issue.message}`);
  }
  return request.name ?? DEFAULT_MAIN_FILE[request.language];
}

function launchRequest(
  request: RunRequest,
  main: string,
  serviceEnv: Record<string, string>,
  forwards: Forward[],
  limits: RunLimits,
  isRoot: boolean,
): LaunchRequest {
  const env: Record<string, string> = {
    HOME: INSIDE.home,
    USER: 'learner',
    LOGNAME: 'learner',
    PATH: INSIDE_PATH,
    LANG: 'C.UTF-8',
    TMPDIR: '/tmp',
    // Not a terminal (a pipe), but programs that size their output can ask.
    COLUMNS: String(request.cols ?? 80),
    LINES: String(request.rows ?? 24),
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    ...serviceEnv,
  };
  return {
    main,
    files: [{ name: main, content: request.code }, ...request.files],
    env,
    forwards: forwards.map((f) => ({
      port: f.port,
      socket: `${INSIDE.net}/${socketName(socketForward(forwards, f).port)}`,
    })),
    limits: {
      cpuSeconds: limits.cpuSeconds,
      memoryBytes: limits.memoryBytes,
      // As the server's own uid (not root), the count would include all of its processes.
      processes: isRoot ? limits.maxProcesses : 0,
      fileBytes: limits.fileBytes,
      openFiles: limits.openFiles,
    },
    node: {
      path: INSIDE.node,
      // V8's heap stays well inside the writable-memory limit, so Node reports "heap out of
      // memory" before an allocation fails somewhere it cannot explain.
      args: [`--max-old-space-size=${Math.floor(limits.memoryBytes / 2 / MIB)}`],
    },
  };
}

/** A traced run's last chunks go out before its exit does. */
function flushingBeforeExit(output: RunOutput, tap: RunWireTap): RunOutput {
  return {
    write: (text) => output.write(text),
    exit: (code) => {
      tap.flush();
      output.exit(code);
    },
    waiting: (on) => output.waiting?.(on),
    queued: (ahead) => output.queued?.(ahead),
    wire: (chunks) => output.wire?.(chunks),
  };
}
