// The page's one WebSocket to the playground server: typed messages both ways (shared/protocol.ts),
// terminal messages routed by id, and reconnection with backoff. The socket sits behind a small
// interface so that tests can drive a fake one.
//
// A reload does not lose the terminals and runs: `hello` names this page's session on the server,
// the id is kept in sessionStorage (per tab), and the next socket — after a reload or a dropped
// network — asks for that session back (`reattach`) before the page opens anything. The connection
// is "open" once that is settled; the terminals and runs then take up the channels that came back.
import type {
  ClientMessage,
  ReattachedRun,
  ReattachedTerminal,
  ServerMessage,
  ServiceInfo,
  ServiceName,
  ServicesStatus,
  ServiceStatus,
} from '../../shared/protocol.ts';
import type { BroadcastEvent } from '../../shared/classroom-api.ts';
import { PROTOCOL_VERSION, WS_PATH } from '../../shared/constants.ts';

/** First retry after a lost connection: quick, since a server restart takes about this long. */
export const RECONNECT_INITIAL_DELAY_MS = 250;
/** Retries double up to this, so a server that is down for long is asked every few seconds, not hammered. */
export const RECONNECT_MAX_DELAY_MS = 5000;

/** ended: the server closed with one of the final close codes; nothing reconnects. */
export type ConnectionState = 'connecting' | 'open' | 'waiting' | 'ended';

export type NoticeLevel = 'info' | 'warning' | 'error';

export interface ConnectionSnapshot {
  state: ConnectionState;
  /** From hello and service messages; null until the first hello. */
  services: ServicesStatus | null;
  /** A connection-level problem (an error without id, a protocol mismatch), newest first. */
  notice: { message: string; at: number; level?: NoticeLevel } | null;
  /** When waiting: the time of the next attempt (ms since epoch). */
  retryAt: number | null;
  /** The socket has been open at least once: a later open is a reconnect. */
  everOpen: boolean;
  /** Set with state "ended": the close code and reason that ended the connection. */
  ended: { code: number; reason: string } | null;
}

/** Server messages that belong to one terminal. */
export type TerminalMessage = Extract<
  ServerMessage,
  {
    type:
      | 'opened'
      | 'started'
      | 'output'
      | 'prompt'
      | 'input-wait'
      | 'queued'
      | 'exit'
      | 'summary'
      | 'trace'
      | 'state'
      | 'error';
  }
>;

export interface TerminalChannel {
  receive(message: TerminalMessage): void;
  /** Characters of live output received on this channel (not replays): the server replays only the rest. */
  received?(): number;
}

/** The channels of the session the page got back (both lists empty after a fresh start). */
export interface Reattached {
  terminals: readonly ReattachedTerminal[];
  runs: readonly ReattachedRun[];
}

const NOTHING_REATTACHED: Reattached = { terminals: [], runs: [] };

/** sessionStorage key of the session id: per tab, so a reload finds it and another tab does not. */
export const SESSION_STORAGE_KEY = 'playground.session';

/** The part of sessionStorage the connection uses. */
export type SessionStore = Pick<Storage, 'getItem' | 'setItem'>;

/** The part of WebSocket the connection uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

const SOCKET_OPEN = 1;

export interface ConnectionOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => number;
  /**
   * Close codes after which retrying is pointless (classroom mode: 4401 not joined, 4403 removed):
   * the connection stops and says so in its snapshot instead of reconnecting.
   */
  finalCloseCodes?: readonly number[];
  /** Where the session id survives a reload (the tab's sessionStorage); without it, only reconnects re-attach. */
  sessionStore?: SessionStore | null;
}

