// The RESP reader behind the Redis wire decoder (wire.ts): one per direction of a connection. It
// keeps its place between chunks, so a reply of 100 MB that arrives in 64 KB reads is read once
// (never put together and parsed again per read), and hands over each whole message — a command,
// a reply — with its exact bytes and a light value tree: the first elements of each aggregate, the
// first bytes of each string, every value's byte range. Unlike resp.ts (the terminal's reader,
// which streams values into text and throws on bad bytes), it never throws: bytes that are not
// RESP come back undecoded with the reason, and reading starts again after the next line end.
import type { TraceDir } from '../../../shared/trace.ts';
import { HeldBytes, bytesText, textAt } from '../wire-bytes.ts';
import type { WireItem } from '../wire-types.ts';
import { splitArgRanges } from './split-args.ts';

/** Bytes kept of each string: enough for the trace's longest shown value (256 characters of UTF-8). */
export const KEEP_BYTES = 1024;
/** Elements kept of each aggregate, and values kept per message; past them they are only counted. */
export const MAX_ITEMS = 100;
const MAX_VALUES = 2000;
/** A length or count line (`$5`, `*3`) is a sign and a few digits. */
const MAX_HEADER_BYTES = 32;
/** Simple strings and errors are short; MONITOR's lines hold whole commands, hence the room. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Redis refuses an inline command longer than this (PROTO_INLINE_MAX_SIZE). */
const MAX_INLINE_BYTES = 64 * 1024;
/** Redis' proto-max-bulk-len: no string on the wire is longer. */
const MAX_BULK_BYTES = 512 * 1024 * 1024;
/** Deeper nesting than this is taken for garbage; Redis' own replies nest a few levels. */
const MAX_DEPTH = 128;
/** Garbage held while looking for the next line end, before it is handed over anyway. */
const MAX_SKIP_BYTES = 64 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);
export const STAR = 0x2a; // *
export const DOLLAR = 0x24; // $
export const PUSH = 0x3e; // >
export const ATTRIBUTE = 0x7c; // |
/** Not a RESP type byte: a command sent as a plain line (`PING\r\n`), as telnet users type it. */
export const INLINE = 0;

/** What each type byte is: a line of text, a length-prefixed blob, an aggregate, or RESP3's null. */
const TEXT = 1;
const BLOB = 2;
const AGGREGATE = 3;
const NULL = 4;
const KIND = new Uint8Array(256);
for (const c of '+-:,#(') KIND[c.charCodeAt(0)] = TEXT;
for (const c of '$!=') KIND[c.charCodeAt(0)] = BLOB;
for (const c of '*%~>|') KIND[c.charCodeAt(0)] = AGGREGATE;
KIND['_'.charCodeAt(0)] = NULL;

export interface RespValue {
  /** The type byte (`+`, `$`, `*`…), or INLINE for a command sent as a line. */
  type: number;
  /** Its bytes in the message, [start, end), the type byte and the closing CRLF included. */
  start: number;
  end: number;
  /** A string, number or error: its content as text, the first KEEP_BYTES bytes of it. */
  text: string;
  /** A string: its length in bytes. An aggregate: how many values it holds (a map's keys and values both). */
  size: number;
  /** An aggregate: its first values (MAX_ITEMS at most). */
  items: RespValue[] | null;
  /** RESP2's `$-1` and `*-1`, RESP3's `_`. */
  nil: boolean;
  /** A RESP3 attribute that came just before it. */
  attribute: RespValue | null;
}

/** Turns a whole message into what the decoder hands over (wire.ts: a command, a reply). */
export type MessageMaker = (value: RespValue, bytes: Buffer) => WireItem;

interface Frame {
  value: RespValue;
  left: number;
  /** A RESP3 attribute read inside this aggregate, for the value after it. */
  attribute: RespValue | null;
}

type Mode = 'type' | 'line' | 'bulk' | 'crlf' | 'inline' | 'skip';

/** A byte as a reason says it: `"x"`, or `0x80` for one that is not printable. */
function byteName(b: number): string {
  return b >= 0x21 && b < 0x7f ? JSON.stringify(String.fromCharCode(b)) : `0x${b.toString(16).padStart(2, '0')}`;
}

