// MySQL's step checks and its part of "Start this lesson fresh", asked as the learner's own account
// in the learner's database: a check can only read what the learner can.
//
//   check:  mysql: {table: users, columns: [id, name], rows: 3}
//           mysql: {query: "SELECT name FROM users ORDER BY id", rows: [[Ada], [Bo]]}
//   reset:  mysql: {tables: [orders, users]}
import mysql from 'mysql2/promise';
import { z } from 'zod';
import { abbreviate, plural, textOf } from '../check-compare.ts';
import { absentAlone, count, parseKinds, scalar, text } from '../check-schema.ts';
import {
  CONNECT_TIMEOUT_MS,
  fail,
  pass,
  type CheckOutcome,
  type CheckScope,
  type ServiceChecks,
  type ServiceReset,
} from '../check-types.ts';
import { parseMysqlUrl } from './mysql-url.ts';

/** Table names are put into SQL (quoted); letters, digits, _ and $ are all lessons need. */
const tableName = z.string().regex(/^[A-Za-z0-9_$]{1,64}$/, 'a table name is letters, digits, _ or $');

const tableCheckSchema = z
  .strictObject({
    table: tableName,
    rows: count.optional(),
    columns: z.array(text).min(1).optional(),
    absent: z.literal(true).optional(),
  })
  .superRefine((v, ctx) => absentAlone(v, ['table'], ctx));

const queryCheckSchema = z
  .strictObject({
    query: text,
    rows: z.array(z.array(z.union([scalar, z.null()]))).optional(),
    min_rows: count.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.rows === undefined && v.min_rows === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['query'],
        message: 'a query check needs "rows" (the exact rows) or "min_rows"',
      });
    }
  });

export type TableCheck = z.infer<typeof tableCheckSchema>;
export type QueryCheck = z.infer<typeof queryCheckSchema>;
export type MysqlCheck = ({ kind: 'table' } & TableCheck) | ({ kind: 'query' } & QueryCheck);

type Row = unknown[];

/** One connection for the whole run of checks (or a reset), as the learner's own account. */
function connection(scope: CheckScope): Promise<mysql.Connection> {
  return scope.keep(
    'mysql',
    async () => {
      const target = parseMysqlUrl(scope.endpoint().url);
      const conn = await mysql.createConnection({
        host: target.host,
        port: target.port,
        user: target.user,
        password: target.password,
        database: target.database ?? undefined,
        connectTimeout: CONNECT_TIMEOUT_MS,
        // Values are compared as text: dates as the server writes them, big numbers whole.
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
        rowsAsArray: true,
      });
      conn.on('error', () => {
        /* the failed query reports it */
      });
      return conn;
    },
    (conn) => conn.destroy(),
  );
}

async function rows(scope: CheckScope, sql: string, params: unknown[] = []): Promise<Row[]> {
  const conn = await connection(scope);
  const [result] = await conn.query({ sql, values: params, rowsAsArray: true });
  return Array.isArray(result) ? (result as Row[]) : [];
}

async function tableExists(scope: CheckScope, table: string): Promise<boolean> {
  const found = await rows(
    scope,
    'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
    [table],
  );
  return found.length > 0;
}

async function checkTable(spec: TableCheck, scope: CheckScope): Promise<CheckOutcome> {
  const t = spec.table;
  const exists = await tableExists(scope, t);
  if (spec.absent) return exists ? fail(`table "${t}" still exists`) : pass(`there is no table "${t}"`);
  if (!exists) return fail(`there is no table "${t}"`);
  const found: string[] = [];
  if (spec.columns) {
    const columns = (
      await rows(
        scope,
        'SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position',
        [t],
      )
    ).map((r) => String(textOf(r[0])));
    // Column names are not case-sensitive in MySQL.
    const missing = spec.columns.filter((c) => !columns.some((have) => have.toLowerCase() === c.toLowerCase()));
    if (missing.length > 0) {
      return fail(
        `table "${t}" has no column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')} (it has ${columns.join(', ')})`,
      );
    }
    found.push(`columns ${columns.join(', ')}`);
  }
  if (spec.rows !== undefined) {
    const [[count]] = await rows(scope, `SELECT COUNT(*) FROM \`${t}\``);
    const n = Number(count);
    if (n !== spec.rows) return fail(`table "${t}" has ${plural(n, 'row')}, not ${spec.rows}`);
    found.push(plural(n, 'row'));
  }
  return pass(`table "${t}" exists${found.length ? ` (${found.join('; ')})` : ''}`);
}

const showRow = (row: unknown[]) => `(${row.map((v) => (v === null ? 'NULL' : String(textOf(v)))).join(', ')})`;

async function checkQuery(spec: QueryCheck, scope: CheckScope): Promise<CheckOutcome> {
  const shown = abbreviate(spec.query);
  let result: Row[];
  try {
    result = await rows(scope, spec.query);
  } catch (err) {
    // An SQL error is an answer (a missing table, a missing column): say it as the server did.
    const sqlMessage = (err as { sqlMessage?: string }).sqlMessage;
    if (sqlMessage) return fail(`${shown} failed: ${sqlMessage}`);
    throw err;
  }
  if (spec.rows !== undefined) {
    const expected = spec.rows;
    if (result.length !== expected.length) {
      return fail(`${shown} returned ${plural(result.length, 'row')}; expected ${expected.length}`);
    }
    for (let i = 0; i < expected.length; i++) {
      const got = result[i].map(textOf);
      const want = expected[i].map(textOf);
      if (got.length !== want.length || got.some((v, j) => v !== want[j])) {
        return fail(`${shown} returned row ${i + 1} as ${showRow(result[i])}; expected ${showRow(expected[i])}`);
      }
    }
  }
  if (spec.min_rows !== undefined && result.length < spec.min_rows) {
    return fail(`${shown} returned ${plural(result.length, 'row')}; expected at least ${spec.min_rows}`);
  }
  return pass(`${shown} returned ${plural(result.length, 'row')}`);
}

export const mysqlChecks: ServiceChecks<MysqlCheck> = {
  example: '{table: users}',
  parse: (body, ctx) => parseKinds('mysql', body, ctx, { table: tableCheckSchema, query: queryCheckSchema }),
  run: (spec, scope) => (spec.kind === 'table' ? checkTable(spec, scope) : checkQuery(spec, scope)),
};

const resetSchema = z.strictObject({ tables: z.array(tableName).optional() });

export const mysqlReset: ServiceReset<z.infer<typeof resetSchema>> = {
  schema: resetSchema,
  async run(spec, scope, report) {
    const tables = spec.tables ?? [];
    if (tables.length === 0) return;
    await report.attempt('MySQL tables', async () => {
      const conn = await connection(scope);
      // The lesson lists its tables in any order; foreign keys between them must not block the drop.
      await conn.query('SET SESSION foreign_key_checks = 0');
      try {
        for (const table of tables) {
          if (!(await tableExists(scope, table))) continue;
          await conn.query(`DROP TABLE IF EXISTS \`${table}\``);
          report.cleared(`table "${table}"`);
        }
      } finally {
        await conn.query('SET SESSION foreign_key_checks = 1').catch(() => {});
      }
    });
  },
};
