// The commands a MySQL client sends once logged in (COM_QUERY, COM_STMT_EXECUTE…), read into
// trace nodes with a one-line summary, and what the decoder needs to read their reply: which kind
// of reply comes back, the SQL, the statement. Parameters of COM_STMT_EXECUTE are read by the
// types the client binds (or bound before), for the statement whose COM_STMT_PREPARE was seen.
import { quoteValue, type TraceNode } from '../../../shared/trace.ts';
import { readChangeUser, type Parsed } from './wire-login.ts';
import { CLIENT, COMMANDS, Cursor, typeName, type Span } from './wire-packets.ts';
import { joinValues, quoteBytes, readBinaryValue, type ColumnDef } from './wire-replies.ts';

/** How the reply to a command is laid out (see wire-decoder.ts). */
export type ReplyKind =
  'auth' | 'query' | 'binary' | 'prepare' | 'fieldList' | 'statistics' | 'simple' | 'fetch' | 'none' | 'stream';

export interface ParamType {
  type: number;
  unsigned: boolean;
}

/** A prepared statement, from its COM_STMT_PREPARE and its reply, until COM_STMT_CLOSE. */
export interface Statement {
  id: number;
  sql: string;
  params: ColumnDef[];
  columns: ColumnDef[];
  /** The parameter types bound by the last COM_STMT_EXECUTE that sent them. */
  types: ParamType[] | null;
}

export interface Command extends Parsed {
  name: string;
  reply: ReplyKind;
  sql?: string;
  /** The database the session is in after this command succeeds (COM_INIT_DB, USE db). */
  use?: string;
  statement?: Statement;
  /** COM_STMT_CLOSE: the statement that is gone. */
  closes?: number;
}

/** Longest SQL a summary shows whole; longer SQL keeps its start and its end around "…". */
export const SQL_SUMMARY_CHARS = 80;
/** Of a cut SQL: at most this much of its start… */
const SQL_HEAD_CHARS = 32;
/** …and of its end, starting at a clause (WHERE, VALUES…) when one starts near enough the end. */
const SQL_TAIL_CHARS = 48;
/** Of a very long SQL (a bulk INSERT) only this much of each end is looked at for its summary. */
const SQL_SCAN_CHARS = 1024;

/** One line of SQL for a summary: whitespace squashed, control bytes escaped, long SQL cut in the middle. */
export function shortSql(sql: string): string {
  // Most SQL is already one short line; a long one only shows its two ends, so only they are read.
  if (sql.length <= SQL_SUMMARY_CHARS && !/[\x00-\x1f\x7f]|^ | $| {2}/.test(sql)) return sql;
  const text = sql.length > SQL_SCAN_CHARS * 2 ? `${sql.slice(0, SQL_SCAN_CHARS)} ${sql.slice(-SQL_SCAN_CHARS)}` : sql;
  const line = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\x00-\x1f\x7f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  if (line.length <= SQL_SUMMARY_CHARS) return line;
  let head = line.slice(0, SQL_HEAD_CHARS + 1);
  const space = head.lastIndexOf(' ');
  // Not ending on a dangling comma, parenthesis or alias: "SELECT users.id AS users_id," → "SELECT users.id".
  head = (space > 0 ? head.slice(0, space) : head.slice(0, SQL_HEAD_CHARS)).replace(/[,(]$/, '');
  head = head.replace(/ AS( \S+)?$/i, '');
  // …and naming the table when it stops right before it: "SELECT COUNT(*) FROM tables", not "… FROM".
  const table = / (FROM|INTO|UPDATE|JOIN|TABLE)$/i.test(head) ? /^ \S+/.exec(line.slice(head.length)) : null;
  if (table) head += table[0];
  const rest = line.slice(head.length);
  let tailStart = -1;
  for (const m of rest.matchAll(/ (WHERE|VALUES|SET|FROM|LIMIT|ORDER BY|GROUP BY|AND|OR) /gi)) {
    if (rest.length - m.index <= SQL_TAIL_CHARS + 1) {
      tailStart = m.index + 1;
      break;
    }
  }
  if (tailStart < 0) {
    const from = rest.length - SQL_TAIL_CHARS;
    const next = rest.indexOf(' ', from);
    tailStart = next >= 0 && next < rest.length - 1 ? next + 1 : from;
  }
  return `${head} … ${rest.slice(tailStart)}`;
}

/** `USE db` (or `` USE `my db` ``), the statement that moves a session to another database. */
export function useTarget(sql: string): string | undefined {
  const m = /^\s*use\s+(`(?:[^`]|``)+`|[^\s;`]+)\s*;?\s*$/i.exec(sql);
  if (!m) return undefined;
  const name = m[1];
  return name.startsWith('`') ? name.slice(1, -1).replace(/``/g, '`') : name;
}

