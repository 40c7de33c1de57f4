// RESP, the Redis protocol: commands go out as arrays of bulk strings; replies are read by an
// incremental parser that reports events (an array starts, a string's bytes arrive, a reply ends)
// instead of building values. The terminal formats replies as they stream in, so a huge reply
// never sits in memory whole, and the socket can be paused half-way through one under
// backpressure. The exact bytes of each reply are kept (up to a limit) for the `:raw` view.
//
// RESP2 is what a fresh connection speaks; RESP3 types are parsed too, since a learner may type
// `HELLO 3`.

/** Types whose value is one line or one length-prefixed blob. */
export type ScalarType =
  | '+' // simple string
  | '-' // error
  | ':' // integer
  | '$' // bulk string
  | ',' // double (RESP3)
  | '#' // boolean (RESP3)
  | '(' // big number (RESP3)
  | '!' // blob error (RESP3)
  | '='; // verbatim string (RESP3): "txt:" then the text

/** Types holding other values. A map's count is its keys plus its values. */
export type AggregateType =
  | '*' // array
  | '%' // map (RESP3)
  | '~' // set (RESP3)
  | '>'; // push (RESP3): pub/sub messages and invalidations outside the request/reply flow

export type RespType = ScalarType | AggregateType | '_';

/** What the parser reports, in order, for each reply. */
export interface RespEvents {
  /** A new top-level reply starts with a value of this type. */
  replyStart(type: RespType): void;
  aggregateStart(type: AggregateType, count: number): void;
  aggregateEnd(): void;
  scalarStart(type: ScalarType): void;
  /** Part of a scalar's content (bulk payload, or the text of a line type), without CRLF. */
  scalarData(data: Buffer): void;
  scalarEnd(): void;
  /** A null: RESP2's $-1 and *-1, RESP3's `_`. */
  nil(): void;
  replyEnd(info: ReplyInfo): void;
}

export interface ReplyInfo {
  type: RespType;
  /** The whole reply is a null (e.g. EXEC after a WATCH failed). */
  isNil: boolean;
  /** The reply's bytes as received, up to the reader's raw limit. */
  raw: Buffer;
  /** The reply's full length in bytes; more than raw.length when the rest was not kept. */
  rawLength: number;
}

export class RespProtocolError extends Error {}

/**
 * Nesting deeper than this is refused as a protocol error. Redis itself never nests deeply; a Lua
 * script could, and formatting depth costs output per element.
 */
export const MAX_NESTING_DEPTH = 64;
/** Longest header line (`*123`, `$456`) accepted; headers are a type byte and a short number. */
const MAX_HEADER_LINE_BYTES = 64;
/** Default raw bytes kept per reply for `:raw`. */
export const DEFAULT_MAX_RAW_BYTES = 64 * 1024;

const CR = 0x0d;
const LF = 0x0a;

const SCALAR_LINE_TYPES = new Set<number>([0x2b, 0x2d, 0x3a, 0x2c, 0x23, 0x28]); // + - : , # (
const BLOB_TYPES = new Set<number>([0x24, 0x21, 0x3d]); // $ ! =
const AGGREGATE_TYPES = new Set<number>([0x2a, 0x25, 0x7e, 0x3e]); // * % ~ >
const NULL_TYPE = 0x5f; // _
const ATTRIBUTE_TYPE = 0x7c; // | (RESP3 metadata before a value: skipped)

interface Frame {
  remaining: number;
  attribute: boolean;
}

type State =
  | { kind: 'type' }
  | { kind: 'header'; type: number; line: number[]; sawCR: boolean }
  | { kind: 'text'; sawCR: boolean }
  | { kind: 'blob'; left: number }
  | { kind: 'blobEnd'; left: number };

export interface RespReaderOptions {
  /** Bytes of each reply kept for ReplyInfo.raw. */
  maxRawBytes?: number;
}

