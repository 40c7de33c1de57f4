// The executor's side of its protocol (protocol.ts): each connection is a web server, each of its
// `start` frames one run of the runner in this process. A connection that goes away takes its runs
// with it, as a closed page does.
import fs from 'node:fs/promises';
import net from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { PlaygroundSnippetRunner } from '../runner/index.ts';
import type { Run } from '../runner/types.ts';
import { errorText } from '../util/errors.ts';
import type { ExecutorAddress } from './address.ts';
import {
  EXECUTOR_PROTOCOL_VERSION,
  LOAD_EVERY_MS,
  encodeFrame,
  frameReader,
  toExecutorSchema,
  type FromExecutor,
  type ToExecutor,
} from './protocol.ts';
import { Tunnel } from './tunnel.ts';

export interface ExecutorServer {
  /** Where it listens (with the port the system chose, for port 0). */
  address: ExecutorAddress;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Required of every connection when listening on TCP (PLAYGROUND_EXECUTOR_TOKEN). */
  token?: string;
  /** Called once, when the first web server says the services are up: the warm pools fill then. */
  fill(): void;
  log(line: string): void;
}

export async function serveExecutor(
  runner: PlaygroundSnippetRunner,
  address: ExecutorAddress,
  options: ServeOptions,
): Promise<ExecutorServer> {
  if (address.kind === 'tcp' && !options.token) {
    throw new Error(
      'an executor listening on TCP needs a token (PLAYGROUND_EXECUTOR_TOKEN): anyone who reaches it could run code',
    );
  }
  const connections = new Set<Connection>();
  const server = net.createServer((socket) => {
    const connection = new Connection(socket, runner, options);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  });
  if (address.kind === 'unix') await fs.rm(address.path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (address.kind === 'unix') server.listen(address.path, resolve);
    else server.listen(address.port, address.host, resolve);
  });
  // Only the web server's user may ask for runs on this machine.
  if (address.kind === 'unix') await fs.chmod(address.path, 0o600);
  // The load goes to every connection when it changes, at most every LOAD_EVERY_MS.
  let lastLoad = '';
  const loadTimer = setInterval(() => {
    const load = runner.load();
    const text = JSON.stringify(load);
    if (text === lastLoad) return;
    lastLoad = text;
    for (const c of connections) c.send({ t: 'load', load });
  }, LOAD_EVERY_MS);
  loadTimer.unref();
  const bound = server.address();
  return {
    address: address.kind === 'tcp' && bound && typeof bound === 'object' ? { ...address, port: bound.port } : address,
    async close() {
      clearInterval(loadTimer);
      const closed = new Promise((resolve) => server.close(resolve));
      for (const c of connections) c.destroy();
      await closed;
    },
  };
}

interface RunEntry {
  run: (Run & { uid: number }) | null;
  abort: AbortController;
  /** Frames for the run that came before the runner had it started. */
  early: ToExecutor[];
}

class Connection {
  private welcomed = false;
  private readonly runs = new Map<number, RunEntry>();
  private readonly tunnel: Tunnel;
  private tunnelled = false;
  private nextConn = 0;