const REPLIES: Record<string, ReplyKind> = {
  COM_QUIT: 'none',
  COM_QUERY: 'query',
  COM_PROCESS_INFO: 'query',
  COM_FIELD_LIST: 'fieldList',
  COM_STATISTICS: 'statistics',
  COM_CHANGE_USER: 'auth',
  COM_STMT_PREPARE: 'prepare',
  COM_STMT_EXECUTE: 'binary',
  COM_STMT_BULK_EXECUTE: 'binary',
  COM_STMT_SEND_LONG_DATA: 'none',
  COM_STMT_CLOSE: 'none',
  COM_STMT_FETCH: 'fetch',
  COM_BINLOG_DUMP: 'stream',
  COM_BINLOG_DUMP_GTID: 'stream',
};

const SET_OPTIONS: Record<number, string> = { 0: 'MULTI_STATEMENTS_ON', 1: 'MULTI_STATEMENTS_OFF' };

/** COM_STMT_EXECUTE's flags: the cursor it asks for. */
const CURSOR_TYPES: Record<number, string> = {
  0: 'CURSOR_TYPE_NO_CURSOR',
  1: 'CURSOR_TYPE_READ_ONLY',
  2: 'CURSOR_TYPE_FOR_UPDATE',
  4: 'CURSOR_TYPE_SCROLLABLE',
};

/** Values a COM_STMT_EXECUTE summary shows before "…". */
const SUMMARY_VALUE_CHARS = 60;

/** Finds a prepared statement by id (0xFFFFFFFF: MariaDB's "the one just prepared"). */
export interface Statements {
  statement(id: number): Statement | undefined;
}

/** Reads a command's fields, adding their nodes when the tree is wanted (`full`). */
class Fields {
  constructor(
    readonly c: Cursor,
    readonly sp: Span,
    readonly nodes: TraceNode[],
    readonly full: boolean,
  ) {}

  add(label: string, from: number, value: string): void {
    if (this.full) this.nodes.push({ label, value, at: this.sp.at(from, this.c.pos) });
  }

  text(label: string): string {
    const from = this.c.pos;
    const v = this.c.restText();
    if (this.full) this.add(label, from, quoteValue(v));
    return v;
  }

  u32(label: string): number {
    const from = this.c.pos;
    const v = this.c.u32();
    this.add(label, from, String(v));
    return v;
  }
}

/**
 * A packet with sequence id 0 from the client. With `full` false only what the summary and the
 * decoder need is read; the tree is read again, with `full`, when someone looks.
 */
