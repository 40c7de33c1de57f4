// The MySQL Inspect view: the learner's database, its tables with columns, indexes, foreign keys
// and row counts, for the schema and ER view. MySQL pushes nothing, so the view asks one cheap
// question every REFRESH_MS (each table's row estimate and last change, from
// information_schema.TABLES, for this database only) and reads the whole schema again only when
// the answer moved: a CREATE, an ALTER, a DROP, or rows written (UPDATE_TIME). That time has a
// resolution of a second, so while a table changed in the last two seconds the view reads again
// at every look, so that a second write in the same second is not missed. A statement the learner
// typed in the MySQL terminal nudges the view to look at once, when its answer came.
import mysql from 'mysql2/promise';
import { MYSQL_ROWS_LIMIT, type MysqlInspectState, type MysqlShownRows } from '../../../shared/inspect.ts';
import { oneAtATime, parseShow, type ServiceInspector } from '../inspect-types.ts';
import { openMysql } from './own-client.ts';

export const REFRESH_MS = 1_000;
/** Exact row counts (COUNT(*)) for this many tables at most; the rest show the server's estimate. */
export const COUNT_LIMIT = 50;
/** A table written this recently (seconds) is read again at the next look. */
const RECENT_S = 2;

type Row = Record<string, unknown>;

async function fingerprint(conn: mysql.Connection, db: string): Promise<{ key: string; recent: boolean }> {
  const [rows] = await conn.query(
    `SELECT TABLE_NAME AS t, TABLE_ROWS AS r, UPDATE_TIME AS u, CREATE_TIME AS c,
            UNIX_TIMESTAMP() - UNIX_TIMESTAMP(UPDATE_TIME) AS age
       FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
    [db],
  );
  const list = rows as Row[];
  return {
    key: JSON.stringify(list.map((r) => [r.t, r.r, r.u, r.c])),
    recent: list.some((r) => r.age !== null && Number(r.age) <= RECENT_S),
  };
}

/** The first rows of `table`, as the page asked (`input` {"show": table}). */
async function readRows(conn: mysql.Connection, table: string, total: number | undefined): Promise<MysqlShownRows> {
  if (total === undefined) return { table, columns: [], rows: [], total: 0, missing: true };
  const [rows, fields] = await conn.query({
    sql: `SELECT * FROM ${mysql.escapeId(table)} LIMIT ${MYSQL_ROWS_LIMIT}`,
    rowsAsArray: true,
  });
  return {
    table,
    columns: (fields ?? []).map((f) => f.name),
    rows: (rows as unknown[][]).map((r) =>
      r.map((v) => (v === null ? null : Buffer.isBuffer(v) ? v.toString('hex') : String(v))),
    ),
    total,
    missing: false,
  };
}

async function readSchema(conn: mysql.Connection, db: string, show: string | null): Promise<MysqlInspectState> {
  const q = async (sql: string) => (await conn.query(sql, [db]))[0] as Row[];
  const [tables, columns, indexes, keys] = await Promise.all([
    q(`SELECT TABLE_NAME AS t, TABLE_ROWS AS r FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`),
    q(`SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS n, COLUMN_DEFAULT AS d,
              COLUMN_KEY AS k FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`),
    q(`SELECT TABLE_NAME AS t, INDEX_NAME AS i, COLUMN_NAME AS c, NON_UNIQUE AS nu FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`),
    q(`SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS name, COLUMN_NAME AS c, REFERENCED_TABLE_NAME AS rt,
              REFERENCED_COLUMN_NAME AS rc FROM information_schema.KEY_COLUMN_USAGE
        WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY TABLE_NAME, CONSTRAINT_NAME`),
  ]);
  const result: MysqlInspectState['tables'] = [];
  for (const [i, t] of tables.entries()) {
    const name = String(t.t);
    let rows = Number(t.r ?? 0);
    if (i < COUNT_LIMIT) {
      const [counted] = await conn.query(`SELECT COUNT(*) AS n FROM ${mysql.escapeId(name)}`);
      rows = Number((counted as Row[])[0].n);
    }
    const byIndex = new Map<string, { name: string; columns: string[]; unique: boolean }>();
    for (const ix of indexes.filter((x) => x.t === name)) {
      const entry = byIndex.get(String(ix.i)) ?? { name: String(ix.i), columns: [], unique: Number(ix.nu) === 0 };
      entry.columns.push(String(ix.c));
      byIndex.set(entry.name, entry);
    }
    result.push({
      name,
      rows,
      columns: columns
        .filter((c) => c.t === name)
        .map((c) => ({
          name: String(c.c),
          type: String(c.type),
          nullable: c.n === 'YES',
          default: c.d === null ? null : String(c.d),
          key: String(c.k ?? ''),
        })),
      indexes: [...byIndex.values()],
      foreignKeys: keys
        .filter((k) => k.t === name)
        .map((k) => ({
          name: String(k.name),
          column: String(k.c),
          references: { table: String(k.rt), column: String(k.rc) },
        })),
    });
  }
  const shown = show === null ? null : await readRows(conn, show, result.find((t) => t.name === show)?.rows);
  return { database: db, tables: result, refreshMs: REFRESH_MS, shown };
}

export const inspectMysql: ServiceInspector = async (endpoint, output) => {
  const { conn, db } = await openMysql(endpoint);
  let closed = false;
  conn.on('error', (err) => {
    if (!closed) output.fail(`the view lost MySQL (${err.message})`);
  });
  let last = '';
  let sent = '';
  /** The table whose rows the page shows (its `input` {"show": table}; null: none). */
  let show: string | null = null;
  const send = (state: MysqlInspectState) => {
    const text = JSON.stringify(state);
    if (text === sent || closed) return;
    sent = text;
    output.state(state);
  };
  const look = oneAtATime(async () => {
    if (closed) return;
    try {
      const seen = await fingerprint(conn, db);
      if (seen.key !== last || seen.recent) {
        last = seen.key;
        send(await readSchema(conn, db, show));
      }
    } catch (err) {
      if (!closed) output.fail(`the view lost MySQL (${(err as Error).message})`);
    }
  });
  last = (await fingerprint(conn, db)).key;
  send(await readSchema(conn, db, show));
  const timer = setInterval(look, REFRESH_MS);
  return {
    nudge: look,
    input(data) {
      const asked = parseShow(data);
      if (asked === undefined) return;
      show = asked;
      // Read again whatever the look finds: the page waits for the rows.
      last = '';
      look();
    },
    close() {
      closed = true;
      clearInterval(timer);
      void conn.end().catch(() => conn.destroy());
    },
  };
};
