// The executor on this machine, started and watched by the web server like a service
// (services/process/): restarted at once when it dies, its state on /api/health. Or, when
// PLAYGROUND_EXECUTOR names one elsewhere, only a client of that one (docs/scaling.md).
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SupervisedProcess } from '../services/process/supervised-process.ts';
import { withTimeout } from '../util/async.ts';
import { connectTo, parseExecutorAddress, type ExecutorAddress } from './address.ts';
import { ExecutorClient } from './client.ts';
import type { ExecutorOptions } from './main.ts';
import { EXECUTOR_PROTOCOL_VERSION, encodeFrame, frameReader, fromExecutorSchema } from './protocol.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EXECUTOR_MAIN = path.join(HERE, 'main.ts');
/** The TypeScript loader the executor runs under, as the web server does (`tsx`). */
const TSX_LOADER = createRequire(import.meta.url).resolve('tsx');

/** Its start: a Node process, the runner's work directory, the zygote's imports (seconds on a busy machine). */
const START_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 50;
/** After a death: at once, so the next run waits the shortest; doubling if it keeps dying young. */
const RESTART_BACKOFF_MS = 50;

export interface ExecutorState {
  /** Where the web server reaches it. */
  address: string;
  /** Started by this server (and restarted when it dies), or one elsewhere it only connects to. */
  supervised: boolean;
  state: 'up' | 'starting' | 'down' | 'failed';
  pid: number | null;
  restarts: number;
  /** Why it last went down, or failed. */
  lastProblem: string | null;
}

export interface Executor {
  client: ExecutorClient;
  state(): ExecutorState;
  /** Resolves once it answers (a supervised one); throws when it cannot be started. */
  started: Promise<void>;
  stop(): Promise<void>;
}

export interface ExecutorSetup {
  /** The runner's work directory; the socket of a supervised executor lives in it. */
  workDir: string;
  /** PLAYGROUND_EXECUTOR: an executor started elsewhere (host:port or a socket path). */
  remote?: string;
  /** PLAYGROUND_EXECUTOR_TOKEN: the remote one's shared secret. */
  token?: string;
  /** The runner's settings for a supervised executor. */
  options?: ExecutorOptions;
  /** Environment the executor reads (PLAYGROUND_RUN_SLOTS). */
  env?: Record<string, string>;
  fillAfter?: Promise<unknown>;
  log: (line: string) => void;
}

export function startExecutor(setup: ExecutorSetup): Executor {
  if (setup.remote) return remoteExecutor(setup, parseExecutorAddress(setup.remote));
  const address: ExecutorAddress = { kind: 'unix', path: path.join(setup.workDir, 'executor.sock') };
  let restarts = 0;
  let state: ExecutorState['state'] = 'starting';
  let lastProblem: string | null = null;
  const process_ = new SupervisedProcess({
    spec: {
      command: process.execPath,
      stopSignal: 'SIGTERM',
      prepare: async () => {
        await fs.mkdir(setup.workDir, { recursive: true });
        return {
          args: [
            '--import',
            TSX_LOADER,
            EXECUTOR_MAIN,
            '--listen',
            address.path,
            '--work-dir',
            setup.workDir,
            '--options',
            JSON.stringify(setup.options ?? {}),
            '--parent',
            String(process.pid),
          ],
          env: setup.env,
        };
      },
      probe: () => probe(address),
    },
    cwd: path.resolve(HERE, '../..'),
    logFile: path.join(setup.workDir, 'executor.log'),
    pidFile: path.join(setup.workDir, 'executor.pid'),
    startTimeoutMs: START_TIMEOUT_MS,
    readyPollMs: READY_POLL_MS,
    restartBackoffMs: RESTART_BACKOFF_MS,
    onDown: (reason) => {
      state = 'down';
      restarts++;
      lastProblem = reason;
      setup.log(`executor: ${reason}; starting it again`);
    },
    onUp: () => {
      state = 'up';
    },
    onFailed: (reason) => {
      state = 'failed';
      lastProblem = reason;
      setup.log(`executor: gave up restarting it: ${reason}`);
    },
  });
  const started = process_.start().then(
    () => {
      state = 'up';
    },
    (err: unknown) => {
      state = 'failed';
      lastProblem = (err as Error).message;
      throw err;
    },
  );
  started.catch(() => {});
  const client = new ExecutorClient({
    address,
    fillAfter: setup.fillAfter,
    log: setup.log,
    // Runs asked for while it starts (or restarts) wait for it rather than fail.
    whenUp: async () => {
      if (state === 'failed') throw new Error(lastProblem ?? 'it could not be started');
      if (process_.launch === null) throw new Error('it is starting');
    },
  });
  return {
    client,
    started,
    state: () => ({
      address: client.address,
      supervised: true,
      state,
      pid: process_.pid ?? null,
      restarts,
      lastProblem,
    }),
    async stop() {
      await client.close();
      await process_.stop();
    },
  };
}

function remoteExecutor(setup: ExecutorSetup, address: ExecutorAddress): Executor {
  const client = new ExecutorClient({
    address,
    token: setup.token,
    // On another machine it cannot reach this one's loopback services: they come through the connection.
    tunnel: address.kind === 'tcp',
    fillAfter: setup.fillAfter,
    log: setup.log,
  });
  let lastProblem: string | null = null;
  const started = probe(address, setup.token).catch((err: unknown) => {
    lastProblem = (err as Error).message;
    throw err;
  });
  started.catch(() => {});
  return {
    client,
    started,
    state: () => ({
      address: client.address,
      supervised: false,
      state: client.executorPid !== null ? 'up' : lastProblem ? 'down' : 'starting',
      pid: client.executorPid,
      restarts: 0,
      lastProblem,
    }),
    stop: () => client.close(),
  };
}

/** Connects, says hello, and waits for the welcome. */
function probe(address: ExecutorAddress, token?: string): Promise<void> {
  const socket = connectTo(address);
  const answered = new Promise<void>((resolve, reject) => {
    socket.on(
      'data',
      frameReader(
        fromExecutorSchema,
        (frame) =>
          frame.t === 'welcome' ? resolve() : reject(new Error(frame.t === 'denied' ? frame.message : frame.t)),
        reject,
      ),
    );
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before welcome')));
    socket.once('connect', () =>
      socket.write(encodeFrame({ t: 'hello', version: EXECUTOR_PROTOCOL_VERSION, token, tunnel: false, fill: false })),
    );
  });
  return withTimeout(answered, 5_000, 'no welcome within 5 s').finally(() => socket.destroy());
}
