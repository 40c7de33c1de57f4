// One terminal's or one run's trace: the chunks its connections carried (from the terminal's tap,
// tap.ts, or the run's host forwarder through the executor) go through each service's decoder
// (ServiceAdapter.decode) and come out as TraceEvents (shared/trace.ts), request paired with reply
// and timed, batched (TRACE_BATCH_MS), and kept for a reload's replay.
//
// A decoder that throws loses its direction of that connection, not the session: the rest of it is
// shown raw. Limits (TRACE_MAX_FRAMES, TRACE_MAX_BYTES) keep the first frames and count the rest.
import {
  TRACE_MAX_BYTES,
  TRACE_MAX_FRAME_BYTES,
  TRACE_MAX_FRAMES,
  type TraceDir,
  type TraceEvent,
} from '../../shared/trace.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';
import type { WireDecoder, WireItem, WireMessage, WireProtocol } from '../services/wire-types.ts';
import { isUndecoded } from '../services/wire-types.ts';
import { errorText } from '../util/errors.ts';

/** What a hint's explain() may ask: the learner's service, as the channel reaches it. */
export interface TraceServiceAccess {
  endpoint(service: ServiceId): Endpoint | null;
  admin(service: ServiceId): unknown;
}

export interface TraceOptions {
  /** The decoder of each service that has one (a service without one is traced raw). */
  protocol: (service: ServiceId) => WireProtocol | undefined;
  /** Where explain() reaches the service; without it, error frames get no hint. */
  access?: TraceServiceAccess;
  /** Events, batched: at most one call per TRACE_BATCH_MS. */
  send: (events: TraceEvent[]) => void;
  /** The memory all traces of the server may keep (SERVER_TRACE_BUDGET); none: only this trace's own limits. */
  budget?: TraceBudget;
  /** Milliseconds since the channel opened (tests give their own clock). */
  now?: () => number;
}

interface Waiting {
  seq: number;
  t: number;
  message: WireMessage;
}

interface Conn {
  id: number;
  service: ServiceId;
  protocol: WireProtocol | undefined;
  decoder: WireDecoder | null;
  /** A direction whose decoder threw: shown raw from then on. */
  broken: Set<TraceDir>;
  writes: Record<TraceDir, number>;
  /** Requests waiting for their reply, oldest first, per pairing key. */
  waiting: Map<string, Waiting[]>;
  closed: boolean;
}

/**
 * Events wait this long to go out together: a trace is read by a person, not raced against the
 * reply it shows, so its frames stay out of the way of the terminal's own output (and fewer go).
 */
export const TRACE_BATCH_MS = 16;

/**
 * Bytes a trace decodes at most. It keeps far less (TRACE_MAX_BYTES); past this, chunks are only
 * counted, so a 100 MB value read in a traced terminal is never held whole by its decoder.
 */
export const TRACE_MAX_DECODED_BYTES = 4 * TRACE_MAX_BYTES;

/**
 * What all the traces of one server may keep, in estimated bytes of memory (an event costs about
 * 2 KB beside its bytes): a class of 100 learners, each with four traced terminals, stays bounded.
 * Past it, a trace stops keeping as at its own limits, until other traces end and give theirs back.
 */
export const TRACE_SERVER_MAX_BYTES = 256 * 1024 * 1024;

/** A server's budget for kept trace events, shared by its traces. */
export interface TraceBudget {
  used: number;
  readonly max: number;
}

export const SERVER_TRACE_BUDGET: TraceBudget = { used: 0, max: TRACE_SERVER_MAX_BYTES };

/** What keeping one event of `size` bytes costs in memory, roughly: the object, its tree, its base64. */
function keptCost(size: number): number {
  return 2048 + 2 * size;
}

/** How long explain() may take before the hint is given up (it asks the live server). */
const EXPLAIN_TIMEOUT_MS = 3_000;

export class WireTrace {
  private readonly kept: TraceEvent[] = [];
  private batch: TraceEvent[] = [];
  private flushScheduled = false;
  private readonly conns = new Map<number, Conn>();
  private nextConn = 1;
  private seq = 0;
  private frames = 0;
  private bytes = 0;
  private droppedFrames = 0;
  private droppedBytes = 0;
  /** What this trace holds of the server's budget. */
  private held = 0;
  private decoded = 0;
  private decodingStopped = false;
  private full = false;
  private ended = false;
  private readonly started = performance.now();
  private readonly now: () => number;

  constructor(private readonly options: TraceOptions) {
    this.now = options.now ?? (() => Math.round((performance.now() - this.started) * 1000) / 1000);
  }

