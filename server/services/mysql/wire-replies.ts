// The MySQL packets that come back in many places, read into trace nodes: OK, ERR, EOF, column
// definitions, and values in both of the protocol's encodings (text rows; binary rows and
// COM_STMT_EXECUTE parameters). The decoder (wire-decoder.ts) puts them together into messages.
import { quoteValue, TRACE_VALUE_CHARS, type TraceNode } from '../../../shared/trace.ts';
import {
  BINARY_CHARSET,
  CLIENT,
  Cursor,
  FIELD,
  fieldFlagNames,
  STATUS,
  statusNames,
  TYPE,
  typeName,
  type Span,
} from './wire-packets.ts';

export interface ColumnDef {
  name: string;
  table: string;
  type: number;
  flags: number;
  charset: number;
}

export interface OkInfo {
  affected: number;
  insertId: number;
  status: number;
  warnings: number;
  info: string;
  /** The database the session moved to, when the server tracks it (CLIENT_SESSION_TRACK). */
  schema?: string;
  nodes: TraceNode[];
}

export interface ErrInfo {
  code: number;
  sqlState: string;
  message: string;
  nodes: TraceNode[];
}

export interface EofInfo {
  warnings: number;
  status: number;
  nodes: TraceNode[];
}

/** A field read by `read`, as a node covering the bytes it took. */
function field<T>(c: Cursor, sp: Span, label: string, read: () => T, show: (v: T) => string = String): [T, TraceNode] {
  const from = c.pos;
  const v = read();
  return [v, { label, value: show(v), at: sp.at(from, c.pos) }];
}