export function readCommand(c: Cursor, sp: Span, caps: number, known: Statements, full = true): Command {
  const code = c.u8();
  const name = COMMANDS[code] ?? `COM_0x${code.toString(16).padStart(2, '0')}`;
  const nodes: TraceNode[] = [];
  if (full) nodes.push({ label: 'command', value: `0x${code.toString(16).padStart(2, '0')} ${name}`, at: sp.at(0, 1) });
  const cmd: Command = { name, reply: REPLIES[name] ?? 'simple', summary: name, nodes, masked: [], short: false };
  const f = new Fields(c, sp, nodes, full);
  switch (name) {
    case 'COM_QUERY':
    case 'COM_STMT_PREPARE': {
      if (name === 'COM_QUERY' && caps & CLIENT.QUERY_ATTRIBUTES) queryAttributes(c, sp, nodes);
      cmd.sql = f.text('SQL');
      cmd.summary = `${name} ${shortSql(cmd.sql)}`;
      if (name === 'COM_QUERY') cmd.use = useTarget(cmd.sql);
      break;
    }
    case 'COM_INIT_DB':
    case 'COM_CREATE_DB':
    case 'COM_DROP_DB': {
      const db = f.text('database');
      if (name === 'COM_INIT_DB') cmd.use = db;
      cmd.summary = `${name} ${db}`;
      break;
    }
    case 'COM_FIELD_LIST': {
      const from = c.pos;
      const table = c.buf.indexOf(0, c.pos) >= 0 ? c.nulBytes().toString('utf8') : c.restText();
      f.add('table', from, quoteValue(table));
      if (c.left > 0) f.text('wildcard');
      cmd.summary = `${name} table=${quoteValue(table)}`;
      break;
    }
    case 'COM_STMT_EXECUTE':
      readExecute(f, caps, cmd, known);
      break;
    case 'COM_STMT_CLOSE':
    case 'COM_STMT_RESET': {
      const id = f.u32('statement id');
      if (name === 'COM_STMT_CLOSE') cmd.closes = id;
      cmd.summary = `${name} statement ${id}`;
      break;
    }
    case 'COM_STMT_FETCH': {
      const id = f.u32('statement id');
      const rows = f.u32('rows');
      cmd.statement = known.statement(id);
      cmd.sql = cmd.statement?.sql;
      cmd.summary = `${name} statement ${id}, ${rows} rows`;
      break;
    }
    case 'COM_STMT_SEND_LONG_DATA': {
      const id = f.u32('statement id');
      let from = c.pos;
      const param = c.u16();
      f.add('parameter', from, String(param));
      from = c.pos;
      const data = c.rest();
      if (full) f.add('data', from, quoteBytes(data));
      cmd.summary = `${name} statement ${id}, parameter ${param}, ${data.length} bytes`;
      break;
    }
    case 'COM_STMT_BULK_EXECUTE': {
      const id = f.u32('statement id');
      cmd.statement = known.statement(id);
      cmd.sql = cmd.statement?.sql;
      if (c.left > 0) f.text('flags and values');
      cmd.summary = `${name} statement ${id}`;
      break;
    }
    case 'COM_SET_OPTION': {
      const from = c.pos;
      const option = c.u16();
      const optionName = SET_OPTIONS[option] ?? String(option);
      f.add('option', from, optionName);
      cmd.summary = `${name} ${optionName}`;
      break;
    }
    case 'COM_PROCESS_KILL':
      cmd.summary = `${name} ${f.u32('connection id')}`;
      break;
    case 'COM_CHANGE_USER': {
      const change = readChangeUser(c, sp, caps);
      nodes.push(...change.nodes);
      cmd.summary = change.summary;
      cmd.masked = change.masked;
      if (change.database) cmd.use = change.database;
      break;
    }
    default:
      if (c.left > 0) f.text('arguments');
  }
  cmd.short = c.short;
  return cmd;
}

