// MySQL checks, asked as the learner's own account in the learner's database: a check can only
// read what the learner can.
import type { QueryCheck, TableCheck } from '../schema.ts';
import type { ServiceClients } from './clients.ts';
import { abbreviate, plural, textOf } from './compare.ts';
import { fail, pass, type CheckOutcome } from './outcome.ts';

type Row = unknown[];

async function rows(clients: ServiceClients, sql: string, params: unknown[] = []): Promise<Row[]> {
  const connection = await clients.mysql();
  const [result] = await connection.query({ sql, values: params, rowsAsArray: true });
  return Array.isArray(result) ? (result as Row[]) : [];
}

export async function tableExists(clients: ServiceClients, table: string): Promise<boolean> {
  const found = await rows(clients, 'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [table]);
  return found.length > 0;
}

export async function checkTable(spec: TableCheck, clients: ServiceClients): Promise<CheckOutcome> {
  const t = spec.table;
  const exists = await tableExists(clients, t);
  if (spec.absent) return exists ? fail(`table "${t}" still exists`) : pass(`there is no table "${t}"`);
  if (!exists) return fail(`there is no table "${t}"`);
  const found: string[] = [];
  if (spec.columns) {
    const columns = (
      await rows(
        clients,
        'SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position',
        [t],
      )
    ).map((r) => String(textOf(r[0])));
    // Column names are not case-sensitive in MySQL.
    const missing = spec.columns.filter((c) => !columns.some((have) => have.toLowerCase() === c.toLowerCase()));
    if (missing.length > 0) {
      return fail(`table "${t}" has no column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')} (it has ${columns.join(', ')})`);
    }
    found.push(`columns ${columns.join(', ')}`);
  }
  if (spec.rows !== undefined) {
    const [[count]] = await rows(clients, `SELECT COUNT(*) FROM \`${t}\``);
    const n = Number(count);
    if (n !== spec.rows) return fail(`table "${t}" has ${plural(n, 'row')}, not ${spec.rows}`);
    found.push(plural(n, 'row'));
  }
  return pass(`table "${t}" exists${found.length ? ` (${found.join('; ')})` : ''}`);
}

const showRow = (row: unknown[]) => `(${row.map((v) => (v === null ? 'NULL' : String(textOf(v)))).join(', ')})`;

export async function checkQuery(spec: QueryCheck, clients: ServiceClients): Promise<CheckOutcome> {
  const shown = abbreviate(spec.query);
  let result: Row[];
  try {
    result = await rows(clients, spec.query);
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
