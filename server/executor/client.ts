// The web server's side of the executor protocol (protocol.ts): the SnippetRunner the socket layer
// uses, with every run carried out by an executor process, on this machine or another. It starts
// nothing itself. When the connection is lost (the executor died, or was restarted), each run in
// flight ends with a notice and exit 137, and the next run connects again.
import net from 'node:net';
import type { PlaygroundSnippetRunner } from '../runner/index.ts';
import { noticeLine, EXIT_KILLED } from '../runner/exit-notice.ts';
import { hintContext, hintTable, withHints } from '../runner/hints.ts';
import { buildRunNetwork, type Forward } from '../runner/run-network.ts';
import { SERVICES } from '../services/registry.ts';
import type { ServiceId } from '../services/endpoint.ts';
import { portServices } from '../runner/wire-tap.ts';
import type { Run, RunOutput, RunRequest } from '../runner/types.ts';
import { sleep } from '../util/async.ts';
import { errorText } from '../util/errors.ts';
import { YieldingQueue } from '../util/yielding-queue.ts';
import { addressText, connectTo, type ExecutorAddress } from './address.ts';
import {
  EXECUTOR_PROTOCOL_VERSION,
  encodeFrame,
  fromExecutorSchema,
  frameReader,
  type FromExecutor,
  type ToExecutor,
} from './protocol.ts';
import { Tunnel } from './tunnel.ts';

/** How long a run waits for an executor that is not answering (starting, restarting) before it fails. */
export const EXECUTOR_WAIT_MS = 30_000;
/** Between attempts to reach it meanwhile. */
const RECONNECT_EVERY_MS = 100;
/**
 * The executor's frames are handled for at most this long per event-loop turn, after the turn's
 * I/O (the terminals'), and its socket is paused past RUN_FRAMES_HIGH_WATER unread chunks.
 */
const RUN_FRAMES_BUDGET_MS = 4;
const RUN_FRAMES_HIGH_WATER = 256;
/** The hello must be answered within this. */
const HELLO_TIMEOUT_MS = 5_000;

/** Every service's hint rows, then the generic ones. */
const HINTS = hintTable(SERVICES);

export const EXECUTOR_LOST = 'the executor ended during the run; run it again';
/** Shown in a run's pane when reaching the executor takes longer than EXECUTOR_NOTICE_AFTER_MS. */
export const EXECUTOR_WAITING = 'waiting for the executor (it runs the snippets) to start again; this run starts then';
const EXECUTOR_NOTICE_AFTER_MS = 300;

export interface ExecutorClientOptions {
  address: ExecutorAddress;
  token?: string;
  /** Carry the runs' connections to their services through this connection (an executor on another machine). */
  tunnel?: boolean;
  /** Resolves when the executor should be asked (the supervised one has answered its probe). */
  whenUp?: () => Promise<void>;
  /** The warm pools fill once this settles (the services are up). */
  fillAfter?: Promise<unknown>;
  log?: (line: string) => void;
}

interface Pending {
  /** The connection the run went over: only its loss ends the run. */
  link: Link;
  output: RunOutput;
  forwards: Forward[];
  /** Which service each inside port reaches: names a traced run's chunks. */
  servicesAt: Map<number, ServiceId>;
  started: boolean;
  resolve(value: { run: Run & { uid: number }; env: Record<string, string> }): void;
  reject(err: Error): void;
}

class Link {
  readonly tunnel: Tunnel;
  constructor(
    readonly socket: net.Socket,
    readonly pid: number,
  ) {
    this.tunnel = new Tunnel((frame) => this.send(frame));
  }
  send(frame: ToExecutor): void {
    if (!this.socket.destroyed) this.socket.write(encodeFrame(frame));
  }
}

export class ExecutorClient implements PlaygroundSnippetRunner {
  private link: Link | null = null;
  private connecting: Promise<Link> | null = null;
  private readonly runs = new Map<number, Pending>();
  private readonly warmWaiters = new Map<number, { link: Link; resolve: () => void }>();
  private nextId = 1;
  private closed = false;
  private filled = false;
  private lastLoad = { busy: 0, live: 0, queued: 0 };
  private readonly log: (line: string) => void;

  constructor(private readonly options: ExecutorClientOptions) {
    this.log = options.log ?? ((line) => console.log(line));
    void Promise.resolve(options.fillAfter)
      .catch(() => {})
      .then(() => {
        this.filled = true;
        this.link?.send({ t: 'fill' });
      });
  }

  get address(): string {
    return addressText(this.options.address);
  }

  /** The executor's pid while connected (for tests that kill it). */
  get executorPid(): number | null {
    return this.link?.pid ?? null;
  }

  load(): { busy: number; live: number; queued: number } {
    return this.lastLoad;
  }

