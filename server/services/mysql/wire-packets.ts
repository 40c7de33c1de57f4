// The MySQL wire protocol's building blocks for the trace's decoder (wire-decoder.ts): packet
// framing that never re-copies what it already holds, a reader that cannot run past its packet, and
// the protocol's numbers under the names its documentation (dev.mysql.com, mariadb.com/kb) uses,
// so the trace says CLIENT_DEPRECATE_EOF and SERVER_STATUS_IN_TRANS, as a learner will read them.
import type { TraceNode } from '../../../shared/trace.ts';
export { FIELD_TYPE as TYPE, fieldTypeName as typeName } from './field-types.ts';

/** A payload this long or longer goes on in the next packet (the protocol's 16 MiB - 1). */
export const MAX_PAYLOAD = 0xffffff;
/** Bytes of a packet header: 3 of payload length, 1 of sequence id. */
export const HEADER = 4;

export const COMMANDS: Record<number, string> = {
  0x00: 'COM_SLEEP',
  0x01: 'COM_QUIT',
  0x02: 'COM_INIT_DB',
  0x03: 'COM_QUERY',
  0x04: 'COM_FIELD_LIST',
  0x05: 'COM_CREATE_DB',
  0x06: 'COM_DROP_DB',
  0x07: 'COM_REFRESH',
  0x08: 'COM_SHUTDOWN',
  0x09: 'COM_STATISTICS',
  0x0a: 'COM_PROCESS_INFO',
  0x0b: 'COM_CONNECT',
  0x0c: 'COM_PROCESS_KILL',
  0x0d: 'COM_DEBUG',
  0x0e: 'COM_PING',
  0x0f: 'COM_TIME',
  0x10: 'COM_DELAYED_INSERT',
  0x11: 'COM_CHANGE_USER',
  0x12: 'COM_BINLOG_DUMP',
  0x13: 'COM_TABLE_DUMP',
  0x14: 'COM_CONNECT_OUT',
  0x15: 'COM_REGISTER_SLAVE',
  0x16: 'COM_STMT_PREPARE',
  0x17: 'COM_STMT_EXECUTE',
  0x18: 'COM_STMT_SEND_LONG_DATA',
  0x19: 'COM_STMT_CLOSE',
  0x1a: 'COM_STMT_RESET',
  0x1b: 'COM_SET_OPTION',
  0x1c: 'COM_STMT_FETCH',
  0x1d: 'COM_DAEMON',
  0x1e: 'COM_BINLOG_DUMP_GTID',
  0x1f: 'COM_RESET_CONNECTION',
  0xfa: 'COM_STMT_BULK_EXECUTE',
  0xfe: 'COM_MULTI',
};

/** Capability flags, the low 32 bits both sides send. Bit 0 is CLIENT_MYSQL to MariaDB: clear means MariaDB. */
export const CLIENT = {
  LONG_PASSWORD: 1,
  FOUND_ROWS: 2,
  LONG_FLAG: 4,
  CONNECT_WITH_DB: 8,
  NO_SCHEMA: 0x10,
  COMPRESS: 0x20,
  ODBC: 0x40,
  LOCAL_FILES: 0x80,
  IGNORE_SPACE: 0x100,
  PROTOCOL_41: 0x200,
  INTERACTIVE: 0x400,
  SSL: 0x800,
  IGNORE_SIGPIPE: 0x1000,
  TRANSACTIONS: 0x2000,
  RESERVED: 0x4000,
  SECURE_CONNECTION: 0x8000,
  MULTI_STATEMENTS: 0x10000,
  MULTI_RESULTS: 0x20000,
  PS_MULTI_RESULTS: 0x40000,
  PLUGIN_AUTH: 0x80000,
  CONNECT_ATTRS: 0x100000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
  CAN_HANDLE_EXPIRED_PASSWORDS: 0x400000,
  SESSION_TRACK: 0x800000,
  DEPRECATE_EOF: 0x1000000,
  OPTIONAL_RESULTSET_METADATA: 0x2000000,
  ZSTD_COMPRESSION_ALGORITHM: 0x4000000,
  QUERY_ATTRIBUTES: 0x8000000,
  MULTI_FACTOR_AUTHENTICATION: 0x10000000,
  CAPABILITY_EXTENSION: 0x20000000,
  SSL_VERIFY_SERVER_CERT: 0x40000000,
  REMEMBER_OPTIONS: 0x80000000,
} as const;

