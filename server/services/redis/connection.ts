// One TCP connection to Redis speaking RESP: commands go out in order, and each reply's events go
// to the sink that was registered with its command (replies come back in the same order).
import type net from 'node:net';
import { connectTcp } from '../net-util.ts';
import type { RedisTarget } from './redis-url.ts';
import { type ReplyInfo, type RespEvents, RespReader, type RespType, encodeCommand } from './resp.ts';
import { type RespValue, ValueBuilder, isErrorValue, valueText } from './reply-value.ts';
import { withTimeout } from '../../util/async.ts';

/** Where the events of one reply (or, for a stream, of many) go. */
export interface ReplySink {
  events: Omit<RespEvents, 'replyEnd'>;
  /** A whole reply arrived; answers true when this sink wants no more replies. */
  end(info: ReplyInfo): boolean;
  /** Streaming sinks (pub/sub) take RESP3 pushes as their own replies. */
  takesPushes?: boolean;
  /** The connection closed before the sink was done. */
  abort?(reason: string): void;
}

/** Text for a socket error the way redis-cli words it (strerror), e.g. "Connection refused". */
export function describeSocketError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'Connection refused',
    ECONNRESET: 'Connection reset by peer',
    EPIPE: 'Broken pipe',
    ETIMEDOUT: 'Connection timed out',
    EHOSTUNREACH: 'No route to host',
    ENETUNREACH: 'Network is unreachable',
    ENOTFOUND: 'Name or service not known',
    EAI_AGAIN: 'Temporary failure in name resolution',
  };
  if (code && known[code]) return known[code];
  return err instanceof Error ? err.message : String(err);
}

const DISCARD: ReplySink = {
  events: {
    replyStart() {},
    aggregateStart() {},
    aggregateEnd() {},
    scalarStart() {},
    scalarData() {},
    scalarEnd() {},
    nil() {},
  },
  end: () => true,
};

export interface ConnectionOptions {
  /** Bytes of each reply kept for the `:raw` view. */
  maxRawBytes?: number;
}

export class RedisConnection {
  private readonly reader: RespReader;
  private readonly sinks: ReplySink[] = [];
  private current: ReplySink = DISCARD;
  private currentIsHead = false;
  private closedByUs = false;
  private closed = false;
  private lastError: unknown = null;
  /** Gets replies nobody asked for: RESP3 pushes (invalidations) outside pub/sub. */
  unsolicited: ReplySink | null = null;
  /** After each chunk of data is parsed: the moment to hand collected output on. */
  onChunkDone: (() => void) | null = null;
  /** The server closed the connection, or it broke; not called after destroy(). */
  onClose: ((reason: string) => void) | null = null;