  async start(
    request: RunRequest,
    output: RunOutput,
  ): Promise<{ run: Run & { uid: number }; env: Record<string, string> }> {
    if (this.closed) throw new Error('the snippet runner is shut down');
    // The web server decides what the run can reach: the executor gets the finished plan (and a
    // bad endpoint is the caller's error here, not a lost run there).
    const network = buildRunNetwork(request.endpoints, SERVICES);
    output = withHints(output, HINTS, hintContext(request.language, network, SERVICES));
    const link = await this.linkFor(output);
    // The pane closed while the executor was being reached: nothing to start.
    if (request.signal?.aborted) throw new Error('given up before it started');
    const id = this.nextId++;
    const started = new Promise<{ run: Run & { uid: number }; env: Record<string, string> }>((resolve, reject) => {
      this.runs.set(id, {
        link,
        output,
        forwards: network.forwards,
        servicesAt: portServices(network),
        started: false,
        resolve,
        reject,
      });
    });
    const { signal } = request;
    const giveUp = () => link.send({ t: 'kill', id, reason: 'given up while waiting' });
    signal?.addEventListener('abort', giveUp, { once: true });
    link.send({
      t: 'start',
      id,
      run: {
        language: request.language,
        code: request.code,
        name: request.name,
        files: request.files,
        network: { env: network.env, forwards: network.forwards },
        learner: request.learner,
        cols: request.cols,
        rows: request.rows,
        trace: request.trace,
      },
    });
    try {
      return await started;
    } finally {
      signal?.removeEventListener('abort', giveUp);
    }
  }

