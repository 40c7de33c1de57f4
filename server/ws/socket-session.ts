// One browser (or script) connected at /ws. Every frame is checked here, at the boundary: size,
// JSON, schema. Anything wrong gets an `error` message and is dropped; the socket, the server and
// the other terminals carry on.
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import {
  MAX_MESSAGE_BYTES,
  MAX_RUNS_PER_SOCKET,
  MAX_TERMINALS_PER_SOCKET,
  SOCKET_HIGH_WATERMARK_BYTES,
} from '../../shared/limits.ts';
import {
  CLIENT_MESSAGE_TYPES,
  DEFAULT_MAIN_FILE,
  PROTOCOL_VERSION,
  clientMessageSchema,
  encodeServerMessage,
  type ClientMessage,
  type ServerMessage,
} from '../../shared/protocol.ts';
import type { ServiceStatus } from '../../shared/protocol.ts';
import { TerminalHost } from '../terminal/terminal-host.ts';
import type { SnippetRunner } from '../runner/types.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';
import { errorText } from '../util/errors.ts';
import { RunChannel } from './run-channel.ts';
import type { ServiceAccess } from './service-access.ts';

/** What a watcher sees of this socket's terminals and runs (classroom mode; see server/classroom/mirror-hub.ts). */
export interface SocketTap {
  open(channel: string, label: string): void;
  output(channel: string, data: string): void;
  close(channel: string): void;
}

export interface SocketSessionOptions {
  /** null when snippet runs are unavailable (e.g. bubblewrap missing); `runnerProblem` says why. */
  runner?: SnippetRunner | null;
  runnerProblem?: string;
  /** Classroom mode: every terminal and run is mirrored here for whoever watches. */
  tap?: SocketTap;
  /** Classroom mode: asked for each terminal line and each run; a string refuses it with that message. */
  admitCommand?: () => string | null;
  admitRun?: () => string | null;
  /** Something the learner did (a line, a run): for "last active" and idle reclaim. */
  onActivity?: () => void;
  /** The socket went away. */
  onClose?: () => void;
}

export class SocketSession {
  private readonly terminals = new Map<string, TerminalHost>();
  private readonly runs = new Map<string, RunChannel>();
  private corked = false;
  private readonly onStatus = (service: ServiceId, status: ServiceStatus) =>
    this.send({ type: 'service', service, status });
  private readonly onDown = (service: ServiceId, reason: string) => {
    for (const t of this.terminals.values()) if (t.service === service) t.serviceDown(reason);
  };
  private readonly onUp = (service: ServiceId, endpoint: Endpoint) => {
    for (const t of this.terminals.values()) if (t.service === service) t.serviceUp(endpoint);
  };

