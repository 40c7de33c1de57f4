// What a run did to the learner's database: the tables it created and dropped, and per table the
// rows before and after (COUNT(*)) and whether their content changed at all (CHECKSUM TABLE, which
// sees an UPDATE that leaves the count as it was). Tables past TABLE_LIMIT, or longer than
// ROWS_LIMIT by the server's estimate, are compared by name only.
import type mysql from 'mysql2/promise';
import { plural, someNames, type RunWatcher } from '../run-watch-types.ts';
import { openMysql } from './own-client.ts';

const TABLE_LIMIT = 50;
const ROWS_LIMIT = 100_000;

type Row = Record<string, unknown>;
type Look = Map<string, { rows: number | null; checksum: string | null; created: string }>;

async function look(conn: mysql.Connection, db: string): Promise<Look> {
  const [list] = await conn.query(
    `SELECT TABLE_NAME AS t, TABLE_ROWS AS r, CREATE_TIME AS c FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
    [db],
  );
  const tables = list as Row[];
  const seen: Look = new Map(tables.map((t) => [String(t.t), { rows: null, checksum: null, created: String(t.c) }]));
  const measured = tables.filter((t) => Number(t.r ?? 0) <= ROWS_LIMIT).slice(0, TABLE_LIMIT);
  if (measured.length === 0) return seen;
  const names = measured.map((t) => String(t.t));
  const ids = names.map((n) => conn.escapeId(n));
  const [counts] = await conn.query(
    ids.map((id, i) => `SELECT ${i} AS i, COUNT(*) AS n FROM ${id}`).join(' UNION ALL '),
  );
  for (const c of counts as Row[]) seen.get(names[Number(c.i)])!.rows = Number(c.n);
  const [sums] = await conn.query(`CHECKSUM TABLE ${ids.join(', ')}`);
  for (const s of sums as Row[]) {
    const name = String(s.Table).slice(db.length + 1);
    const entry = seen.get(name);
    if (entry) entry.checksum = s.Checksum === null ? null : String(s.Checksum);
  }
  return seen;
}

export const mysqlRunWatch: RunWatcher = {
  mentions: /mysql|sqlalchemy|mariadb|3306/i,
  async start(endpoint) {
    const { conn, db } = await openMysql(endpoint);
    conn.on('error', () => {});
    let before: Look;
    try {
      before = await look(conn, db);
    } catch (err) {
      void conn.end().catch(() => {});
      throw err;
    }
    return {
      cancel: () => void conn.end().catch(() => {}),
      async finish() {
        try {
          const after = await look(conn, db);
          const lines: string[] = [];
          const created = [...after.keys()].filter((t) => !before.has(t));
          const dropped = [...before.keys()].filter((t) => !after.has(t));
          if (created.length) lines.push(`${plural(created.length, 'table')} created: ${someNames(created)}`);
          if (dropped.length) lines.push(`${plural(dropped.length, 'table')} dropped: ${someNames(dropped)}`);
          for (const [table, now] of after) {
            const was = before.get(table) ?? { rows: 0, checksum: null, created: now.created };
            if (was.created !== now.created) {
              // Dropped and made again (SQLAlchemy's drop_all and create_all), whatever it holds now.
              lines.push(
                `${table}: dropped and created again${now.rows === null ? '' : `, ${plural(now.rows, 'row')} now`}`,
              );
              continue;
            }
            if (now.rows === null || was.rows === null) continue;
            if (now.rows !== was.rows) {
              const diff = now.rows - was.rows;
              lines.push(`${table}: ${was.rows} → ${plural(now.rows, 'row')} (${diff > 0 ? '+' : ''}${diff})`);
            } else if (before.has(table) && now.checksum !== was.checksum) {
              lines.push(`${table}: rows changed (still ${plural(now.rows, 'row')})`);
            }
          }
          return lines;
        } finally {
          void conn.end().catch(() => {});
        }
      },
    };
  },
};