/** MariaDB's extended capabilities: 32 more bits, sent where MySQL has filler (bit n here is bit 32+n). */
export const MARIADB = {
  PROGRESS: 1,
  COM_MULTI: 2,
  STMT_BULK_OPERATIONS: 4,
  EXTENDED_METADATA: 8,
  CACHE_METADATA: 0x10,
  BULK_UNIT_RESULTS: 0x20,
} as const;

export const STATUS = {
  IN_TRANS: 1,
  AUTOCOMMIT: 2,
  MORE_RESULTS_EXISTS: 8,
  CURSOR_EXISTS: 0x40,
  DB_DROPPED: 0x100,
  SESSION_STATE_CHANGED: 0x4000,
} as const;

const STATUS_NAMES: [number, string][] = [
  [1, 'SERVER_STATUS_IN_TRANS'],
  [2, 'SERVER_STATUS_AUTOCOMMIT'],
  [8, 'SERVER_MORE_RESULTS_EXISTS'],
  [0x10, 'SERVER_QUERY_NO_GOOD_INDEX_USED'],
  [0x20, 'SERVER_QUERY_NO_INDEX_USED'],
  [0x40, 'SERVER_STATUS_CURSOR_EXISTS'],
  [0x80, 'SERVER_STATUS_LAST_ROW_SENT'],
  [0x100, 'SERVER_STATUS_DB_DROPPED'],
  [0x200, 'SERVER_STATUS_NO_BACKSLASH_ESCAPES'],
  [0x400, 'SERVER_STATUS_METADATA_CHANGED'],
  [0x800, 'SERVER_QUERY_WAS_SLOW'],
  [0x1000, 'SERVER_PS_OUT_PARAMS'],
  [0x2000, 'SERVER_STATUS_IN_TRANS_READONLY'],
  [0x4000, 'SERVER_SESSION_STATE_CHANGED'],
  [0x8000, 'SERVER_STATUS_ANSI_QUOTES'],
];

/** Column definition flags. */
export const FIELD = { NOT_NULL: 1, PRI_KEY: 2, UNSIGNED: 0x20, BINARY: 0x80 } as const;

const FIELD_NAMES: [number, string][] = [
  [1, 'NOT_NULL'],
  [2, 'PRI_KEY'],
  [4, 'UNIQUE_KEY'],
  [8, 'MULTIPLE_KEY'],
  [0x10, 'BLOB'],
  [0x20, 'UNSIGNED'],
  [0x40, 'ZEROFILL'],
  [0x80, 'BINARY'],
  [0x100, 'ENUM'],
  [0x200, 'AUTO_INCREMENT'],
  [0x400, 'TIMESTAMP'],
  [0x800, 'SET'],
  [0x1000, 'NO_DEFAULT_VALUE'],
  [0x2000, 'ON_UPDATE_NOW'],
  [0x8000, 'NUM'],
];

/** The collation id of binary strings: its values are bytes, not text. */
export const BINARY_CHARSET = 63;

function names(value: number, table: [number, string][]): string[] {
  const out: string[] = [];
  for (const [bit, name] of table) if ((value & bit) !== 0) out.push(name);
  return out;
}

export function statusNames(status: number): string {
  return names(status, STATUS_NAMES).join(' ') || 'none';
}

export function fieldFlagNames(flags: number): string {
  return names(flags, FIELD_NAMES).join(' ');
}

const CAPABILITY_NAMES: [number, string][] = Object.entries(CLIENT).map(([n, bit]) => [bit, `CLIENT_${n}`]);
const MARIADB_NAMES: [number, string][] = Object.entries(MARIADB).map(([n, bit]) => [bit, `MARIADB_CLIENT_${n}`]);

