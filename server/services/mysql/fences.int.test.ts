// The classroom's fences on a learner's MySQL account, at their edges, on the shared MariaDB: a
// statement past the time limit is stopped (also when the learner lifted the limit for their
// session), and a database past its size cap refuses writes, with a hint in the terminal, until
// the learner frees space. Small limits (2 s, 1 MB) keep it quick; the defaults are the same code.
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../endpoint.ts';
import type { TerminalSession } from '../types.ts';
import { CapturedOutput } from '../../testing/capture-output.ts';
import { mysqlConnection, testManager, type TestManager } from '../../testing/workspaces/test-manager.ts';
import { WATCH_INTERVAL_MS } from './database-cap.ts';
import { mysql } from './index.ts';

const STATEMENT_SECONDS = 2;
const DATABASE_MB = 1;
/** A row's worth of text: 50 KB, stored off-page, so the table's file grows with each. */
const ROW = `REPEAT('x', 50000)`;

let t: TestManager;
let id: string;
let endpoint: Endpoint;
const sessions: TerminalSession[] = [];
const connections: Connection[] = [];

beforeAll(async () => {
  t = await testManager({ limits: { mysql: { statementSeconds: STATEMENT_SECONDS, databaseMb: DATABASE_MB } } });
  id = await t.manager.claim('learner-at-the-fences');
  endpoint = (await t.manager.ensure(id)).mysql;
});

afterAll(async () => {
  for (const s of sessions) s.close();
  await Promise.all(connections.map((c) => c.end().catch(() => {})));
  await t?.cleanup();
});

async function connection(): Promise<Connection> {
  const c = await mysqlConnection(endpoint);
  c.on('error', () => {});
  connections.push(c);
  return c;
}

async function terminal(): Promise<(line: string, timeoutMs?: number) => Promise<string>> {
  const output = new CapturedOutput();
  const session = await mysql.openTerminal(endpoint, output);
  sessions.push(session);
  await output.until((o) => o.prompts.length > 0);
  return async (line, timeoutMs = 10_000) =>
    (await output.run((l) => session.line(l), line, timeoutMs)).replace(/\r\n/g, '\n');
}

describe('statement time', () => {
  it(`stops a statement after ${STATEMENT_SECONDS} s with MariaDB's ERROR 1969`, async () => {
    const c = await connection();
    const began = performance.now();
    await expect(c.query('SELECT SLEEP(30)')).rejects.toMatchObject({
      errno: 1969,
      message: 'Query execution was interrupted (max_statement_time exceeded)',
    });
    expect(performance.now() - began).toBeLessThan((STATEMENT_SECONDS + 1) * 1000);
  });

  it('stops it too when the learner lifted the limit for their session (ERROR 1317)', async () => {
    const c = await connection();
    // Allowed to any user: the account's MAX_STATEMENT_TIME is only where a session starts.
    await c.query('SET SESSION max_statement_time = 0');
    const began = performance.now();
    await expect(c.query('SELECT SLEEP(30)')).rejects.toMatchObject({ errno: 1317 });
    const seconds = (performance.now() - began) / 1000;
    expect(seconds).toBeGreaterThan(STATEMENT_SECONDS);
    // The limit, the grace second, one look of the watcher, and some slack for a busy machine.
    expect(seconds).toBeLessThan(STATEMENT_SECONDS + 1 + WATCH_INTERVAL_MS / 1000 + 2);
    // The connection itself lives on.
    expect(await c.query('SELECT 1 AS one').then(([rows]) => rows)).toEqual([{ one: 1 }]);
  });
});

describe('database size', () => {
  it(`refuses writes past ${DATABASE_MB} MB with a clear hint, and takes them again once space is freed`, async () => {
    const run = await terminal();
    expect(await run('CREATE TABLE notes (id INT AUTO_INCREMENT PRIMARY KEY, body MEDIUMTEXT);')).toMatch(
      /^Query OK, 0 rows affected/,
    );

    // A program writing as fast as it can, until the watcher stops it.
    let writer = await connection();
    let refused: { errno?: number; message: string } | null = null;
    let rows = 0;
    const deadline = Date.now() + 30_000;
    while (!refused && Date.now() < deadline) {
      try {
        await writer.query(`INSERT INTO notes (body) VALUES (${ROW})`);
        rows++;
      } catch (err) {
        const e = err as { errno?: number; message: string; fatal?: boolean };
        // The watcher closes the learner's sessions when it takes the privileges away.
        if (e.fatal) writer = await connection();
        else refused = e;
      }
    }
    expect(refused).toMatchObject({
      errno: 1142,
      message: expect.stringMatching(new RegExp(`^INSERT command denied to user '${id}'@'127\\.0\\.0\\.1' for table`)),
    });
    // Past the cap (the watcher looks every 250 ms), but not by much: ~10 MB here, where one look a
    // second let the same writer pass it by 30 MB and one every 2 s by 70 MB.
    expect(rows * 50_000).toBeGreaterThan(DATABASE_MB * 1024 * 1024);
    expect(rows * 50_000).toBeLessThan(40 * 1024 * 1024);

    // The terminal's own session was closed too: it logs in again, as the mysql client does.
    const insert = await run("INSERT INTO notes (body) VALUES ('one more');");
    expect(insert).toContain('No connection. Trying to reconnect...');
    expect(insert).toContain(`ERROR 1142 (42000): INSERT command denied to user '${id}'@'127.0.0.1' for table`);
    expect(insert).toContain(`your database ws_${id} holds`);
    expect(insert).toContain(`over the classroom's size cap of ${DATABASE_MB} MB`);
    expect(insert).toContain('Free space with TRUNCATE TABLE or DROP TABLE');
    const create = await run('CREATE TABLE more (x INT);');
    expect(create).toContain('ERROR 1142 (42000): CREATE command denied');
    expect(create).toContain(`size cap of ${DATABASE_MB} MB`);
    // What frees space, and reading, still work.
    expect(await run('SELECT COUNT(*) > 0 AS some FROM notes;')).toContain('| some |\n+------+\n|    1 |');
    expect(await run('DELETE FROM notes WHERE id = 1;')).toMatch(/^Query OK, 1 row affected/);
    expect(await run('TRUNCATE TABLE notes;')).toMatch(/^Query OK, 0 rows affected/);

    // Under the cap again: the privileges come back at the watcher's next look.
    let again = '';
    const until = Date.now() + 3 * WATCH_INTERVAL_MS + 5000;
    while (Date.now() < until) {
      again = await run("INSERT INTO notes (body) VALUES ('room again');");
      if (again.includes('Query OK, 1 row affected')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(again).toContain('Query OK, 1 row affected');
    const fresh = await connection();
    await fresh.query(`INSERT INTO notes (body) VALUES ('from a program')`);
    const [count] = await fresh.query('SELECT COUNT(*) AS n FROM notes');
    expect(count).toEqual([{ n: 2 }]);
  }, 60_000);
});