export class RespReader {
  private state: State = { kind: 'type' };
  private readonly stack: Frame[] = [];
  /** Open attribute frames: their values are metadata and reported to nobody. */
  private attributeDepth = 0;
  /** Bytes of a reply have been read and its last value has not. */
  private inReply = false;
  private replyComplete = false;
  private replyType: RespType | null = null;
  private replyIsNil = false;
  private raw: Buffer[] = [];
  private rawKept = 0;
  private rawLength = 0;
  private readonly maxRawBytes: number;

  constructor(
    private readonly events: RespEvents,
    options: RespReaderOptions = {},
  ) {
    this.maxRawBytes = options.maxRawBytes ?? DEFAULT_MAX_RAW_BYTES;
  }

  /** Consumes a chunk, reporting events as values complete; throws RespProtocolError on bytes that are not RESP. */
  feed(chunk: Buffer): void {
    let p = 0;
    // Where the current reply's bytes in this chunk began, for the raw copy.
    let rawFrom = 0;
    while (p < chunk.length) {
      if (!this.inReply) {
        this.inReply = true;
        rawFrom = p;
      }
      p = this.step(chunk, p);
      if (this.replyComplete) {
        this.keepRaw(chunk.subarray(rawFrom, p));
        this.finishReply();
      }
    }
    if (this.inReply) this.keepRaw(chunk.subarray(rawFrom, p));
  }

  /** Advances through one state's worth of the chunk; answers the new position. */
  private step(chunk: Buffer, p: number): number {
    const state = this.state;
    switch (state.kind) {
      case 'type':
        this.startValue(chunk[p]);
        return p + 1;
      case 'header': {
        if (state.sawCR) {
          if (chunk[p] !== LF) throw this.error('expected LF after CR');
          this.state = { kind: 'type' };
          this.finishHeader(state.type, Buffer.from(state.line).toString('latin1'));
          return p + 1;
        }
        const cr = chunk.indexOf(CR, p);
        const end = cr < 0 ? chunk.length : cr;
        if (state.line.length + (end - p) > MAX_HEADER_LINE_BYTES) throw this.error('header line too long');
        for (let i = p; i < end; i++) state.line.push(chunk[i]);
        if (cr < 0) return end;
        state.sawCR = true;
        return cr + 1;
      }
      case 'text': {
        if (state.sawCR) {
          if (chunk[p] !== LF) throw this.error('expected LF after CR');
          this.state = { kind: 'type' };
          this.emit(() => this.events.scalarEnd());
          this.valueDone();
          return p + 1;
        }
        // The text of a line type cannot hold CR, so the first CR ends it; it streams like a blob.
        const cr = chunk.indexOf(CR, p);
        const end = cr < 0 ? chunk.length : cr;
        if (end > p) this.emit(() => this.events.scalarData(chunk.subarray(p, end)));
        if (cr < 0) return end;
        state.sawCR = true;
        return cr + 1;
      }
      case 'blob': {
        const take = Math.min(state.left, chunk.length - p);
        this.emit(() => this.events.scalarData(chunk.subarray(p, p + take)));
        state.left -= take;
        if (state.left === 0) this.state = { kind: 'blobEnd', left: 2 };
        return p + take;
      }
      case 'blobEnd': {
        if (chunk[p] !== (state.left === 2 ? CR : LF)) throw this.error('bulk string not followed by CRLF');
        state.left--;
        if (state.left === 0) {
          this.state = { kind: 'type' };
          this.emit(() => this.events.scalarEnd());
          this.valueDone();
        }
        return p + 1;
      }
    }
  }

  private startValue(type: number): void {
    if (SCALAR_LINE_TYPES.has(type)) {
      this.noteReplyStart(type, false);
      this.emit(() => this.events.scalarStart(String.fromCharCode(type) as ScalarType));
      this.state = { kind: 'text', sawCR: false };
    } else if (BLOB_TYPES.has(type) || AGGREGATE_TYPES.has(type) || type === NULL_TYPE || type === ATTRIBUTE_TYPE) {
      this.state = { kind: 'header', type, line: [], sawCR: false };
    } else {
      // hiredis' wording, which redis-cli shows.
      throw this.error(`got ${JSON.stringify(String.fromCharCode(type))} as reply type byte`);
    }
  }