  constructor(
    readonly socket: net.Socket,
    options: ConnectionOptions = {},
  ) {
    this.reader = new RespReader(this.router(), { maxRawBytes: options.maxRawBytes });
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      try {
        this.reader.feed(chunk);
      } catch (err) {
        // A protocol error leaves the stream unreadable from here on: the connection is lost.
        this.lastError = err;
        socket.destroy();
      }
      this.onChunkDone?.();
    });
    socket.on('error', (err) => {
      this.lastError ??= err;
    });
    socket.on('close', () => {
      this.closed = true;
      const reason = this.lastError ? describeSocketError(this.lastError) : 'Server closed the connection';
      const pending = this.sinks.splice(0);
      for (const sink of pending) sink.abort?.(reason);
      if (!this.closedByUs) this.onClose?.(reason);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(args: ReadonlyArray<Buffer | string>, sink: ReplySink): void {
    if (this.closed) {
      sink.abort?.('Server closed the connection');
      return;
    }
    this.sinks.push(sink);
    this.socket.write(encodeCommand(args));
  }

  /** Sends a command the server will not answer (after CLIENT REPLY OFF or SKIP). */
  sendUnanswered(args: ReadonlyArray<Buffer | string>): void {
    if (!this.closed) this.socket.write(encodeCommand(args));
  }

  /** Sends a command and collects its whole reply; for small internal requests only. */
  request(args: ReadonlyArray<Buffer | string>): Promise<RespValue> {
    return new Promise((resolve, reject) => {
      const builder = new ValueBuilder();
      this.send(args, {
        events: builder,
        end: () => {
          resolve(builder.take());
          return true;
        },
        abort: (reason) => reject(new Error(reason)),
      });
    });
  }

  /** Closes without reporting it through onClose. */
  destroy(): void {
    this.closedByUs = true;
    this.socket.destroy();
  }

  private router(): RespEvents {
    return {
      replyStart: (type: RespType) => {
        const head = this.sinks[0];
        this.currentIsHead = !!head && (type !== '>' || !!head.takesPushes);
        this.current = this.currentIsHead ? head : (this.unsolicited ?? DISCARD);
        this.current.events.replyStart(type);
      },
      aggregateStart: (type, count) => this.current.events.aggregateStart(type, count),
      aggregateEnd: () => this.current.events.aggregateEnd(),
      scalarStart: (type) => this.current.events.scalarStart(type),
      scalarData: (data) => this.current.events.scalarData(data),
      scalarEnd: () => this.current.events.scalarEnd(),
      nil: () => this.current.events.nil(),
      replyEnd: (info) => {
        const sink = this.current;
        const wasHead = this.currentIsHead;
        this.current = DISCARD;
        this.currentIsHead = false;
        if (sink.end(info) && wasHead && this.sinks[0] === sink) this.sinks.shift();
      },
    };
  }
}

export interface OpenedConnection {
  connection: RedisConnection;
  /** Messages for the learner about the setup (a failed AUTH or SELECT), as redis-cli prints them. */
  notes: string[];
  /** The database selected in the end. */
  db: number;
}

/**
 * Connects, then authenticates and selects the database as redis-cli does on every (re)connect.
 * Throws when the TCP connection cannot be made; a refused AUTH or SELECT is only noted, as
 * redis-cli carries on and the next command shows the server's own error.
 */
export async function openConnection(
  target: RedisTarget,
  db: number,
  timeoutMs: number,
  options: ConnectionOptions = {},
): Promise<OpenedConnection> {
  const socket = await connectTcp(target.host, target.port, timeoutMs);
  const connection = new RedisConnection(socket, options);
  const notes: string[] = [];
  let selected = 0;
  try {
    const setup = async () => {
      if (target.password !== undefined) {
        const args = target.user !== undefined ? ['AUTH', target.user, target.password] : ['AUTH', target.password];
        const reply = await connection.request(args);
        if (isErrorValue(reply)) notes.push(`AUTH failed: ${valueText(reply)}`);
      }
      if (db !== 0) {
        const reply = await connection.request(['SELECT', String(db)]);
        if (isErrorValue(reply)) notes.push(`SELECT ${db} failed: ${valueText(reply)}`);
        else selected = db;
      }
    };
    await withTimeout(setup(), timeoutMs, `no answer from ${target.address} within ${timeoutMs} ms`);
  } catch (err) {
    connection.destroy();
    throw err;
  }
  return { connection, notes, db: selected };
}

/**
 * Opens a connection, sends the commands one after another and answers their replies. For the
 * adapter's probe and catalog, not for terminals.
 */
export async function redisRequest(target: RedisTarget, commands: string[][], timeoutMs: number): Promise<RespValue[]> {
  const { connection, notes } = await openConnection(target, target.db, timeoutMs);
  try {
    if (notes.length > 0) throw new Error(notes.join('; '));
    const replies = Promise.all(commands.map((c) => connection.request(c)));
    return await withTimeout(replies, timeoutMs, `no answer from ${target.address} within ${timeoutMs} ms`);
  } finally {
    connection.destroy();
  }
}