/** ws: or wss: to this page's host, matching how the page itself was loaded. */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`;
}

export function backoffDelay(attempt: number): number {
  return Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_INITIAL_DELAY_MS * 2 ** attempt);
}

export class Connection {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private stopped = true;
  private readonly channels = new Map<string, TerminalChannel>();
  private readonly listeners = new Set<() => void>();
  private readonly openListeners = new Set<(reconnected: boolean, reattached: Reattached) => void>();
  /** This page's session on the server (from `hello` or `reattached`). */
  private sessionId: string | null = null;
  /** A `reattach` went out on this socket; the connection opens when its answer comes. */
  private reattaching = false;
  /** Ids of the channels that came back: new ids never take one. */
  private reserved = new Set<string>();
  private nextId = 1;
  private readonly lostListeners = new Set<() => void>();
  private readonly serviceListeners = new Set<(service: ServiceName, status: ServiceStatus) => void>();
  private readonly broadcastListeners = new Set<(event: BroadcastEvent) => void>();
  private readonly catalogListeners = new Set<(catalog: ServiceInfo[]) => void>();
  private snap: ConnectionSnapshot = {
    state: 'connecting',
    services: null,
    notice: null,
    retryAt: null,
    everOpen: false,
    ended: null,
  };
  private readonly createSocket: (url: string) => SocketLike;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly now: () => number;

  constructor(private readonly options: ConnectionOptions) {
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.now = options.now ?? (() => Date.now());
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close(1000, 'page closed');
    }
  }

  /** Skips the rest of the backoff wait (the learner clicked "retry", the network came back). */
  reconnectNow(): void {
    if (this.stopped || this.snap.state !== 'waiting') return;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.connect();
  }

  /**
   * Sends once the connection is open (the server greeted the page and any re-attach is settled);
   * false otherwise. Terminals and runs are taken up or re-opened when it opens, so nothing sent
   * earlier could reach them.
   */
  send(message: ClientMessage): boolean {
    if (this.snap.state !== 'open') return false;
    return this.sendNow(message);
  }

  private sendNow(message: ClientMessage): boolean {
    if (!this.socket || this.socket.readyState !== SOCKET_OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** A channel id for a new terminal or run ("redis-3"), unlike any in use or come back from the server. */
  newId(prefix: string): string {
    let id: string;
    do id = `${prefix}-${this.nextId++}`;
    while (this.channels.has(id) || this.reserved.has(id));
    return id;
  }

  /** Delivers this terminal's messages to `channel` until the returned function is called. */
  route(id: string, channel: TerminalChannel): () => void {
    this.channels.set(id, channel);
    return () => {
      if (this.channels.get(id) === channel) this.channels.delete(id);
    };
  }

  /**
   * Called on every open of the connection; `reconnected` after the first. `reattached`: the
   * terminals and runs of the session that came back, for the page to take up (their screens follow).
   */
  onOpen(listener: (reconnected: boolean, reattached: Reattached) => void): () => void {
    this.openListeners.add(listener);
    return () => this.openListeners.delete(listener);
  }

  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  onService(listener: (service: ServiceName, status: ServiceStatus) => void): () => void {
    this.serviceListeners.add(listener);
    return () => this.serviceListeners.delete(listener);
  }

  /** The services the server runs, from every `hello` (a server restarted with others says so). */
  onCatalog(listener: (catalog: ServiceInfo[]) => void): () => void {
    this.catalogListeners.add(listener);
    return () => this.catalogListeners.delete(listener);
  }

  /** Classroom mode: what the instructor shares (snippets, their terminals live). */
  onBroadcast(listener: (event: BroadcastEvent) => void): () => void {
    this.broadcastListeners.add(listener);
    return () => this.broadcastListeners.delete(listener);
  }

  get isOpen(): boolean {
    return this.snap.state === 'open';
  }

  // For React's useSyncExternalStore: the snapshot is replaced, never mutated.
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ConnectionSnapshot => this.snap;

  private update(change: Partial<ConnectionSnapshot>): void {
    this.snap = { ...this.snap, ...change };
    for (const l of this.listeners) l();
  }

  private connect(): void {
    this.update({ state: 'connecting', retryAt: null });
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.options.url);
    } catch (err) {
      this.update({ notice: { message: `cannot open a WebSocket: ${(err as Error).message}`, at: this.now() } });
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    this.reattaching = false;
    // Open for the page once the server has said hello (and answered a reattach): see opened().
    socket.onopen = () => {};
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') this.receive(event.data);
    };
    // Browsers follow every error with a close; the close does the work.
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      const wasOpen = this.snap.state === 'open';
      if (wasOpen) for (const l of this.lostListeners) l();
      const { code, reason } = (event ?? {}) as { code?: unknown; reason?: unknown };
      if (typeof code === 'number' && this.options.finalCloseCodes?.includes(code)) {
        this.stopped = true;
        this.update({
          state: 'ended',
          retryAt: null,
          ended: { code, reason: typeof reason === 'string' ? reason : '' },
        });
        return;
      }
      if (!this.stopped) this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.attempt);
    this.attempt++;
    this.update({ state: 'waiting', retryAt: this.now() + delay });
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private receive(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      console.warn('playground: a frame that is not JSON', text.slice(0, 200));
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
    switch (message.type) {
      case 'hello':
        // A good hello ends the backoff: the server is really there.
        this.attempt = 0;
        this.greeted(message);
        return;
      case 'reattached':
        if (!this.reattaching) return;
        this.reattaching = false;
        this.keepSession(message.session);
        this.opened(message.found ? message : NOTHING_REATTACHED);
        return;
      case 'service':
        this.update({
          services: { ...(this.snap.services ?? ({} as ServicesStatus)), [message.service]: message.status },
        });
        for (const l of this.serviceListeners) l(message.service, message.status);
        return;
      case 'error':
        if (message.id === undefined) {
          this.update({ notice: { message: message.message, at: this.now() } });
          return;
        }
        this.deliver(message.id, message);
        return;
      case 'broadcast':
        for (const l of this.broadcastListeners) l(message.event);
        return;
      case 'notice':
        this.update({ notice: { message: message.message, at: this.now(), level: message.level } });
        return;
      case 'opened':
      case 'started':
      case 'output':
      case 'prompt':
      case 'input-wait':
      case 'queued':
      case 'exit':
      case 'summary':
      case 'trace':
      case 'state':
        this.deliver(message.id, message);
        return;
      default: {
        const unknown: never = message;
        console.warn('playground: unknown message', unknown);
      }
    }
  }

  private greeted(message: Extract<ServerMessage, { type: 'hello' }>): void {
    if (Array.isArray(message.catalog)) for (const l of this.catalogListeners) l(message.catalog);
    this.update({
      services: message.services,
      notice:
        message.protocol === PROTOCOL_VERSION
          ? this.snap.notice
          : {
              message: `The server speaks protocol ${message.protocol}; this page speaks ${PROTOCOL_VERSION}. Reload the page.`,
              at: this.now(),
            },
    });
    const earlier = this.sessionId ?? this.readSession();
    if (typeof message.session === 'string' && earlier && earlier !== message.session) {
      // Before anything else on this socket: the server takes a reattach only before any open.
      this.reattaching = this.sendNow({ type: 'reattach', session: earlier, have: this.haves() });
      if (this.reattaching) return;
    }
    if (typeof message.session === 'string') this.keepSession(message.session);
    this.opened(NOTHING_REATTACHED);
  }

  /** How much live output each channel still routed here has shown (after a dropped connection). */
  private haves(): Record<string, number> {
    const have: Record<string, number> = {};
    for (const [id, channel] of this.channels) {
      const n = channel.received?.();
      if (n !== undefined) have[id] = n;
    }
    return have;
  }

  private opened(reattached: Reattached): void {
    const reconnected = this.snap.everOpen;
    this.reserved = new Set([...reattached.terminals, ...reattached.runs].map((c) => c.id));
    this.update({ state: 'open', everOpen: true });
    for (const l of [...this.openListeners]) l(reconnected, reattached);
    // What came back and no part of the page took up (a second terminal of one service, a run
    // beyond the panes kept) is closed: the server forgets it.
    for (const id of this.reserved) if (!this.channels.has(id)) this.send({ type: 'close', id });
  }

  private readSession(): string | null {
    try {
      return this.options.sessionStore?.getItem(SESSION_STORAGE_KEY) ?? null;
    } catch {
      return null;
    }
  }

  private keepSession(id: string): void {
    this.sessionId = id;
    try {
      this.options.sessionStore?.setItem(SESSION_STORAGE_KEY, id);
    } catch {
      // Storage full or disabled: a reconnect still re-attaches, a reload starts afresh.
    }
  }

  private deliver(id: string, message: TerminalMessage): void {
    // Messages for a terminal we closed (or replaced) can still be in flight: drop them.
    this.channels.get(id)?.receive(message);
  }

  /** Dismisses the connection notice. */
  clearNotice(): void {
    this.update({ notice: null });
  }
}