  constructor(
    private readonly socket: net.Socket,
    private readonly runner: PlaygroundSnippetRunner,
    private readonly options: ServeOptions,
  ) {
    socket.setNoDelay?.(true);
    this.tunnel = new Tunnel((frame) => this.send(frame));
    socket.on(
      'data',
      frameReader(
        toExecutorSchema,
        (f) => this.onFrame(f),
        (message) => this.fail(message),
      ),
    );
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      // The web server went away: nobody hears these runs any more.
      for (const entry of this.runs.values()) {
        if (entry.run) entry.run.kill('the web server lost its connection to the executor');
        else entry.abort.abort();
      }
      this.tunnel.closeAll();
    });
  }

  send(frame: FromExecutor): void {
    if (!this.socket.destroyed) this.socket.write(encodeFrame(frame));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private fail(message: string): void {
    this.options.log(`executor: dropping a connection: ${message}`);
    this.socket.destroy();
  }

  private onFrame(frame: ToExecutor): void {
    if (!this.welcomed) return this.hello(frame);
    switch (frame.t) {
      case 'hello':
        return this.fail('a second hello');
      case 'fill':
        return this.options.fill();
      case 'start':
        return this.start(frame.id, frame.run);
      case 'warm':
        void this.runner.warm().then(() => this.send({ t: 'warmed', id: frame.id }));
        return;
      case 'input':
      case 'interrupt':
      case 'kill':
      case 'resize':
        return this.toRun(frame);
      case 'data':
      case 'end':
      case 'close':
        return this.tunnel.receive(frame);
      default: {
        const _exhaustive: never = frame;
        return _exhaustive;
      }
    }
  }

  private hello(frame: ToExecutor): void {
    if (frame.t !== 'hello') return this.fail('the first frame must be hello');
    const deny = (message: string) => {
      this.send({ t: 'denied', message });
      this.socket.end();
    };
    if (frame.version !== EXECUTOR_PROTOCOL_VERSION) {
      return deny(`this executor speaks version ${EXECUTOR_PROTOCOL_VERSION} of the protocol, not ${frame.version}`);
    }
    if (this.options.token !== undefined && !sameSecret(frame.token ?? '', this.options.token)) {
      return deny('wrong executor token');
    }
    this.welcomed = true;
    this.tunnelled = frame.tunnel;
    if (frame.fill) this.options.fill();
    this.send({ t: 'welcome', version: EXECUTOR_PROTOCOL_VERSION, pid: process.pid, load: this.runner.load() });
  }

  private start(id: number, request: Extract<ToExecutor, { t: 'start' }>['run']): void {
    if (this.runs.has(id)) return this.fail(`run ${id} started twice`);
    const entry: RunEntry = { run: null, abort: new AbortController(), early: [] };
    this.runs.set(id, entry);
    const dial = this.tunnelled
      ? (forward: { port: number }) => {
          const conn = this.nextConn++;
          this.send({ t: 'dial', conn, id, port: forward.port });
          return this.tunnel.open(conn);
        }
      : undefined;
    this.runner
      .start(
        { ...request, endpoints: {}, signal: entry.abort.signal, dial },
        {
          write: (text) => this.send({ t: 'output', id, text }),
          exit: (code) => {
            this.runs.delete(id);
            this.send({ t: 'exit', id, code });
          },
          waiting: (on) => this.send({ t: 'waiting', id, on }),
          queued: (ahead) => this.send({ t: 'queued', id, ahead }),
          wire: (chunks) =>
            this.send({
              t: 'wire',
              id,
              chunks: chunks.map((c) => ({
                c: c.conn,
                p: c.port,
                k: c.kind,
                d: c.dir,
                ms: c.t,
                ...(c.bytes ? { b: c.bytes.toString('base64') } : {}),
              })),
            }),
        },
      )
      .then(({ run, env }) => {
        entry.run = run;
        this.send({ t: 'started', id, uid: run.uid, env });
        for (const frame of entry.early.splice(0)) this.toRun(frame);
      })
      .catch((err: unknown) => {
        this.runs.delete(id);
        this.send({ t: 'refused', id, message: errorText(err) });
      });
  }

  private toRun(frame: ToExecutor): void {
    const entry = 'id' in frame ? this.runs.get(frame.id) : undefined;
    if (!entry) return; // ended already
    const run = entry.run;
    if (!run) {
      // Before the start: a kill gives up a run that waits for a slot; a run past its slot is
      // starting, and hears it (and the rest) once it has.
      if (frame.t === 'kill') entry.abort.abort();
      entry.early.push(frame);
      return;
    }
    switch (frame.t) {
      case 'input':
        return run.input(frame.data);
      case 'interrupt':
        return run.interrupt();
      case 'kill':
        return run.kill(frame.reason);
      case 'resize':
        return run.resize?.(frame.cols, frame.rows);
      default:
        return;
    }
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