/** A capabilities node: the value in hex, each flag that is set a child. */
export function capabilityNode(label: string, caps: number, ext: number, at?: [number, number]): TraceNode {
  const set = [...names(caps, CAPABILITY_NAMES), ...names(ext, MARIADB_NAMES)];
  const low = (caps >>> 0).toString(16).padStart(8, '0');
  const hex = ext ? `0x${ext.toString(16)}${low}` : `0x${low}`;
  return { label, value: hex, at, children: set.map((name) => ({ label: name })) };
}

/**
 * Reads a payload front to back. Never throws: reading past the end yields zeros (or nothing) and
 * sets `short`, which the caller checks once, after it has read all it wanted.
 */
export class Cursor {
  short = false;
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}

  get left(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): boolean {
    if (this.pos + n <= this.buf.length) return true;
    this.short = true;
    this.pos = this.buf.length;
    return false;
  }

  u8(): number {
    return this.need(1) ? this.buf[this.pos++] : 0;
  }
  u16(): number {
    if (!this.need(2)) return 0;
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }
  u24(): number {
    if (!this.need(3)) return 0;
    const v = this.buf.readUIntLE(this.pos, 3);
    this.pos += 3;
    return v;
  }
  u32(): number {
    if (!this.need(4)) return 0;
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    if (!this.need(8)) return 0n;
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A length-encoded integer; null for 0xFB (NULL in a text row). 8-byte values past 2^53 lose precision. */
  lenenc(): number | null {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfb) return null;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) return this.u24();
    if (first === 0xfe) return Number(this.u64());
    this.short = true; // 0xFF starts no integer
    return 0;
  }

  bytes(n: number): Buffer {
    if (!this.need(n)) return this.buf.subarray(this.buf.length);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** A length-encoded string; null for 0xFB. */
  lenencBytes(): Buffer | null {
    const n = this.lenenc();
    return n === null ? null : this.bytes(n);
  }

  /** A length-encoded string as UTF-8 text; '' for NULL. */
  lenencText(): string {
    const n = this.lenenc();
    if (!n) return '';
    if (!this.need(n)) return '';
    this.pos += n;
    return this.buf.toString('utf8', this.pos - n, this.pos);
  }

  skip(n: number): void {
    if (this.need(n)) this.pos += n;
  }

  skipLenenc(): void {
    const n = this.lenenc();
    if (n) this.skip(n);
  }

  /** Up to a NUL byte, which it consumes; a missing NUL makes the read short. */
  nulBytes(): Buffer {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) {
      this.short = true;
      return this.rest();
    }
    const b = this.buf.subarray(this.pos, end);
    this.pos = end + 1;
    return b;
  }

  /** The rest as UTF-8 text. */
  restText(): string {
    const from = this.pos;
    this.pos = this.buf.length;
    return this.buf.toString('utf8', from);
  }

  rest(): Buffer {
    const b = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return b;
  }
}

/**
 * One logical packet: the raw packets (headers included) that carried it, and its payload, made
 * only when asked for (a row the decoder only counts needs its first byte and its length).
 */
export class Packet {
  private view: Buffer | null = null;

  constructor(
    readonly seq: number,
    readonly raw: Buffer[],
    /** Bytes of the raw packets together. */
    readonly size: number,
  ) {}

  /** Bytes of the payload. */
  get length(): number {
    return this.size - HEADER * this.raw.length;
  }

  /** The payload's first byte, or -1 when it is empty. */
  get first(): number {
    return this.raw[0].length > HEADER ? this.raw[0][HEADER] : -1;
  }

  get payload(): Buffer {
    this.view ??=
      this.raw.length === 1 ? this.raw[0].subarray(HEADER) : Buffer.concat(this.raw.map((r) => r.subarray(HEADER)));
    return this.view;
  }
}

/**
 * Turns one direction's chunks into packets. Chunks are kept as they came; a packet inside one
 * chunk is a view of it, one across chunks is copied once. Waiting for a long packet costs O(1)
 * per chunk, so a large result set arriving in many chunks is never re-concatenated.
 */