  private finishHeader(type: number, text: string): void {
    const typeChar = String.fromCharCode(type);
    if (type === NULL_TYPE) {
      if (text !== '') throw this.error('null with content');
      this.noteReplyStart(type, true);
      this.emit(() => this.events.nil());
      this.valueDone();
      return;
    }
    if (!/^(-1|\d+)$/.test(text)) throw this.error(`bad length ${JSON.stringify(text)} after ${typeChar}`);
    const n = Number(text);
    if (n > Number.MAX_SAFE_INTEGER) throw this.error(`length ${text} too large`);
    if (n === -1) {
      if (type !== 0x24 && type !== 0x2a) throw this.error(`bad length -1 after ${typeChar}`);
      this.noteReplyStart(type, true);
      this.emit(() => this.events.nil());
      this.valueDone();
      return;
    }
    if (BLOB_TYPES.has(type)) {
      this.noteReplyStart(type, false);
      this.emit(() => this.events.scalarStart(typeChar as ScalarType));
      this.state = n > 0 ? { kind: 'blob', left: n } : { kind: 'blobEnd', left: 2 };
      return;
    }
    if (this.stack.length >= MAX_NESTING_DEPTH) throw this.error(`nesting deeper than ${MAX_NESTING_DEPTH}`);
    const isAttribute = type === ATTRIBUTE_TYPE;
    const count = type === 0x25 || isAttribute ? n * 2 : n;
    if (isAttribute) {
      this.attributeDepth++;
    } else {
      this.noteReplyStart(type, false);
      this.emit(() => this.events.aggregateStart(typeChar as AggregateType, count));
    }
    this.stack.push({ remaining: count, attribute: isAttribute });
    if (count === 0) this.closeFrames();
  }

  private noteReplyStart(type: number, isNil: boolean): void {
    if (this.stack.length > 0 || this.attributeDepth > 0) return;
    this.replyType = String.fromCharCode(type) as RespType;
    this.replyIsNil = isNil;
    this.events.replyStart(this.replyType);
  }

  /** A value (scalar, nil or whole aggregate) is complete: count it against its parent. */
  private valueDone(): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      this.replyComplete = true;
      return;
    }
    top.remaining--;
    this.closeFrames();
  }

  private closeFrames(): void {
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (!top || top.remaining > 0) return;
      this.stack.pop();
      if (top.attribute) {
        // An attribute annotates the value after it: it is not a value of its parent.
        this.attributeDepth--;
        return;
      }
      this.emit(() => this.events.aggregateEnd());
      const parent = this.stack[this.stack.length - 1];
      if (!parent) {
        this.replyComplete = true;
        return;
      }
      parent.remaining--;
    }
  }

  private finishReply(): void {
    const info: ReplyInfo = {
      type: this.replyType ?? '_',
      isNil: this.replyIsNil,
      raw: Buffer.concat(this.raw),
      rawLength: this.rawLength,
    };
    this.inReply = false;
    this.replyComplete = false;
    this.replyType = null;
    this.replyIsNil = false;
    this.raw = [];
    this.rawKept = 0;
    this.rawLength = 0;
    this.events.replyEnd(info);
  }

  private keepRaw(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.rawLength += bytes.length;
    const room = this.maxRawBytes - this.rawKept;
    if (room <= 0) return;
    // Copied: a slice would pin the socket's whole chunk in memory.
    const kept = Buffer.from(bytes.subarray(0, room));
    this.raw.push(kept);
    this.rawKept += kept.length;
  }

  private emit(call: () => void): void {
    if (this.attributeDepth === 0) call();
  }

  private error(message: string): RespProtocolError {
    return new RespProtocolError(`Protocol error, ${message}`);
  }
}

/** A command as RESP: an array of bulk strings. */
export function encodeCommand(args: ReadonlyArray<Buffer | string>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}