  /** Resolves once the executor's warm interpreters are ready. */
  async warm(): Promise<void> {
    const link = await this.connect();
    const id = this.nextId++;
    await new Promise<void>((resolve) => {
      this.warmWaiters.set(id, { link, resolve });
      link.send({ t: 'warm', id });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const link = this.link;
    if (!link) return;
    // Every run ends as the executor reports it, as an in-process runner's close() does.
    const ends = [...this.runs.values()].map(
      (p) => new Promise<void>((resolve) => (p.output = wrapExit(p.output, resolve))),
    );
    for (const id of this.runs.keys()) link.send({ t: 'kill', id, reason: 'the server is shutting down' });
    await Promise.race([Promise.all(ends), sleep(5_000)]);
    link.socket.destroy();
  }

  /** The connection for a run, telling its pane when reaching the executor takes a while. */
  private async linkFor(output: RunOutput): Promise<Link> {
    if (this.link && !this.link.socket.destroyed) return this.link;
    const notice = setTimeout(() => output.write(noticeLine(EXECUTOR_WAITING)), EXECUTOR_NOTICE_AFTER_MS);
    try {
      return await this.connect();
    } finally {
      clearTimeout(notice);
    }
  }

  private connect(): Promise<Link> {
    if (this.link && !this.link.socket.destroyed) return Promise.resolve(this.link);
    this.connecting ??= this.reach().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async reach(): Promise<Link> {
    const deadline = Date.now() + EXECUTOR_WAIT_MS;
    let lastError: unknown;
    while (!this.closed) {
      try {
        await this.options.whenUp?.();
        const link = await this.handshake();
        this.link = link;
        return link;
      } catch (err) {
        lastError = err;
        if (err instanceof Denied) break;
      }
      if (Date.now() > deadline) break;
      await sleep(RECONNECT_EVERY_MS);
    }
    throw new Error(`the executor at ${this.address} is not answering: ${errorText(lastError ?? 'shut down')}`);
  }

  private handshake(): Promise<Link> {
    return new Promise<Link>((resolve, reject) => {
      const socket = connectTo(this.options.address);
      let link: Link | null = null;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer to hello within ${HELLO_TIMEOUT_MS} ms`));
      }, HELLO_TIMEOUT_MS);
      const onFrame = (frame: FromExecutor) => {
        if (!link) {
          clearTimeout(timer);
          if (frame.t === 'welcome') {
            link = new Link(socket, frame.pid);
            this.lastLoad = frame.load;
            resolve(link);
          } else {
            socket.destroy();
            reject(
              frame.t === 'denied' ? new Denied(frame.message) : new Error(`unexpected ${frame.t} before welcome`),
            );
          }
          return;
        }
        this.onFrame(link, frame);
      };
      const read = frameReader(fromExecutorSchema, onFrame, (message) => {
        this.log(`executor: dropping the connection: ${message}`);
        socket.destroy();
      });
      // Terminal traffic goes first: the executor's frames are read after the turn's other I/O,
      // a few milliseconds' worth at a time, and the executor waits while they pile up.
      // The close comes through the same queue, after the last frames before it (their exits).
      const closed = () => {
        clearTimeout(timer);
        if (!link) return reject(new Error('closed before welcome'));
        this.lost(link);
      };
      const inbox = new YieldingQueue<Buffer | null>(
        (chunk) => (chunk ? read(chunk) : closed()),
        RUN_FRAMES_BUDGET_MS,
        RUN_FRAMES_HIGH_WATER,
        (full) => (full ? socket.pause() : socket.resume()),
      );
      socket.on('data', (chunk: Buffer) => inbox.push(chunk));
      socket.once('connect', () => {
        const hello: ToExecutor = {
          t: 'hello',
          version: EXECUTOR_PROTOCOL_VERSION,
          tunnel: this.options.tunnel ?? false,
          fill: this.filled,
        };
        if (this.options.token) hello.token = this.options.token;
        socket.write(encodeFrame(hello));
      });
      socket.on('error', (err) => {
        clearTimeout(timer);
        if (!link) reject(err);
      });
      socket.once('close', () => inbox.push(null));
    });
  }

  private onFrame(link: Link, frame: FromExecutor): void {
    switch (frame.t) {
      case 'welcome':
      case 'denied':
        return;
      case 'load':
        this.lastLoad = frame.load;
        return;
      case 'warmed':
        this.warmWaiters.get(frame.id)?.resolve();
        this.warmWaiters.delete(frame.id);
        return;
      case 'dial':
        return this.dial(link, frame.conn, frame.id, frame.port);
      case 'data':
      case 'end':
      case 'close':
        return link.tunnel.receive(frame);
      default:
        return this.toRun(link, frame);
    }
  }

  private toRun(link: Link, frame: Extract<FromExecutor, { id: number }>): void {
    const pending = this.runs.get(frame.id);
    if (!pending) return;
    switch (frame.t) {
      case 'queued':
        return pending.output.queued?.(frame.ahead);
      case 'started':
        pending.started = true;
        return pending.resolve({ run: this.handle(link, frame.id, frame.uid), env: frame.env });
      case 'refused':
        this.runs.delete(frame.id);
        return pending.reject(new Error(frame.message));
      case 'output':
        return pending.output.write(frame.text);
      case 'wire':
        return pending.output.wire?.(
          frame.chunks.map((c) => ({
            conn: c.c,
            port: c.p,
            kind: c.k,
            dir: c.d,
            t: c.ms,
            service: pending.servicesAt.get(c.p),
            ...(c.b === undefined ? {} : { bytes: Buffer.from(c.b, 'base64') }),
          })),
        );
      case 'waiting':
        return pending.output.waiting?.(frame.on);
      case 'exit':
        this.runs.delete(frame.id);
        return pending.output.exit(frame.code);
      default:
        return;
    }
  }

  private handle(link: Link, id: number, uid: number): Run & { uid: number } {
    return {
      uid,
      input: (data) => link.send({ t: 'input', id, data }),
      interrupt: () => link.send({ t: 'interrupt', id }),
      kill: (reason) => link.send({ t: 'kill', id, reason }),
      resize: (cols, rows) => link.send({ t: 'resize', id, cols, rows }),
    };
  }

  /** A run on a tunnelled executor opened a connection: to its own service on that port, or nowhere. */
  private dial(link: Link, conn: number, id: number, port: number): void {
    const forward = this.runs.get(id)?.forwards.find((f) => f.port === port);
    if (!forward) return link.send({ t: 'close', conn });
    const socket = net.connect({ host: forward.host, port: forward.targetPort, allowHalfOpen: true });
    socket.setNoDelay(true);
    link.tunnel.attach(conn, socket);
  }

  private lost(link: Link): void {
    if (this.link === link) this.link = null;
    link.tunnel.closeAll();
    // Only what went over this connection: a newer one may be up already.
    for (const [id, waiter] of this.warmWaiters) {
      if (waiter.link !== link) continue;
      this.warmWaiters.delete(id);
      waiter.resolve();
    }
    const runs = [...this.runs].filter(([, p]) => p.link === link);
    for (const [id] of runs) this.runs.delete(id);
    for (const [, p] of runs) {
      if (p.started) {
        p.output.write(noticeLine(EXECUTOR_LOST));
        p.output.exit(EXIT_KILLED);
      } else {
        p.reject(new Error('the executor ended before the run started; run it again'));
      }
    }
    if (this.link === null) this.lastLoad = { busy: 0, live: 0, queued: 0 };
    if (!this.closed && runs.length > 0) this.log(`executor: connection lost; ${runs.length} run(s) ended`);
  }
}

class Denied extends Error {}

function wrapExit(output: RunOutput, onExit: () => void): RunOutput {
  return {
    write: (text) => output.write(text),
    exit: (code) => {
      output.exit(code);
      onExit();
    },
    waiting: (on) => output.waiting?.(on),
    queued: (ahead) => output.queued?.(ahead),
    wire: (chunks) => output.wire?.(chunks),
  };
}