  /** Every event kept so far, for a reload's replay. */
  events(): readonly TraceEvent[] {
    return this.kept;
  }

  /** A new connection to `service`; `t` when it was seen elsewhere (the executor's clock). */
  open(service: ServiceId, t = this.now()): number {
    const protocol = this.options.protocol(service);
    const conn: Conn = {
      id: this.nextConn++,
      service,
      protocol,
      decoder: null,
      broken: new Set(),
      writes: { send: 0, recv: 0 },
      waiting: new Map(),
      closed: false,
    };
    try {
      conn.decoder = protocol?.decoder() ?? null;
    } catch {
      conn.decoder = null;
    }
    this.conns.set(conn.id, conn);
    const how = protocol ? protocol.name : 'not decoded';
    this.emit({
      kind: 'open',
      t,
      conn: conn.id,
      service,
      dir: 'send',
      bytes: '',
      summary: `connection ${conn.id} opened (${how})`,
    });
    return conn.id;
  }

  /** Bytes one connection carried, in one direction, as they came (one write or read). */
  data(connId: number, dir: TraceDir, chunk: Buffer, t = this.now()): void {
    const conn = this.conns.get(connId);
    if (!conn || conn.closed || chunk.length === 0) return;
    // Once past it, nothing more is decoded: the decoders would read the middle of messages.
    if (this.decodingStopped || this.decoded + chunk.length > TRACE_MAX_DECODED_BYTES) {
      this.decodingStopped = true;
      this.reachedLimit({ t, conn: conn.id, service: conn.service, dir });
      this.droppedBytes += chunk.length;
      return;
    }
    this.decoded += chunk.length;
    const write = ++conn.writes[dir];
    for (const item of this.decode(conn, dir, chunk)) this.item(conn, item, t, write);
  }

  /** The connection ended; `by` who ended it (send: the client, recv: the service). */
  close(connId: number, by: TraceDir, t = this.now()): void {
    const conn = this.conns.get(connId);
    if (!conn || conn.closed) return;
    let rest: WireItem[] = [];
    try {
      if (conn.decoder) rest = conn.decoder.flush();
    } catch {
      // A decoder that fails on its leftovers loses them from the view; the close is still shown.
    }
    for (const item of rest) this.item(conn, item, t, conn.writes[item.dir]);
    conn.closed = true;
    const who = by === 'send' ? 'the client' : `the ${conn.service} server`;
    this.emit({
      kind: 'close',
      t,
      conn: conn.id,
      service: conn.service,
      dir: by,
      bytes: '',
      summary: `connection ${conn.id} closed by ${who}`,
    });
  }

  /** The channel is done: open connections are closed, and what the limits left out is said once more. */
  end(): void {
    if (this.ended) return;
    for (const conn of this.conns.values()) if (!conn.closed) this.close(conn.id, 'send');
    this.ended = true;
    if (this.droppedFrames > 0 || this.droppedBytes > 0) this.push(this.droppedEvent());
    this.flush();
  }

  private decode(conn: Conn, dir: TraceDir, chunk: Buffer): WireItem[] {
    if (!conn.decoder)
      return [{ dir, bytes: chunk, reason: conn.protocol ? 'no decoder' : `${conn.service} is not decoded` }];
    if (conn.broken.has(dir))
      return [{ dir, bytes: chunk, reason: 'not decoded: the decoder failed earlier on this connection' }];
    try {
      return conn.decoder.feed(dir, chunk);
    } catch (err) {
      conn.broken.add(dir);
      return [{ dir, bytes: chunk, reason: `the decoder failed here (${errorText(err)}); the rest is shown raw` }];
    }
  }

  private item(conn: Conn, item: WireItem, t: number, write: number): void {
    const size = item.bytes.length;
    const kept = size > TRACE_MAX_FRAME_BYTES ? item.bytes.subarray(0, TRACE_MAX_FRAME_BYTES) : item.bytes;
    const base = {
      t,
      conn: conn.id,
      service: conn.service,
      dir: item.dir,
      bytes: kept.toString('base64'),
      write,
      ...(kept.length < size ? { size } : {}),
    };
    if (isUndecoded(item)) {
      this.emit({ kind: 'undecoded', ...base, summary: item.reason }, size);
      return;
    }
    const event: Omit<TraceEvent, 'seq'> = { kind: 'frame', ...base, summary: item.summary };
    // A decoder may build its tree only when asked: a frame past the limits never asks.
    if (this.fits(size)) event.tree = item.tree;
    if (item.masked?.length) event.masked = item.masked;
    if (item.error) event.error = true;
    const key = item.key ?? '';
    let request: Waiting | undefined;
    if (item.role === 'reply') {
      const queue = conn.waiting.get(key);
      request = queue?.shift();
      if (request) {
        event.pair = request.seq;
        event.latency = Math.round((t - request.t) * 1000) / 1000;
      }
    }
    const seq = this.emit(event, size);
    if (item.role === 'request' && seq !== null) {
      const queue = conn.waiting.get(key) ?? [];
      queue.push({ seq, t, message: item });
      conn.waiting.set(key, queue);
    }
    if (item.error && seq !== null) this.explain(conn, seq, request?.message, item);
  }