export class PacketReader {
  private chunks: Buffer[] = [];
  private head = 0;
  private offset = 0;
  private length = 0;
  /** Physical packets of a payload of MAX_PAYLOAD or more, until the one that ends it. */
  private partial: Buffer[] = [];

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  next(): Packet | null {
    while (this.length >= HEADER) {
      const len = this.peek(0) | (this.peek(1) << 8) | (this.peek(2) << 16);
      if (this.length < HEADER + len) return null;
      const packet = this.take(HEADER + len);
      if (len === MAX_PAYLOAD) {
        this.partial.push(packet);
        continue;
      }
      if (this.partial.length === 0) return new Packet(packet[3], [packet], packet.length);
      const raw = this.partial;
      raw.push(packet);
      this.partial = [];
      let size = 0;
      for (const r of raw) size += r.length;
      return new Packet(raw[0][3], raw, size);
    }
    return null;
  }

  /** Rows counted by the last takeRows(). */
  rows = 0;

  /**
   * A result set's rows, the fast way: the run of whole row packets at the front of the current
   * chunk, as one view (null if none), their number in `rows`. It stops before anything else (an
   * EOF, OK or ERR, a packet of 16 MiB or more, one that goes on in the next chunk).
   */
  takeRows(): Buffer | null {
    if (this.partial.length > 0 || this.length === 0) return null;
    const chunk = this.chunks[this.head];
    let pos = this.offset;
    let n = 0;
    while (pos + HEADER <= chunk.length) {
      const len = chunk[pos] | (chunk[pos + 1] << 8) | (chunk[pos + 2] << 16);
      if (len >= MAX_PAYLOAD || pos + HEADER + len > chunk.length) break;
      const first = len > 0 ? chunk[pos + HEADER] : -1;
      if (first === 0xfe || first === 0xff) break;
      pos += HEADER + len;
      n++;
    }
    if (n === 0) return null;
    this.rows = n;
    return this.take(pos - this.offset);
  }

  /** Every byte held and not yet in a packet, in order; the reader is empty after. */
  drain(): Buffer[] {
    const out = this.partial;
    this.partial = [];
    if (this.length > 0) out.push(this.take(this.length));
    return out;
  }

  private peek(i: number): number {
    const head = this.chunks[this.head];
    if (this.offset + i < head.length) return head[this.offset + i];
    let k = this.head;
    let at = this.offset + i;
    while (at >= this.chunks[k].length) at -= this.chunks[k++].length;
    return this.chunks[k][at];
  }

  private take(n: number): Buffer {
    this.length -= n;
    const first = this.chunks[this.head];
    if (this.offset + n <= first.length) {
      const b = first.subarray(this.offset, this.offset + n);
      this.offset += n;
      if (this.offset === first.length) this.advance();
      return b;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head];
      const count = Math.min(n - filled, chunk.length - this.offset);
      chunk.copy(out, filled, this.offset, this.offset + count);
      filled += count;
      this.offset += count;
      if (this.offset === chunk.length) this.advance();
    }
    return out;
  }

  private advance(): void {
    this.head++;
    this.offset = 0;
    // Drop read chunks now and then, not on every one: splice is O(length).
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

/** Where a payload's bytes sit in the message that holds its packet (headers in between). */
export class Span {
  constructor(
    readonly start: number,
    private readonly physical: number,
  ) {}

  private map(p: number): number {
    return this.start + HEADER + p + (this.physical > 1 ? HEADER * Math.floor(p / MAX_PAYLOAD) : 0);
  }

  at(from: number, to: number): [number, number] {
    return [this.map(from), to > from ? this.map(to - 1) + 1 : this.map(from)];
  }

  /** The message ranges of payload [from, to), skipping the headers between physical packets. */
  ranges(from: number, to: number): [number, number][] {
    const out: [number, number][] = [];
    let p = from;
    while (p < to) {
      const end = Math.min(to, (Math.floor(p / MAX_PAYLOAD) + 1) * MAX_PAYLOAD);
      out.push([this.map(p), this.map(end - 1) + 1]);
      p = end;
    }
    return out;
  }
}
