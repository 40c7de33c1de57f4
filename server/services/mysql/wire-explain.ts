// The one-line hints beside MySQL error replies, for the trace (explain()) and the terminal
// (terminal-hints.ts) alike: ERROR 1146 names the tables that do exist, closest name first;
// ERROR 1064 points a caret at where the server stopped reading; ERROR 1142 on a classroom learner's
// own database says it is over its size cap (database-cap.ts). The texts are made by functions of
// plain data (the SQL, the message, the table names); only listTables() asks the server.
import mysql from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2';
import { withTimeout } from '../../util/async.ts';
import type { ExplainContext } from '../wire-types.ts';
import { escapeControls } from './columns.ts';
import { displayWidth } from './display-width.ts';
import { parseMysqlUrl, type MysqlTarget } from './mysql-url.ts';
import type { MysqlWireDetail } from './wire-decoder.ts';
import { closestFirst } from '../../util/closest-names.ts';
import { capHint } from './database-cap.ts';

export const ER_NO_SUCH_TABLE = 1146;
export const ER_PARSE_ERROR = 1064;
/** "INSERT command denied to user …": in the classroom, the database may be over its size cap. */
export const ER_TABLEACCESS_DENIED_ERROR = 1142;

/** Tables a hint names before "and N more". */
const TABLES_LISTED = 8;
/** The hint's connection to ask for the tables: a hint that comes late is no use. */
const LIST_TIMEOUT_MS = 3000;
/** Columns of the SQL line a 1064 hint shows, and how much of it before the caret at most. */
const SQL_LINE_COLUMNS = 72;
const BEFORE_CARET_COLUMNS = 40;

/** "Table 'shop.user' doesn't exist" → shop and user (`database` settles a name with a dot in it). */
export function missingTable(message: string, database?: string | null): { database: string; table: string } | null {
  const m = /^Table '([\s\S]+)' doesn't exist$/.exec(message.trim());
  if (!m) return null;
  const full = m[1];
  if (database && full.startsWith(database + '.')) return { database, table: full.slice(database.length + 1) };
  const dot = full.indexOf('.');
  return dot > 0 ? { database: full.slice(0, dot), table: full.slice(dot + 1) } : null;
}

/** `no table "user" in shop; it has: users, orders`: the closest names first. */
export function missingTableHint(table: string, database: string, tables: readonly string[]): string {
  if (tables.length === 0) return `no table "${table}" in ${database}, which has no tables yet`;
  const ranked = closestFirst(table, tables, true);
  const shown = ranked.slice(0, TABLES_LISTED).join(', ');
  const more = ranked.length > TABLES_LISTED ? `, and ${ranked.length - TABLES_LISTED} more` : '';
  return `no table "${table}" in ${database}; it has: ${shown}${more}`;
}

/**
 * Where a syntax error is, under the SQL: two lines joined by "\n", the statement's line (cut to
 * a window around the spot, "line N: " before it when the statement has several) and a caret
 * line whose "^" stands under the spot in a monospace view. The terminal prints each line dimmed;
 * a web view shows them in a <pre>. Null when the spot the server names cannot be found in `sql`.
 */
export function syntaxHint(sql: string, message: string): string | null {
  const m = /near '([\s\S]*)' at line (\d+)\s*$/.exec(message);
  if (!m) return null;
  const near = m[1];
  let pos = locate(sql, near, Number(m[2]));
  if (pos < 0) return null;
  const atEnd = near.trim() === '' || pos >= sql.trimEnd().length;
  if (atEnd) pos = sql.trimEnd().length;
  const lineStart = sql.lastIndexOf('\n', pos - 1) + 1;
  let lineEnd = sql.indexOf('\n', pos);
  if (lineEnd < 0) lineEnd = sql.length;
  const lineNo = sql.slice(0, lineStart).split('\n').length;
  let before = visible(sql.slice(lineStart, pos));
  let after = visible(sql.slice(pos, lineEnd)).trimEnd();
  if (displayWidth(before) > BEFORE_CARET_COLUMNS)
    before = '…' + before.slice(before.length - BEFORE_CARET_COLUMNS + 10);
  const room = Math.max(10, SQL_LINE_COLUMNS - displayWidth(before));
  if (after.length > room) after = after.slice(0, room) + '…';
  const label = sql.trim().includes('\n') ? `line ${lineNo}: ` : '';
  const caret = ' '.repeat(displayWidth(label + before)) + '^' + (atEnd ? ' the statement ends here, unfinished' : '');
  return `${label}${before}${after}\n${caret}`;
}

/**
 * Where the server's "near '…'" starts in `sql`. It quotes the rest of the text from the spot,
 * cut at 80 characters (sometimes with "..." added); uncut, it is the text's end.
 */
function locate(sql: string, near: string, line: number): number {
  if (sql.endsWith(near)) return sql.length - near.length;
  const probe = near.replace(/\.\.\.$/, '');
  if (probe === '') return -1;
  let lineStart = 0;
  for (let l = 1; l < line && lineStart >= 0; l++) lineStart = sql.indexOf('\n', lineStart) + 1 || -1;
  const onLine = lineStart >= 0 ? sql.indexOf(probe, lineStart) : -1;
  return onLine >= 0 ? onLine : sql.indexOf(probe);
}

/** As the terminal shows text: controls escaped, a tab one space (so the caret's column holds). */
function visible(text: string): string {
  return escapeControls(text.replace(/[\t\r]/g, ' '));
}

/** The tables of `database` the target's account can see; null if the server cannot be asked. */
export async function listTables(target: MysqlTarget, database: string): Promise<string[] | null> {
  let conn: mysql.Connection | null = null;
  const ask = (async () => {
    conn = await mysql.createConnection({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      connectTimeout: LIST_TIMEOUT_MS,
    });
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
      [database],
    );
    return rows.map((r) => String(r.name));
  })();
  try {
    return await withTimeout(ask, LIST_TIMEOUT_MS);
  } catch {
    return null;
  } finally {
    // A connection that opens after the timeout is closed when it does.
    void ask.catch(() => null).finally(() => closeQuietly(conn));
  }
}

function closeQuietly(conn: mysql.Connection | null): void {
  if (!conn) return;
  const c = conn;
  c.end().catch(() => c.destroy());
}

/** The hint for a server error, given what it answered; null when there is nothing to add. */
export async function errorHint(
  target: MysqlTarget,
  error: { code: number; message: string; sql?: string; database?: string | null },
): Promise<string | null> {
  if (error.code === ER_PARSE_ERROR) return error.sql === undefined ? null : syntaxHint(error.sql, error.message);
  if (error.code === ER_TABLEACCESS_DENIED_ERROR) return capHint(target.user, error.message);
  if (error.code !== ER_NO_SUCH_TABLE) return null;
  const missing = missingTable(error.message, error.database);
  if (!missing) return null;
  const tables = await listTables(target, missing.database);
  return tables ? missingTableHint(missing.table, missing.database, tables) : null;
}

/** WireProtocol.explain for MySQL. Never throws. */
export async function explainMysql(ctx: ExplainContext): Promise<string | null> {
  try {
    const detail = ctx.reply.detail as MysqlWireDetail | undefined;
    if (detail?.kind !== 'error') return null;
    const request = ctx.request?.detail as MysqlWireDetail | undefined;
    const sql = detail.sql ?? (request?.kind === 'command' ? request.sql : undefined);
    return await errorHint(parseMysqlUrl(ctx.endpoint.url), { ...detail, sql });
  } catch {
    return null;
  }
}