  private explain(conn: Conn, ref: number, request: WireMessage | undefined, reply: WireMessage): void {
    const explain = conn.protocol?.explain;
    const access = this.options.access;
    const endpoint = access?.endpoint(conn.service);
    if (!explain || !access || !endpoint) return;
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), EXPLAIN_TIMEOUT_MS).unref());
    void Promise.race([
      explain.call(conn.protocol, { endpoint, admin: access.admin(conn.service), request, reply }),
      timeout,
    ])
      .catch(() => null)
      .then((text) => {
        if (!text) return;
        // A hint is not a frame: it is kept past the limits (one per error frame that was kept).
        this.push({
          seq: this.seq++,
          kind: 'hint',
          t: this.now(),
          conn: conn.id,
          service: conn.service,
          dir: 'recv',
          bytes: '',
          summary: text,
          ref,
        });
      });
  }

  /** Keeps and sends an event within the limits; answers its seq, or null when it was dropped. */
  private emit(event: Omit<TraceEvent, 'seq'>, size = 0): number | null {
    if (!this.fits(size)) {
      this.droppedFrames++;
      this.droppedBytes += size;
      this.reachedLimit(event);
      return null;
    }
    this.frames++;
    this.bytes += size;
    if (this.options.budget) {
      const cost = keptCost(size);
      this.options.budget.used += cost;
      this.held += cost;
    }
    const seq = this.seq++;
    this.push({ seq, ...event } as TraceEvent);
    return seq;
  }

  /** Said once, where the trace stops keeping: what it keeps, and that the rest is counted. */
  private reachedLimit(at: Pick<TraceEvent, 't' | 'conn' | 'service' | 'dir'>): void {
    if (this.full) return;
    this.full = true;
    this.push({
      seq: this.seq++,
      kind: 'dropped',
      t: at.t,
      conn: at.conn,
      service: at.service,
      dir: at.dir,
      bytes: '',
      summary: this.serverFull()
        ? 'the server keeps no more traces right now (its memory for them is full); later frames are counted, not kept'
        : `the trace keeps the first ${TRACE_MAX_FRAMES} frames and ${TRACE_MAX_BYTES / 1024 / 1024} MiB; later ones are counted, not kept`,
    });
  }

  private fits(size: number): boolean {
    const budget = this.options.budget;
    return (
      !this.full &&
      this.frames + 1 <= TRACE_MAX_FRAMES &&
      this.bytes + size <= TRACE_MAX_BYTES &&
      (!budget || budget.used + keptCost(size) <= budget.max)
    );
  }

  private serverFull(): boolean {
    const budget = this.options.budget;
    return (
      !!budget &&
      budget.used + keptCost(0) > budget.max &&
      this.frames < TRACE_MAX_FRAMES &&
      this.bytes < TRACE_MAX_BYTES
    );
  }

  /** The channel is gone: what it kept goes, and its share of the server's budget with it. */
  release(): void {
    if (this.options.budget) this.options.budget.used -= this.held;
    this.held = 0;
    this.kept.length = 0;
  }

  private droppedEvent(): TraceEvent {
    return {
      seq: this.seq++,
      kind: 'dropped',
      t: this.now(),
      conn: 0,
      service: '',
      dir: 'recv',
      bytes: '',
      summary: `left out past the limit: ${this.droppedFrames} ${this.droppedFrames === 1 ? 'frame' : 'frames'}, ${this.droppedBytes} bytes`,
    };
  }

  private push(event: TraceEvent): void {
    this.kept.push(event);
    this.batch.push(event);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setTimeout(() => this.flush(), TRACE_BATCH_MS);
    }
  }

  /** Sends what waits now (before an exit or a close goes out after it). */
  flush(): void {
    this.flushScheduled = false;
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    this.options.send(events);
  }
}
