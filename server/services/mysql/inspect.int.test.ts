// The MySQL Inspect view through the socket, against the test stack's MySQL as the learner's own
// account: tables with columns, indexes, foreign keys and exact row counts, and DDL and DML from
// another connection showing within a second or two.
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MysqlInspectState } from '../../../shared/inspect.ts';
import { testBaseUrl, testEndpoint } from '../../testing/endpoints.ts';
import { PlaygroundClient } from '../../ws/playground-client.ts';
import { parseMysqlUrl } from './mysql-url.ts';

const tag = `insp${Date.now().toString(36)}`;
let conn: mysql.Connection;

beforeAll(async () => {
  const t = parseMysqlUrl(testEndpoint('mysql').url);
  conn = await mysql.createConnection({
    host: t.host,
    port: t.port,
    user: t.user,
    password: t.password,
    database: t.database!,
  });
});
afterAll(async () => {
  await conn.query(`DROP TABLE IF EXISTS ${tag}_orders, ${tag}_users`);
  await conn.end();
});

const latest = (c: PlaygroundClient, id: string) => c.inspectState<MysqlInspectState>(id);

describe('the MySQL Inspect view', () => {
  it('shows tables, columns, keys and rows, and follows DDL and DML', async () => {
    const c = await PlaygroundClient.connect(testBaseUrl());
    try {
      c.send({ type: 'open', id: 'db', kind: 'inspect', service: 'mysql' });
      await c.until(() => latest(c, 'db') !== null, 5_000);
      expect(latest(c, 'db')!.database).toBe(parseMysqlUrl(testEndpoint('mysql').url).database);

      await conn.query(`CREATE TABLE ${tag}_users (id INT PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE)`);
      await conn.query(
        `CREATE TABLE ${tag}_orders (id INT PRIMARY KEY, user_id INT, total DECIMAL(8,2) DEFAULT 0,
           FOREIGN KEY (user_id) REFERENCES ${tag}_users (id))`,
      );
      const table = (name: string) => latest(c, 'db')!.tables.find((t) => t.name === name);
      await c.until(() => table(`${tag}_orders`) !== undefined, 3_000);
      const orders = table(`${tag}_orders`)!;
      expect(orders.columns.map((col) => [col.name, col.type])).toEqual([
        ['id', 'int(11)'],
        ['user_id', 'int(11)'],
        ['total', 'decimal(8,2)'],
      ]);
      expect(orders.foreignKeys).toEqual([
        expect.objectContaining({ column: 'user_id', references: { table: `${tag}_users`, column: 'id' } }),
      ]);
      expect(table(`${tag}_users`)!.indexes).toContainEqual({ name: 'email', columns: ['email'], unique: true });

      await conn.query(`INSERT INTO ${tag}_users VALUES (1, 'ada@example.com'), (2, 'bo@example.com')`);
      await c.until(() => table(`${tag}_users`)?.rows === 2, 3_000);
      // The page asks for a table's rows; they follow the table.
      c.send({ type: 'input', id: 'db', data: JSON.stringify({ show: `${tag}_users` }) });
      await c.until(() => latest(c, 'db')!.shown?.table === `${tag}_users`, 3_000);
      expect(latest(c, 'db')!.shown).toEqual({
        table: `${tag}_users`,
        columns: ['id', 'email'],
        rows: [
          ['1', 'ada@example.com'],
          ['2', 'bo@example.com'],
        ],
        total: 2,
        missing: false,
      });
      await conn.query(`DELETE FROM ${tag}_users WHERE id = 2`);
      await c.until(() => table(`${tag}_users`)?.rows === 1, 3_000);
      await c.until(() => latest(c, 'db')!.shown?.rows.length === 1, 3_000);

      c.send({ type: 'input', id: 'db', data: JSON.stringify({ show: `${tag}_orders` }) });
      await c.until(() => latest(c, 'db')!.shown?.table === `${tag}_orders`, 3_000);
      await conn.query(`DROP TABLE ${tag}_orders`);
      await c.until(() => table(`${tag}_orders`) === undefined, 3_000);
      expect(latest(c, 'db')!.shown).toMatchObject({ table: `${tag}_orders`, missing: true });

      // A statement answered in the learner's MySQL terminal nudges the view: it shows long
      // before the next one-second look (three in a row, so that the looks cannot pass for it).
      await c.open('term', 'mysql');
      for (let i = 3; i <= 5; i++) {
        await c.run('term', `INSERT INTO ${tag}_users VALUES (${i}, 'n${i}@example.com');`);
        const answered = performance.now();
        await c.until(() => table(`${tag}_users`)?.rows === i - 1, 1_000);
        expect(performance.now() - answered).toBeLessThan(300);
      }
    } finally {
      c.close();
    }
  });
});
