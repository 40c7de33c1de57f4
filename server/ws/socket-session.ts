// One browser (or script) connected at /ws. Every frame is checked here, at the boundary: size,
// JSON, schema. Anything wrong gets an `error` message and is dropped; the socket, the server and
// the other terminals carry on. The terminals and runs themselves belong to the page's session
// (page-session.ts), which outlives the socket: a reloaded page re-attaches to it (`reattach`).
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES, SOCKET_HIGH_WATERMARK_BYTES } from '../../shared/limits.ts';
import {
  CLIENT_MESSAGE_TYPES,
  PROTOCOL_VERSION,
  clientMessageSchema,
  encodeServerMessage,
  quoteFrameValue,
  type ClientMessage,
  type ServerMessage,
} from '../../shared/protocol.ts';
import type { SnippetRunner } from '../runner/types.ts';
import { PageSession, type SessionPort, type SocketTap } from './page-session.ts';
import type { SessionRegistry } from './session-registry.ts';
import type { ServiceAccess } from './service-access.ts';

export type { SocketTap } from './page-session.ts';

/** Close code of a page that ends its session on purpose; any other close leaves the session lingering. */
export const CLOSE_NORMAL = 1000;

/** What a fresh session of this socket is made of (classroom mode: the learner's own services). */
export interface SessionMaking {
  services: ServiceAccess;
  tap?: SocketTap;
  onEnd?: () => void;
}

export interface SocketSessionOptions {
  /** null when snippet runs are unavailable (e.g. bubblewrap missing); `runnerProblem` says why. */
  runner?: SnippetRunner | null;
  runnerProblem?: string;
  /** Whose sessions this socket may re-attach to ("local" in single-user mode). */
  owner?: string;
  /** Where sessions live between sockets; without one, each socket's session ends with it. */
  registry?: SessionRegistry<PageSession>;
  /** Makes the parts of a fresh session (classroom mode: a view of the learner's own services). */
  makeSession: () => SessionMaking;
  /** Classroom mode: asked for each terminal line and each run; a string refuses it with that message. */
  admitCommand?: () => string | null;
  admitRun?: () => string | null;
  /** Something the learner did (a line, a run): for "last active" and idle reclaim. */
  onActivity?: () => void;
  /** The socket went away. */
  onClose?: () => void;
}

export class SocketSession {
  private corked = false;
  private disposed = false;
  /** The server ended the socket (removed, stopping): its session ends with it. */
  private ending = false;
  private session: PageSession;
  private readonly registry: SessionRegistry<PageSession> | null;
  private readonly owner: string;
  private readonly port: SessionPort;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: SocketSessionOptions,
  ) {
    this.registry = options.registry ?? null;
    this.owner = options.owner ?? 'local';
    this.port = {
      send: (m) => this.send(m),
      congested: () => this.ws.bufferedAmount > SOCKET_HIGH_WATERMARK_BYTES,
      live: () => this.ws.readyState === this.ws.OPEN,
      admitCommand: options.admitCommand,
      admitRun: options.admitRun,
      onActivity: options.onActivity,
    };
    this.session = this.freshSession();
    this.session.attach(this.port);
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('close', (code) => this.dispose(code));
    ws.on('error', () => this.dispose(1006));
    const { services } = this.session;
    this.send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      services: services.statuses(),
      catalog: services.adapters.map((a) => ({
        name: a.name,
        title: a.title,
        promptsBeforeReply: !!a.rawReplies,
        conventionalPort: a.conventionalPort,
        variable: a.urlEnv,
        inspect: !!a.inspect,
      })),
      session: this.session.id,
    });
  }

  private freshSession(): PageSession {
    const made = this.options.makeSession();
    const init = (id: string) =>
      new PageSession({
        id,
        owner: this.owner,
        services: made.services,
        runner: this.options.runner ?? null,
        runnerProblem: this.options.runnerProblem,
        tap: made.tap,
        onEnd: made.onEnd,
      });
    if (this.registry) return this.registry.create(init);
    // No registry (a test of one socket): an id all the same, never re-attached to.
    return init(`unregistered-${Math.random().toString(36).slice(2)}`);
  }

  /** Sends a message that belongs to no terminal (classroom broadcasts and notices). */
  push(message: ServerMessage): void {
    this.send(message);
  }

  /** Ends the socket with a close code the client understands (4401 not joined, 4403 removed); its session ends too. */
  end(code: number, reason: string): void {
    this.ending = true;
    this.ws.close(code, reason);
  }

  private send(message: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.corkUntilNextTick();
    // The callback runs once the frame is handed to the OS: a good moment to send what a
    // congested socket held back.
    this.ws.send(encodeServerMessage(message), () => {
      if (this.ws.bufferedAmount < SOCKET_HIGH_WATERMARK_BYTES) this.session.drained();
    });
  }

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
    if (message.message.type === 'reattach') this.reattach(message.message);
    else this.session.handle(message.message);
  }

  /** Takes over the earlier session named in the message, replaying its screens; or says why not. */
  private reattach(message: Extract<ClientMessage, { type: 'reattach' }>): void {
    const refuse = (reason: string) =>
      this.send({ type: 'reattached', session: this.session.id, found: false, reason, terminals: [], runs: [] });
    if (message.session === this.session.id) return refuse('this socket holds that session already');
    if (!this.session.empty) return refuse('a reattach must come before any open on this connection');
    if (!this.registry) return refuse('this server keeps no sessions');
    const claim = this.registry.claim(message.session, this.owner, (s) => s.held);
    if ('reason' in claim) return refuse(claim.reason);
    const fresh = this.session;
    this.session = claim.session;
    this.registry.end(fresh, 'replaced by the session it re-attached to');
    this.send({ type: 'reattached', session: claim.session.id, found: true, ...claim.session.listing() });
    claim.session.replay(this.port, message.have);
    claim.session.attach(this.port);
  }

  private dispose(code: number): void {
    if (this.disposed) return;
    this.disposed = true;
    this.options.onClose?.();
    const session = this.session;
    if (!session.detach(this.port)) return;
    // A page that closes its socket on purpose, or that the server ended, is done with its session;
    // any other close (a reload, a dropped network) leaves it to wait for a reattach.
    if (!this.registry) session.end('the browser went away');
    else if (this.ending || code === CLOSE_NORMAL) this.registry.end(session, 'the page closed its session');
    else this.registry.linger(session);
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
      error: `unknown message type ${quoteFrameValue(record.type)}; expected one of ${CLIENT_MESSAGE_TYPES.join(', ')}`,
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