function readExecute(f: Fields, caps: number, cmd: Command, known: Statements): void {
  const c = f.c;
  let from = c.pos;
  const id = c.u32();
  f.add('statement id', from, id === 0xffffffff ? '0xFFFFFFFF (the one just prepared)' : String(id));
  from = c.pos;
  const flags = c.u8();
  f.add('flags', from, CURSOR_TYPES[flags & 7] ?? `0x${flags.toString(16)}`);
  from = c.pos;
  f.add('iteration count', from, String(c.u32()));
  const stmt = known.statement(id);
  cmd.statement = stmt;
  cmd.sql = stmt?.sql;
  cmd.summary = `COM_STMT_EXECUTE statement ${stmt?.id ?? id}`;
  if (!stmt) {
    from = c.pos;
    const rest = c.rest().length;
    if (rest > 0) f.add('parameters', from, `${rest} bytes, not read: the statement's COM_STMT_PREPARE was not seen`);
    return;
  }
  let count = stmt.params.length;
  if (count === 0) return;
  if (caps & CLIENT.QUERY_ATTRIBUTES) count = c.lenenc() ?? count;
  from = c.pos;
  const bitmap = c.bytes((count + 7) >> 3);
  if (f.full) f.add('NULL bitmap', from, [...bitmap].map((b) => b.toString(2).padStart(8, '0')).join(' '));
  from = c.pos;
  const bound = c.u8();
  f.add('new params bound', from, String(bound));
  if (bound === 1) {
    const types: ParamType[] = [];
    from = c.pos;
    for (let i = 0; i < count; i++) {
      const type = c.u8();
      types.push({ type, unsigned: (c.u8() & 0x80) !== 0 });
      if (caps & CLIENT.QUERY_ATTRIBUTES) c.skipLenenc(); // the parameter's name
    }
    if (f.full) {
      f.add('parameter types', from, types.map((t) => typeName(t.type) + (t.unsigned ? ' UNSIGNED' : '')).join(', '));
    }
    stmt.types = types;
  }
  const types = stmt.types;
  if (!types) {
    from = c.pos;
    f.add('parameter values', from, `${c.rest().length} bytes, not read: no types were ever bound`);
    return;
  }
  const values: string[] = [];
  const children: TraceNode[] = [];
  const valuesFrom = c.pos;
  for (let i = 0; i < count && !c.short; i++) {
    const at = c.pos;
    const isNull = (bitmap[i >> 3] & (1 << (i & 7))) !== 0;
    const t = types[i] ?? { type: 253, unsigned: false };
    const v = isNull ? 'NULL' : readBinaryValue(c, t.type, t.unsigned, false);
    values.push(v);
    if (f.full) children.push({ label: `parameter ${i + 1}`, value: v, at: f.sp.at(at, c.pos) });
  }
  if (f.full)
    cmd.nodes.push({ label: 'parameter values', value: joinValues(values), at: f.sp.at(valuesFrom, c.pos), children });
  let shown = values.join(', ');
  if (shown.length > SUMMARY_VALUE_CHARS) shown = shown.slice(0, SUMMARY_VALUE_CHARS) + '…';
  cmd.summary += ` (${shown})`;
}

/** MySQL 8's query attributes (CLIENT_QUERY_ATTRIBUTES), sent before a COM_QUERY's SQL. */
function queryAttributes(c: Cursor, sp: Span, nodes: TraceNode[]): void {
  const from = c.pos;
  const count = c.lenenc() ?? 0;
  c.lenenc(); // parameter set count, always 1
  const values: string[] = [];
  if (count > 0) {
    const bitmap = c.bytes((count + 7) >> 3);
    const types: (ParamType & { name: string })[] = [];
    if (c.u8() === 1) {
      for (let i = 0; i < count; i++) {
        const type = c.u8();
        const unsigned = (c.u8() & 0x80) !== 0;
        types.push({ type, unsigned, name: c.lenencText() });
      }
    }
    for (let i = 0; i < count && i < types.length; i++) {
      const isNull = (bitmap[i >> 3] & (1 << (i & 7))) !== 0;
      values.push(`${types[i].name}=${isNull ? 'NULL' : readBinaryValue(c, types[i].type, types[i].unsigned, false)}`);
    }
  }
  nodes.push({ label: 'query attributes', value: values.join(', ') || 'none', at: sp.at(from, c.pos) });
}