/** Text as the server sent it (utf8mb4 by default), quoted; bytes of a binary column as bytes. */
export function quoteBytes(b: Buffer, binary = false): string {
  if (binary) return quoteValue(b);
  const cut = b.length > TRACE_VALUE_CHARS * 4;
  const text = (cut ? b.subarray(0, TRACE_VALUE_CHARS * 4) : b).toString('utf8');
  if (!cut && text.length <= TRACE_VALUE_CHARS) return quoteValue(text);
  return `${quoteValue(text.slice(0, TRACE_VALUE_CHARS))}… (${b.length} bytes)`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** After the 0x00 (or 0xFE) header. Nodes only when `full`: the decoder reads a reply twice (see wire-decoder.ts). */
export function readOk(c: Cursor, sp: Span, caps: number, headerLabel = 'OK', full = true): OkInfo {
  const nodes: TraceNode[] = [];
  const ok: OkInfo = { affected: 0, insertId: 0, status: 0, warnings: 0, info: '', nodes };
  if (full) nodes.push({ label: 'header', value: headerLabel, at: sp.at(c.pos - 1, c.pos) });
  let from = c.pos;
  ok.affected = c.lenenc() ?? 0;
  if (full) nodes.push({ label: 'affected rows', value: String(ok.affected), at: sp.at(from, c.pos) });
  from = c.pos;
  ok.insertId = c.lenenc() ?? 0;
  if (full) nodes.push({ label: 'last insert id', value: String(ok.insertId), at: sp.at(from, c.pos) });
  if (caps & CLIENT.PROTOCOL_41) {
    from = c.pos;
    ok.status = c.u16();
    if (full) nodes.push(statusNode(ok.status, sp.at(from, c.pos)));
    from = c.pos;
    ok.warnings = c.u16();
    if (full) nodes.push({ label: 'warnings', value: String(ok.warnings), at: sp.at(from, c.pos) });
  }
  if (c.left === 0) return ok;
  from = c.pos;
  if (caps & CLIENT.SESSION_TRACK) {
    ok.info = c.lenencText();
    if (ok.info && full) nodes.push({ label: 'info', value: quoteValue(ok.info), at: sp.at(from, c.pos) });
    if (ok.status & STATUS.SESSION_STATE_CHANGED && c.left > 0) {
      const state = sessionState(c, sp, ok);
      if (full) nodes.push(state);
    }
  } else {
    ok.info = c.restText();
    if (full) nodes.push({ label: 'info', value: quoteValue(ok.info), at: sp.at(from, c.pos) });
  }
  return ok;
}

const TRACKERS = [
  'system variable',
  'schema',
  'state change',
  'GTIDs',
  'transaction characteristics',
  'transaction state',
];

/** CLIENT_SESSION_TRACK's list of what changed; a schema change names the session's new database. */
function sessionState(c: Cursor, sp: Span, ok: OkInfo): TraceNode {
  const from = c.pos;
  const total = c.lenenc() ?? 0;
  const end = Math.min(c.buf.length, c.pos + total);
  const children: TraceNode[] = [];
  while (c.pos < end && !c.short) {
    const at = c.pos;
    const type = c.u8();
    const data = new Cursor(c.lenencBytes() ?? Buffer.alloc(0));
    let value: string;
    if (type === 0) {
      const name = data.lenencText();
      value = `${name} = ${quoteBytes(data.lenencBytes() ?? Buffer.alloc(0))}`;
    } else if (type === 1) {
      ok.schema = data.lenencText();
      value = quoteValue(ok.schema);
    } else {
      value = quoteBytes(type === 2 || type === 5 ? (data.lenencBytes() ?? data.rest()) : data.rest());
    }
    children.push({ label: TRACKERS[type] ?? `tracker ${type}`, value, at: sp.at(at, c.pos) });
  }
  return { label: 'session state changes', at: sp.at(from, c.pos), children };
}

function statusNode(status: number, at: [number, number]): TraceNode {
  const set = statusNames(status);
  const node: TraceNode = { label: 'status flags', value: `0x${status.toString(16).padStart(4, '0')}`, at };
  if (set !== 'none') node.children = set.split(' ').map((label) => ({ label }));
  return node;
}

export function okSummary(ok: OkInfo): string {
  const parts = ['OK'];
  if (ok.affected > 0) parts.push(`${plural(ok.affected, 'row')} affected`);
  if (ok.insertId > 0) parts.push(`last insert id ${ok.insertId}`);
  if (ok.warnings > 0) parts.push(plural(ok.warnings, 'warning'));
  if (ok.status & STATUS.IN_TRANS) parts.push('in transaction');
  return parts.join(', ');
}

/** After the 0xFF header. The server sends an SQL state when both sides speak protocol 4.1. */
export function readErr(c: Cursor, sp: Span, full = true): ErrInfo {
  const nodes: TraceNode[] = [];
  if (full) nodes.push({ label: 'header', value: 'ERR', at: sp.at(c.pos - 1, c.pos) });
  let from = c.pos;
  const code = c.u16();
  if (full) nodes.push({ label: 'error code', value: String(code), at: sp.at(from, c.pos) });
  let sqlState = '';
  if (c.left > 0 && c.buf[c.pos] === 0x23) {
    from = c.pos;
    sqlState = c.bytes(6).toString('latin1', 1);
    if (full) nodes.push({ label: 'SQL state', value: sqlState, at: sp.at(from, c.pos) });
  }
  from = c.pos;
  const message = c.restText();
  if (full) nodes.push({ label: 'message', value: quoteValue(message), at: sp.at(from, c.pos) });
  return { code, sqlState, message, nodes };
}

export function errSummary(err: ErrInfo): string {
  const state = err.sqlState ? ` (${err.sqlState})` : '';
  return `ERR ${err.code}${state} ${err.message.replace(/\s+/g, ' ')}`;
}

/** After the 0xFE header. */
export function readEof(c: Cursor, sp: Span, caps: number, full = true): EofInfo {
  const nodes: TraceNode[] = [];
  if (full) nodes.push({ label: 'header', value: 'EOF', at: sp.at(c.pos - 1, c.pos) });
  if (!(caps & CLIENT.PROTOCOL_41) || c.left < 4) return { warnings: 0, status: 0, nodes };
  let from = c.pos;
  const warnings = c.u16();
  if (full) nodes.push({ label: 'warnings', value: String(warnings), at: sp.at(from, c.pos) });
  from = c.pos;
  const status = c.u16();
  if (full) nodes.push(statusNode(status, sp.at(from, c.pos)));
  return { warnings, status, nodes };
}

export function eofSummary(eof: EofInfo): string {
  return eof.warnings > 0 ? `EOF, ${plural(eof.warnings, 'warning')}` : 'EOF';
}

/**
 * A column definition (Protocol::ColumnDefinition41). `extended`: MariaDB's extended type info
 * (MARIADB_CLIENT_EXTENDED_METADATA); `withDefault`: COM_FIELD_LIST's default value at the end.
 */
export function readColumn(
  c: Cursor,
  sp: Span,
  extended: boolean,
  withDefault = false,
): { col: ColumnDef; node: TraceNode } {
  const children: TraceNode[] = [];
  const str = (label: string): string => {
    const from = c.pos;
    const v = c.lenencText();
    children.push({ label, value: quoteValue(v), at: sp.at(from, c.pos) });
    return v;
  };
  str('catalog');
  str('schema');
  const table = str('table');
  str('original table');
  const name = str('name');
  str('original name');
  if (extended) {
    const from = c.pos;
    const info = new Cursor(c.lenencBytes() ?? Buffer.alloc(0));
    const parts: string[] = [];
    while (info.left > 0 && !info.short) {
      const kind = info.u8();
      parts.push(`${kind === 0 ? 'type' : kind === 1 ? 'format' : kind}=${info.lenencText()}`);
    }
    if (parts.length > 0)
      children.push({ label: 'extended type info', value: parts.join(' '), at: sp.at(from, c.pos) });
  }
  c.lenenc(); // length of the fixed fields, always 0x0c
  const [charset, n1] = field(c, sp, 'character set', () => c.u16());
  const [, n2] = field(c, sp, 'column length', () => c.u32());
  const [type, n3] = field(c, sp, 'type', () => c.u8(), typeName);
  const from = c.pos;
  const flags = c.u16();
  const flagText = fieldFlagNames(flags);
  const n4 = {
    label: 'flags',
    value: `0x${flags.toString(16).padStart(4, '0')} ${flagText}`.trim(),
    at: sp.at(from, c.pos),
  };
  const [, n5] = field(c, sp, 'decimals', () => c.u8());
  children.push(n1, n2, n3, n4, n5);
  if (c.left >= 2) c.u16(); // filler
  if (withDefault && c.left > 0) {
    const at = c.pos;
    const dflt = c.lenencBytes();
    children.push({ label: 'default', value: dflt === null ? 'NULL' : quoteBytes(dflt), at: sp.at(at, c.pos) });
  }
  const where = table ? `, table ${table}` : '';
  const node: TraceNode = {
    label: name,
    value: `${typeName(type)}${where}${flagText ? ', ' + flagText : ''}`,
    at: sp.at(0, c.buf.length),
    children,
  };
  return { col: { name, table, type, flags, charset }, node };
}

/** What the decoder needs of a column definition, without its tree (readColumn builds that). */
export function skimColumn(c: Cursor, extended: boolean): ColumnDef {
  for (let i = 0; i < (extended ? 7 : 6); i++) c.skipLenenc();
  c.lenenc();
  const charset = c.u16();
  c.skip(4);
  const type = c.u8();
  const flags = c.u16();
  return { name: '', table: '', type, flags, charset };
}

/** A row of the text protocol: each value a length-encoded string, or 0xFB for NULL. */
export function readTextRow(c: Cursor, sp: Span, cols: ColumnDef[], label: string): TraceNode {
  const children: TraceNode[] = [];
  const values: string[] = [];
  for (let i = 0; c.left > 0 && !c.short; i++) {
    const from = c.pos;
    const b = c.lenencBytes();
    const col = cols[i];
    const v = b === null ? 'NULL' : quoteBytes(b, col?.charset === BINARY_CHARSET);
    values.push(v);
    children.push({ label: col?.name || `column ${i + 1}`, value: v, at: sp.at(from, c.pos) });
  }
  return { label, value: joinValues(values), at: sp.at(0, c.buf.length), children };
}

/** A row of the binary protocol: 0x00, a NULL bitmap offset by 2 bits, then the non-NULL values by type. */
export function readBinaryRow(c: Cursor, sp: Span, cols: ColumnDef[], label: string): TraceNode {
  c.u8();
  const bitmap = c.bytes((cols.length + 7 + 2) >> 3);
  const children: TraceNode[] = [];
  const values: string[] = [];
  cols.forEach((col, i) => {
    const bit = i + 2;
    const from = c.pos;
    const isNull = (bitmap[bit >> 3] & (1 << (bit & 7))) !== 0;
    const v = isNull
      ? 'NULL'
      : readBinaryValue(c, col.type, (col.flags & FIELD.UNSIGNED) !== 0, col.charset === BINARY_CHARSET);
    values.push(v);
    children.push({ label: col.name || `column ${i + 1}`, value: v, at: sp.at(from, c.pos) });
  });
  return { label, value: joinValues(values), at: sp.at(0, c.buf.length), children };
}

export function joinValues(values: string[]): string {
  const text = values.join(', ');
  return text.length > TRACE_VALUE_CHARS ? text.slice(0, TRACE_VALUE_CHARS) + '…' : text;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** One value of the binary protocol: numbers, dates and times bare (as the mysql client prints them), strings quoted. */
export function readBinaryValue(c: Cursor, type: number, unsigned: boolean, binary: boolean): string {
  switch (type) {
    case TYPE.TINY: {
      const v = c.u8();
      return String(unsigned || v < 0x80 ? v : v - 0x100);
    }
    case TYPE.SHORT:
    case TYPE.YEAR: {
      const v = c.u16();
      return String(unsigned || v < 0x8000 ? v : v - 0x10000);
    }
    case TYPE.LONG:
    case TYPE.INT24: {
      const v = c.u32();
      return String(unsigned ? v : v | 0);
    }
    case TYPE.LONGLONG: {
      const v = c.u64();
      return String(unsigned ? v : BigInt.asIntN(64, v));
    }
    case TYPE.FLOAT: {
      const b = c.bytes(4);
      return b.length === 4 ? String(Number(b.readFloatLE(0).toPrecision(7))) : '0';
    }
    case TYPE.DOUBLE: {
      const b = c.bytes(8);
      return b.length === 8 ? String(b.readDoubleLE(0)) : '0';
    }
    case TYPE.NULL:
      return 'NULL';
    case TYPE.DATE:
    case TYPE.NEWDATE:
    case TYPE.DATETIME:
    case TYPE.TIMESTAMP: {
      const d = new Cursor(c.bytes(c.u8()));
      const date = `${pad(d.u16(), 4)}-${pad(d.u8())}-${pad(d.u8())}`;
      if (d.buf.length <= 4 && (type === TYPE.DATE || type === TYPE.NEWDATE)) return date;
      const time = `${pad(d.u8())}:${pad(d.u8())}:${pad(d.u8())}`;
      const micro = d.buf.length > 7 ? `.${pad(d.u32(), 6)}` : '';
      return `${date} ${time}${micro}`;
    }
    case TYPE.TIME: {
      const t = new Cursor(c.bytes(c.u8()));
      const negative = t.u8() === 1;
      const hours = t.u32() * 24 + t.u8();
      const rest = `${pad(t.u8())}:${pad(t.u8())}${t.buf.length > 8 ? `.${pad(t.u32(), 6)}` : ''}`;
      return `${negative ? '-' : ''}${pad(hours)}:${rest}`;
    }
    default: {
      const b = c.lenencBytes();
      return b === null ? 'NULL' : quoteBytes(b, binary);
    }
  }
}