  private readonly runner: SnippetRunner | null;
  private readonly runnerProblem: string;
  private readonly tap: SocketTap | undefined;
  private disposed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly supervisor: ServiceAccess,
    private readonly options: SocketSessionOptions = {},
  ) {
    this.runner = options.runner ?? null;
    this.runnerProblem = options.runnerProblem ?? 'snippet runs are not available on this server';
    this.tap = options.tap;
    supervisor.on('status', this.onStatus);
    supervisor.on('down', this.onDown);
    supervisor.on('up', this.onUp);
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
    this.send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      services: supervisor.statuses(),
      catalog: supervisor.adapters.map((a) => ({ name: a.name, title: a.title, promptsBeforeReply: !!a.rawReplies })),
    });
  }

  /** Sends a message that belongs to no terminal (classroom broadcasts and notices). */
  push(message: ServerMessage): void {
    this.send(message);
  }

  /** Ends the socket with a close code the client understands (4401 not joined, 4403 removed). */
  end(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  private send(message: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.tap) this.mirror(message);
    this.corkUntilNextTick();
    // The callback runs once the frame is handed to the OS: a good moment to send what a
    // congested socket held back.
    this.ws.send(encodeServerMessage(message), () => {
      if (this.ws.bufferedAmount < SOCKET_HIGH_WATERMARK_BYTES) {
        for (const t of this.terminals.values()) t.onSocketDrain();
      }
    });
  }

  /** Terminal and run traffic, as a watcher should see it: the prompt, then what was typed, then output. */
  private mirror(message: ServerMessage): void {
    const tap = this.tap!;
    switch (message.type) {
      case 'opened':
        tap.open(message.id, this.supervisor.adapter(message.service).title);
        return;
      case 'started':
        tap.open(message.id, `run: ${this.runLabels.get(message.id) ?? message.language}`);
        return;
      case 'output':
        tap.output(message.id, message.data);
        return;
      case 'prompt':
        tap.output(message.id, message.prompt);
        return;
      case 'exit':
        tap.close(message.id);
        return;
      default:
        return;
    }
  }

  private readonly runLabels = new Map<string, string>();

  /**
   * A reply usually leaves as two frames in the same tick (`output`, then `prompt`). Corking the
   * TCP socket until the next tick sends them in one write: half the system calls on the hot path
   * of every round trip (ws keeps its socket at `_socket`, the one private field we rely on).
   */
  private corkUntilNextTick(): void {
    if (this.corked) return;
    const socket = (this.ws as unknown as { _socket?: Socket })._socket;
    if (!socket) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.send({ type: 'error', message: 'binary frames are not supported; send JSON text frames' });
      return;
    }
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (size > MAX_MESSAGE_BYTES) {
      this.send({ type: 'error', message: `message too large: ${size} bytes; the limit is ${MAX_MESSAGE_BYTES}` });
      return;
    }
    const message = parseClientMessage(data.toString());
    if ('error' in message) {
      this.send({ type: 'error', ...(message.id ? { id: message.id } : {}), message: message.error });
      return;
    }
    this.handle(message.message);
  }

  private handle(message: ClientMessage): void {
    switch (message.type) {
      case 'open':
        if (this.terminals.has(message.id) || this.runs.has(message.id)) {
          this.send({
            type: 'error',
            id: message.id,
            message: `id "${message.id}" is already open on this connection`,
          });
        } else if (message.kind === 'terminal') {
          void this.open(message.id, message.service);
        } else {
          this.openRun(message);
        }
        return;
      case 'input':
        this.options.onActivity?.();
        this.channel(message.id)?.input(message.data);
        return;
      case 'resize':
        this.channel(message.id)?.resize(message.cols, message.rows);
        return;
      case 'signal':
        this.channel(message.id)?.interrupt();
        return;
      case 'pause': {
        const c = this.channel(message.id);
        if (c instanceof TerminalHost) c.pause();
        return;
      }
      case 'resume': {
        const c = this.channel(message.id);
        if (c instanceof TerminalHost) c.resume();
        return;
      }
      case 'close': {
        const c = this.channel(message.id);
        if (c instanceof TerminalHost) {
          c.close();
          this.terminals.delete(message.id);
          this.tap?.close(message.id);
          this.send({ type: 'exit', id: message.id, code: 0 });
        } else if (c) {
          // The runner reports the exit (with its code) once the sandbox is gone.
          c.kill('the run was stopped');
        }
        return;
      }
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private openRun(message: Extract<ClientMessage, { type: 'open'; kind: 'run' }>): void {
    const { id } = message;
    if (!this.runner) {
      this.send({ type: 'error', id, message: this.runnerProblem });
      this.send({ type: 'exit', id, code: 1 });
      return;
    }
    if (this.runs.size >= MAX_RUNS_PER_SOCKET) {
      this.send({ type: 'error', id, message: `too many runs at once (limit ${MAX_RUNS_PER_SOCKET}); stop one first` });
      return;
    }
    const refusal = this.options.admitRun?.();
    if (refusal) {
      this.send({ type: 'error', id, message: refusal });
      this.send({ type: 'exit', id, code: 1 });
      return;
    }
    this.options.onActivity?.();
    const channel = new RunChannel(
      id,
      (m) => this.send(m),
      () => {
        this.runs.delete(id);
        this.runLabels.delete(id);
      },
    );
    this.runs.set(id, channel);
    this.runLabels.set(id, message.name ?? DEFAULT_MAIN_FILE[message.language]);
    void this.startRun(channel, message);
  }

  private async startRun(
    channel: RunChannel,
    message: Extract<ClientMessage, { type: 'open'; kind: 'run' }>,
  ): Promise<void> {
    try {
      await this.supervisor.ready?.();
    } catch (err) {
      this.send({ type: 'error', id: channel.id, message: `your services are not ready: ${errorText(err)}` });
      this.send({ type: 'exit', id: channel.id, code: 1 });
      this.runs.delete(channel.id);
      return;
    }
    if (this.disposed || !this.runner) return;
    const endpoints: Record<ServiceId, Endpoint> = {};
    for (const { name } of this.supervisor.adapters) {
      const endpoint = this.supervisor.endpoint(name);
      if (endpoint) endpoints[name] = endpoint;
    }
    await channel.start(this.runner, {
      language: message.language,
      code: message.code,
      name: message.name,
      files: message.files ?? [],
      endpoints,
    });
  }

  private async open(id: string, service: ServiceId): Promise<void> {
    if (!this.supervisor.has(service)) {
      const known = this.supervisor.adapters.map((a) => a.name).join(', ');
      this.send({ type: 'error', id, message: `unknown service ${JSON.stringify(service)}; expected one of ${known}` });
      this.send({ type: 'exit', id, code: 1 });
      return;
    }
    if (this.terminals.size >= MAX_TERMINALS_PER_SOCKET) {
      this.send({
        type: 'error',
        id,
        message: `too many terminals open (limit ${MAX_TERMINALS_PER_SOCKET}); close one first`,
      });
      return;
    }
    if (this.supervisor.ready) {
      try {
        await this.supervisor.ready();
      } catch (err) {
        const title = this.supervisor.adapter(service).title;
        this.send({ type: 'error', id, message: `your ${title} is not ready: ${errorText(err)}` });
        this.send({ type: 'exit', id, code: 1 });
        return;
      }
      if (this.disposed || this.terminals.has(id)) return;
    }
    const tap = this.tap;
    const host = new TerminalHost({
      id,
      adapter: this.supervisor.adapter(service),
      endpoint: () => this.supervisor.endpoint(service),
      send: (m) => this.send(m),
      socketCongested: () => this.ws.bufferedAmount > SOCKET_HIGH_WATERMARK_BYTES,
      admitLine: this.options.admitCommand,
      onLine: tap ? (line) => tap.output(id, `${line}\r\n`) : undefined,
    });
    this.terminals.set(id, host);
    const ok = await host.open();
    if (!ok && this.terminals.get(id) === host) {
      host.close();
      this.terminals.delete(id);
      this.send({ type: 'exit', id, code: 1 });
    }
  }

  private channel(id: string): TerminalHost | RunChannel | undefined {
    const c = this.terminals.get(id) ?? this.runs.get(id);
    if (!c) this.send({ type: 'error', id, message: `no open terminal or run with id "${id}"` });
    return c;
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of [...this.terminals.keys(), ...this.runs.keys()]) this.tap?.close(id);
    this.options.onClose?.();
    this.supervisor.off('status', this.onStatus);
    this.supervisor.off('down', this.onDown);
    this.supervisor.off('up', this.onUp);
    for (const t of this.terminals.values()) t.close();
    this.terminals.clear();
    // Nobody is watching any more: the runs are stopped and their sandboxes removed.
    for (const r of this.runs.values()) r.kill('the browser went away');
  }
}

type Parsed = { message: ClientMessage } | { error: string; id?: string };

/** Turns a text frame into a ClientMessage or a sentence saying what is wrong with it. */
export function parseClientMessage(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `invalid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'a message must be a JSON object with a "type"' };
  }
  const record = value as Record<string, unknown>;
  const id = typeof record.id === 'string' ? record.id : undefined;
  if (typeof record.type !== 'string' || !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(record.type)) {
    return {
      id,
      error: `unknown message type ${JSON.stringify(record.type)}; expected one of ${CLIENT_MESSAGE_TYPES.join(', ')}`,
    };
  }
  const result = clientMessageSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    // An unknown kind says itself; other problems name their field.
    if (issue.code === 'invalid_union' && issue.path.join('.') === 'kind') return { id, error: issue.message };
    return { id, error: `bad ${record.type} message: "${issue.path.join('.')}": ${issue.message}` };
  }
  return { message: result.data };
}