/** The integer of a length or count line, bytes [start, end) of `bytes`; NaN when it is not one. */
function parseInteger(bytes: Buffer, start: number, end: number): number {
  if (end <= start) return NaN;
  let i = start;
  let sign = 1;
  if (bytes[i] === 0x2d) {
    sign = -1;
    i++;
    if (i === end) return NaN;
  }
  let n = 0;
  for (; i < end; i++) {
    const d = bytes[i] - 0x30;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return sign * n;
}

function newValue(type: number, start: number): RespValue {
  return { type, start, end: start, text: '', size: 0, items: null, nil: false, attribute: null };
}

export class RespReader {
  private mode: Mode = 'type';
  private readonly held = new HeldBytes();
  /** Where, in the chunk being read, the current message's bytes begin. */
  private from = 0;
  private chunk: Buffer = EMPTY;
  private out: WireItem[] = [];
  private readonly stack: Frame[] = [];
  /** A top-level RESP3 attribute: the reply it annotates follows. */
  private attribute: RespValue | null = null;
  /** Values kept so far in this message (MAX_VALUES). */
  private kept = 0;
  /** The line or string being read. */
  private current: RespValue = newValue(0, 0);
  private parts: Buffer[] = [];
  private partsLength = 0;
  private lineLength = 0;
  private sawCR = false;
  private left = 0;
  private skipReason = '';

  /**
   * @param commands the client's side: top-level values are commands (arrays of bulk strings) or
   *   inline lines, as Redis reads them; the server's side reads any RESP2 or RESP3 value.
   */
  constructor(
    private readonly dir: TraceDir,
    private readonly commands: boolean,
    private readonly makeMessage: MessageMaker,
  ) {}

  feed(chunk: Buffer): WireItem[] {
    const out: WireItem[] = [];
    this.out = out;
    this.chunk = chunk;
    this.from = 0;
    try {
      let p = 0;
      while (p < chunk.length) p = this.step(chunk, p);
      if (this.from < chunk.length) this.held.add(chunk.subarray(this.from));
      if (this.mode === 'skip' && this.held.length > MAX_SKIP_BYTES) this.undecoded(EMPTY, this.skipReason);
    } catch (err) {
      // A mistake of this reader, not of the bytes: hand back what it holds and start afresh.
      this.undecoded(chunk.subarray(this.from), `decoder error: ${err instanceof Error ? err.message : String(err)}`);
      this.restart();
    }
    this.chunk = EMPTY;
    return out;
  }

  /** The connection ended: what is held comes back undecoded. */
  flush(): WireItem[] {
    const out: WireItem[] = [];
    this.out = out;
    if (this.held.length > 0) {
      this.undecoded(EMPTY, this.mode === 'skip' ? this.skipReason : 'the connection ended mid-message');
    }
    this.restart();
    return out;
  }

  private restart(): void {
    this.mode = 'type';
    this.stack.length = 0;
    this.attribute = null;
    this.kept = 0;
    this.parts = [];
    this.partsLength = 0;
    this.held.take(EMPTY);
  }

  /** Offset in the current message of the chunk's byte p. */
  private pos(p: number): number {
    return this.held.length + (p - this.from);
  }

  private step(chunk: Buffer, p: number): number {
    switch (this.mode) {
      case 'type':
        return this.startValue(chunk, p);
      case 'line':
        return this.readLine(chunk, p);
      case 'bulk':
        return this.readBulk(chunk, p);
      case 'crlf':
        return this.readCrlf(chunk, p);
      case 'inline':
        return this.readInline(chunk, p);
      case 'skip':
        return this.skip(chunk, p);
    }
  }

  private startValue(chunk: Buffer, p: number): number {
    const b = chunk[p];
    if (this.commands) {
      if (this.stack.length === 0 && b !== STAR) {
        // Redis reads anything else as an inline command, up to the next \n.
        this.current = newValue(INLINE, this.pos(p));
        this.beginLine();
        this.mode = 'inline';
        return p;
      }
      if (this.stack.length > 0 && b !== DOLLAR) {
        return this.fail(
          p,
          `expected "$" (a bulk string) in a command, got ${byteName(b)}; Redis answers a protocol error and closes the connection`,
        );
      }
    } else if (KIND[b] === 0) {
      return this.fail(p, `${byteName(b)} does not start a RESP value`);
    }
    this.current = newValue(b, this.pos(p));
    this.beginLine();
    this.mode = 'line';
    return p + 1;
  }

  private beginLine(): void {
    this.parts = [];
    this.partsLength = 0;
    this.lineLength = 0;
    this.sawCR = false;
  }

  /** Keeps bytes of the line or string being read, up to `limit` in all. */
  private keep(chunk: Buffer, from: number, to: number, limit: number): void {
    const room = limit - this.partsLength;
    if (room <= 0 || to <= from) return;
    const piece = chunk.subarray(from, Math.min(to, from + room));
    this.parts.push(Buffer.from(piece));
    this.partsLength += piece.length;
  }

  private keptBytes(): Buffer {
    return this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partsLength);
  }

  private readLine(chunk: Buffer, p: number): number {
    const type = this.current.type;
    if (this.sawCR) {
      if (chunk[p] !== LF) return this.fail(p, 'a line must end in \\r\\n');
      const kept = this.keptBytes();
      return this.lineDone(kept, 0, kept.length, p + 1);
    }
    const limit = KIND[type] === TEXT ? MAX_LINE_BYTES : MAX_HEADER_BYTES;
    const cr = chunk.indexOf(CR, p);
    const end = cr < 0 ? chunk.length : cr;
    if (this.lineLength + (end - p) > limit) {
      return this.fail(
        p,
        KIND[type] === TEXT ? 'a line longer than 16 MB' : `a length line longer than ${limit} bytes`,
      );
    }
    // The usual case: the whole line is in this chunk, read in place.
    if (this.lineLength === 0 && cr >= 0 && cr + 1 < chunk.length && chunk[cr + 1] === LF) {
      this.lineLength = cr - p;
      return this.lineDone(chunk, p, Math.min(cr, p + KEEP_BYTES), cr + 2);
    }
    this.keep(chunk, p, end, KEEP_BYTES);
    this.lineLength += end - p;
    if (cr < 0) return end;
    this.sawCR = true;
    return cr + 1;
  }

  /** A line is read: its content is `buf` [from, to) (its first KEEP_BYTES bytes); reading goes on at p. */
  private lineDone(buf: Buffer, from: number, to: number, p: number): number {
    const value = this.current;
    const type = value.type;
    value.end = this.pos(p);
    switch (KIND[type]) {
      case TEXT: {
        value.text = textAt(buf, from, to);
        value.size = this.lineLength;
        const bad = badText(type, value.text);
        if (bad) return this.fail(p, bad, false);
        return this.valueDone(value, p);
      }
      case NULL:
        if (this.lineLength !== 0) return this.fail(p, 'a RESP3 null ("_") with content', false);
        value.nil = true;
        return this.valueDone(value, p);
    }
    const n = parseInteger(buf, from, to);
    const name = String.fromCharCode(type);
    if (!Number.isSafeInteger(n) || n < -1) {
      return this.fail(p, `${JSON.stringify(buf.toString('latin1', from, to))} after "${name}" is not a length`, false);
    }
    if (n === -1) {
      if (type !== DOLLAR && type !== STAR) return this.fail(p, `a length of -1 after "${name}"`, false);
      value.nil = true;
      return this.valueDone(value, p);
    }
    if (KIND[type] === BLOB) {
      if (n > MAX_BULK_BYTES) return this.fail(p, `a string of ${n} bytes, longer than Redis allows`, false);
      value.size = n;
      this.beginLine();
      this.left = n;
      this.mode = 'bulk';
      return p;
    }
    // An aggregate: a map's and an attribute's count is of pairs.
    const count = type === 0x25 || type === ATTRIBUTE ? n * 2 : n;
    value.size = count;
    value.items = [];
    if (count === 0) return this.valueDone(value, p);
    if (this.stack.length >= MAX_DEPTH) return this.fail(p, `values nested deeper than ${MAX_DEPTH}`, false);
    this.stack.push({ value, left: count, attribute: null });
    this.mode = 'type';
    return p;
  }

  private readBulk(chunk: Buffer, p: number): number {
    const value = this.current;
    const take = Math.min(this.left, chunk.length - p);
    if (this.left === value.size && take === this.left) {
      // The whole string is in this chunk: read in place, and its CRLF too when it is there.
      value.text = textAt(chunk, p, p + Math.min(take, KEEP_BYTES));
      const after = p + take;
      if (after + 1 < chunk.length && chunk[after] === CR && chunk[after + 1] === LF) {
        value.end = this.pos(after + 2);
        return this.valueDone(value, after + 2);
      }
      this.left = 2;
      this.mode = 'crlf';
      return after;
    }
    this.keep(chunk, p, p + take, KEEP_BYTES);
    this.left -= take;
    if (this.left === 0) {
      value.text = bytesText(this.keptBytes());
      this.left = 2;
      this.mode = 'crlf';
    }
    return p + take;
  }

  private readCrlf(chunk: Buffer, p: number): number {
    if (chunk[p] !== (this.left === 2 ? CR : LF)) {
      return this.fail(p, `a string of ${this.current.size} bytes must be followed by \\r\\n`);
    }
    if (--this.left > 0) return p + 1;
    this.current.end = this.pos(p + 1);
    return this.valueDone(this.current, p + 1);
  }

  private readInline(chunk: Buffer, p: number): number {
    const lf = chunk.indexOf(LF, p);
    const end = lf < 0 ? chunk.length : lf;
    if (this.lineLength + (end - p) > MAX_INLINE_BYTES) {
      return this.fail(p, 'an inline command longer than 64 KB; Redis refuses it and closes the connection');
    }
    if (lf < 0) {
      this.keep(chunk, p, end, MAX_INLINE_BYTES);
      this.lineLength += end - p;
      return end;
    }
    let line = this.lineLength === 0 ? chunk.subarray(p, lf) : Buffer.concat([this.keptBytes(), chunk.subarray(p, lf)]);
    // Redis takes one \r before the \n as part of the line end.
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    const split = splitArgRanges(line);
    if (!split) {
      return this.fail(
        lf + 1,
        'unbalanced quotes in an inline command; Redis refuses it and closes the connection',
        false,
      );
    }
    const value = this.current;
    value.items = split.slice(0, MAX_ITEMS).map((arg) => {
      const item = newValue(DOLLAR, value.start + arg.start);
      item.end = value.start + arg.end;
      item.size = arg.bytes.length;
      item.text = bytesText(arg.bytes.subarray(0, KEEP_BYTES));
      return item;
    });
    value.size = split.length;
    value.end = this.pos(lf + 1);
    return this.valueDone(value, lf + 1);
  }

  /** A value is whole: it goes into its aggregate, or it is the message. Answers where reading goes on. */
  private valueDone(done: RespValue, p: number): number {
    this.mode = 'type';
    let value = done;
    for (;;) {
      const frame = this.stack[this.stack.length - 1];
      if (value.type === ATTRIBUTE) {
        // It annotates the value after it, and is not one of its aggregate's values.
        if (frame) frame.attribute = value;
        else this.attribute = value;
        return p;
      }
      if (frame) {
        if (frame.attribute) {
          value.attribute = frame.attribute;
          frame.attribute = null;
        }
        const items = frame.value.items!;
        if (items.length < MAX_ITEMS && this.kept < MAX_VALUES) {
          items.push(value);
          this.kept++;
        }
        if (--frame.left > 0) return p;
        this.stack.pop();
        frame.value.end = value.end;
        value = frame.value;
        continue;
      }
      if (this.attribute) {
        value.attribute = this.attribute;
        this.attribute = null;
      }
      this.finish(value, p);
      return p;
    }
  }

  private finish(value: RespValue, p: number): void {
    const bytes = this.held.take(this.chunk.subarray(this.from, p));
    this.from = p;
    this.kept = 0;
    let item: WireItem;
    try {
      item = this.makeMessage(value, bytes);
    } catch (err) {
      item = { dir: this.dir, bytes, reason: `decoder error: ${err instanceof Error ? err.message : String(err)}` };
    }
    this.out.push(item);
  }

  /**
   * Bytes that are not RESP: the message so far, and (skipLine) everything up to the next line end,
   * come back undecoded; reading starts again after it.
   */
  private fail(p: number, reason: string, skipLine = true): number {
    this.stack.length = 0;
    this.attribute = null;
    this.kept = 0;
    this.skipReason = reason;
    if (skipLine) {
      this.mode = 'skip';
      return p;
    }
    this.undecoded(this.chunk.subarray(this.from, p), reason);
    this.from = p;
    this.mode = 'type';
    return p;
  }

  private skip(chunk: Buffer, p: number): number {
    const lf = chunk.indexOf(LF, p);
    if (lf < 0) return chunk.length;
    this.undecoded(chunk.subarray(this.from, lf + 1), this.skipReason);
    this.from = lf + 1;
    this.mode = 'type';
    return lf + 1;
  }

  private undecoded(tail: Buffer, reason: string): void {
    const bytes = this.held.take(tail);
    if (bytes.length > 0) this.out.push({ dir: this.dir, bytes, reason });
  }
}

/** Why the text of a line type is not what its type says, or null when it is. */
function badText(type: number, text: string): string | null {
  switch (type) {
    case 0x3a: // :
      return /^[+-]?\d+$/.test(text) ? null : `${JSON.stringify(text)} after ":" is not an integer`;
    case 0x23: // #
      return text === 't' || text === 'f' ? null : `a RESP3 boolean must be "t" or "f", not ${JSON.stringify(text)}`;
    default:
      return null;
  }
}
