// The MySQL decoder on real traffic: SQLAlchemy 1.4 + PyMySQL (Debian's, as a snippet run uses
// them) and mysql2 (prepared statements, binary rows, a multi-result) talk to the
// test run's MariaDB through recordWire, and what they said is decoded. explain() and the
// terminal's hints are asked of the live server too. RECORD_MYSQL_WIRE=1 saves the recording as
// the unit tests' fixture (fixtures/wire-sqlalchemy.json).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import mysqlPromise from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturedOutput } from '../../testing/capture-output.ts';
import { testEndpoint } from '../../testing/endpoints.ts';
import {
  assertAccounted,
  decodeConnection,
  recordWire,
  toRecording,
  type RecordedChunk,
} from '../../testing/wire-recorder.ts';
import { isUndecoded, type WireItem, type WireMessage } from '../wire-types.ts';
import { mysql, sqlalchemyUrl } from './index.ts';
import { parseMysqlUrl } from './mysql-url.ts';
import { mysqlWire } from './wire.ts';
import type { MysqlErrorDetail } from './wire-decoder.ts';

const endpoint = testEndpoint('mysql');
const target = parseMysqlUrl(endpoint.url);
const PYTHON = '/usr/bin/python3';
const FIXTURE = new URL('./fixtures/wire-sqlalchemy.json', import.meta.url);

/** Fixed names, so the fixture's summaries do not change from one recording to the next. */
const TABLE = 'wire_users';
const HINT_TABLE = 'wire_hint_users';
const COM_QUIT = Buffer.from([1, 0, 0, 0, 1]);

const SCRIPT = `
import sys
import sqlalchemy
from sqlalchemy import create_engine, Column, Integer, String, select, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import declarative_base, Session

# One pooled connection: every step below reuses it (the pool's ROLLBACK on return shows).
engine = create_engine(sys.argv[1], pool_size=1, max_overflow=0)
Base = declarative_base()

class User(Base):
    __tablename__ = sys.argv[2]
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)

Base.metadata.create_all(engine)
with Session(engine) as session:
    session.add_all([User(id=1, name='Ada'), User(id=2, name='Grace')])
    session.commit()
with Session(engine) as session:
    print(session.get(User, 1).name)
with engine.connect() as conn:
    users = User.__table__
    print(len(conn.execute(select(users).where(users.c.id > 0).order_by(users.c.id)).fetchall()))
    for bad in ('SELECT * FROM wire_user', 'SELECT * FORM wire_users'):
        try:
            conn.execute(text(bad))
        except ProgrammingError as e:
            print(e.orig.args[0])
Base.metadata.drop_all(engine)
engine.dispose()
print(sqlalchemy.__version__)
`;

function viaRecorder(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

async function admin(): Promise<mysqlPromise.Connection> {
  const { host, port, user, password, database } = target;
  return mysqlPromise.createConnection({ host, port, user, password, database: database ?? undefined });
}

function messages(items: WireItem[]): WireMessage[] {
  return items.filter((i): i is WireMessage => !isUndecoded(i));
}

let sqlalchemyConns: RecordedChunk[][] = [];
let mysql2Conns: RecordedChunk[][] = [];
let pythonOut = '';

beforeAll(async () => {
  const conn = await admin();
  await conn.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await conn.end();

  const rec = await recordWire(target.host, target.port);
  try {
    const url = viaRecorder(sqlalchemyUrl(endpoint.url), rec.port);
    const { stdout } = await promisify(execFile)(PYTHON, ['-c', SCRIPT, url, TABLE], { timeout: 20_000 });
    pythonOut = stdout;
  } finally {
    await rec.close();
  }
  sqlalchemyConns = rec.conns;

  const rec2 = await recordWire(target.host, target.port);
  try {
    const c = await mysqlPromise.createConnection({
      host: '127.0.0.1',
      port: rec2.port,
      user: target.user,
      password: target.password,
      database: target.database ?? undefined,
      multipleStatements: true,
    });
    const sql = 'SELECT ? AS n, ? AS s, CAST(? AS DATE) AS d, 1.5e0 AS f, NULL AS z';
    await c.execute(sql, [42, 'Ada', '2024-01-02']);
    await c.execute(sql, [-7, 'Grace', '1906-12-09']);
    c.unprepare(sql);
    await c.query("SELECT 1 AS a; SELECT 'two' AS b");
    await c.query('CREATE TEMPORARY TABLE wire_tmp (id INT, name VARCHAR(20))');
    // The private MariaDB turns LOCAL INFILE off (local_infile=0): the request is refused with an ERR.
    await c
      .query({
        sql: "LOAD DATA LOCAL INFILE 'people.csv' INTO TABLE wire_tmp FIELDS TERMINATED BY ','",
        infileStreamFactory: () => Readable.from(['1,Ada\n2,Grace\n']),
      })
      .catch(() => {});
    await c.end();
    // end() resolves before its COM_QUIT is written: wait for the server to close the connection.
    const quit = Date.now() + 2000;
    while (Date.now() < quit && !rec2.conns[0]?.some((ch) => ch.dir === 'send' && ch.bytes.equals(COM_QUIT))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await rec2.close();
  }
  mysql2Conns = rec2.conns;

  if (process.env.RECORD_MYSQL_WIRE === '1') {
    const [version] = pythonOut.trim().split('\n').slice(-1);
    const server = (await mysql.probe(endpoint)).version;
    const recording = toRecording(
      'mysql',
      `SQLAlchemy ${version} + PyMySQL 1.0.2 (Debian's /usr/bin/python3), the script in wire.int.test.ts, ` +
        `then mysql2 (npm) execute()/query() as in that test, against MariaDB ${server}; ` +
        'RECORD_MYSQL_WIRE=1 npx vitest run --project integration server/services/mysql/wire.int.test.ts',
      [...sqlalchemyConns, ...mysql2Conns],
    );
    fs.mkdirSync(new URL('./fixtures/', import.meta.url), { recursive: true });
    fs.writeFileSync(FIXTURE, JSON.stringify(recording, null, 1) + '\n');
  }
}, 60_000);

describe('SQLAlchemy + PyMySQL', () => {
  it('the script ran', () => {
    expect(pythonOut).toContain('Ada\n2\n');
    expect(pythonOut).toContain('1146');
    expect(pythonOut).toContain('1064');
    expect(sqlalchemyConns.length).toBe(1);
  });

  it('every byte is accounted for and nothing is left undecoded', () => {
    for (const chunks of sqlalchemyConns) {
      const items = decodeConnection(mysqlWire, chunks);
      assertAccounted(chunks, items);
      expect(items.filter(isUndecoded)).toEqual([]);
    }
  });

  it('login: greeting, handshake response with the password masked, OK paired', () => {
    const chunks = sqlalchemyConns[0];
    const items = messages(decodeConnection(mysqlWire, chunks));
    const [greeting, response, ok] = items;
    expect(greeting.summary).toMatch(
      /^HandshakeV10 5\.5\.5-10\.11\.\d+-MariaDB\S*, connection \d+, mysql_native_password$/,
    );
    expect(greeting.role).toBe('other');
    expect(greeting.masked?.length).toBe(2);
    expect(response.summary).toBe(
      `HandshakeResponse41 user="${target.user}" db="${target.database}" plugin=mysql_native_password`,
    );
    expect(response.role).toBe('request');
    expect(response.masked).toHaveLength(1);
    const [a, b] = response.masked![0];
    expect(b - a).toBe(20);
    expect(response.tree.find((n) => n.label === 'auth response')?.secret).toBe(true);
    // The masked bytes differ from what went over the wire.
    const sent = Buffer.concat(chunks.filter((c) => c.dir === 'send').map((c) => c.bytes));
    expect(sent.subarray(a, b).equals(response.bytes.subarray(a, b))).toBe(false);
    expect(response.bytes.subarray(a, b).every((x) => x === 0x2a)).toBe(true);
    expect(ok.summary).toBe('OK');
    expect(ok.role).toBe('reply');
  });

  it('the ORM session: BEGIN is implicit, INSERT and COMMIT, the get by primary key', () => {
    const items = messages(decodeConnection(mysqlWire, sqlalchemyConns[0]));
    const summaries = items.map((m) => m.summary);
    expect(summaries).toContain('COM_QUERY SET AUTOCOMMIT = 0');
    const insert = summaries.indexOf(`COM_QUERY INSERT INTO ${TABLE} (id, name) VALUES (1, 'Ada'),(2, 'Grace')`);
    expect(insert).toBeGreaterThan(0);
    // PyMySQL runs with autocommit off: no BEGIN, the server is in a transaction from the INSERT on.
    expect(summaries[insert + 1]).toBe('OK, 2 rows affected, last insert id 2, in transaction');
    expect(summaries[insert + 2]).toBe('COM_QUERY COMMIT');
    expect(summaries[insert + 3]).toBe('OK');
    const get = summaries.findIndex((s) => s.endsWith(`WHERE ${TABLE}.id = 1`));
    expect(summaries[get]).toBe(`COM_QUERY SELECT ${TABLE}.id … FROM ${TABLE} WHERE ${TABLE}.id = 1`);
    expect(summaries[get + 1]).toBe('result set: 2 columns, 1 row');
    const rs = items[get + 1];
    expect(rs.role).toBe('reply');
    const columns = rs.tree.find((n) => n.label === 'columns')!;
    expect(columns.children?.map((c) => `${c.label} ${c.value}`)).toEqual([
      `${TABLE}_id LONG, table ${TABLE}, NOT_NULL PRI_KEY AUTO_INCREMENT`,
      `${TABLE}_name VAR_STRING, table ${TABLE}, NOT_NULL NO_DEFAULT_VALUE`,
    ]);
    const rows = rs.tree.find((n) => n.label === 'rows')!;
    expect(rows.children?.[0].value).toBe('"1", "Ada"');
    // Requests and replies alternate: each command is a request, its answer the reply.
    for (let i = 3; i < items.length; i++) {
      if (items[i].summary.startsWith('COM_QUIT')) expect(items[i].role).toBe('other');
      else if (items[i].dir === 'send') expect(items[i].role).toBe('request');
      else expect(items[i].role).toBe('reply');
    }
  });

  it('ERR 1146 and 1064 carry what explain() needs', () => {
    const items = messages(decodeConnection(mysqlWire, sqlalchemyConns[0]));
    const errors = items.filter((m) => m.error);
    expect(errors.map((e) => e.summary)).toEqual([
      `ERR 1146 (42S02) Table '${target.database}.wire_user' doesn't exist`,
      `ERR 1064 (42000) You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'FORM wire_users' at line 1`,
    ]);
    expect(errors[0].detail).toMatchObject({
      kind: 'error',
      code: 1146,
      sql: 'SELECT * FROM wire_user',
      database: target.database,
    } satisfies Partial<MysqlErrorDetail>);
  });
});

describe('mysql2: prepared statements, binary rows, a multi-result', () => {
  it('decodes it all, every byte accounted for', () => {
    expect(mysql2Conns.length).toBe(1);
    const items = decodeConnection(mysqlWire, mysql2Conns[0]);
    assertAccounted(mysql2Conns[0], items);
    expect(items.filter(isUndecoded)).toEqual([]);
    const summaries = messages(items).map((m) => `${m.role} ${m.summary}`);
    const prepare = summaries.indexOf(
      'request COM_STMT_PREPARE SELECT ? AS n, ? AS s, CAST(? AS DATE) AS d, 1.5e0 AS f, NULL AS z',
    );
    expect(prepare).toBeGreaterThan(0);
    expect(summaries.slice(prepare + 1, prepare + 9)).toEqual([
      expect.stringMatching(/^reply COM_STMT_PREPARE_OK statement \d+, 5 columns, 3 params$/),
      expect.stringMatching(/^request COM_STMT_EXECUTE statement \d+ \(42, "Ada", "2024-01-02"\)$/),
      'reply result set: 5 columns, 1 row',
      expect.stringMatching(/^request COM_STMT_EXECUTE statement \d+ \(-7, "Grace", "1906-12-09"\)$/),
      'reply result set: 5 columns, 1 row',
      expect.stringMatching(/^other COM_STMT_CLOSE statement \d+$/),
      // mysql2's unprepare() sends it twice.
      expect.stringMatching(/^other COM_STMT_CLOSE statement \d+$/),
      "request COM_QUERY SELECT 1 AS a; SELECT 'two' AS b",
    ]);
    expect(summaries.slice(prepare + 9, prepare + 11)).toEqual([
      'reply result set: 1 column, 1 row',
      'other result set: 1 column, 1 row',
    ]);
    const binary = messages(items).find((m) => m.summary === 'result set: 5 columns, 1 row')!;
    const row = binary.tree.find((n) => n.label === 'rows')!.children![0];
    expect(row.value).toBe('42, "Ada", 2024-01-02, 1.5, NULL');
    const infile = summaries.findIndex((s) => s.startsWith('request COM_QUERY LOAD DATA LOCAL INFILE'));
    expect(summaries[infile + 1]).toMatch(/^reply ERR 4166 \(HY000\) The used command is not allowed/);
    expect(summaries.at(-1)).toBe('other COM_QUIT');
  });
});

describe('explain() and the terminal hints, against the live server', () => {
  beforeAll(async () => {
    const conn = await admin();
    await conn.query(`CREATE TABLE IF NOT EXISTS ${HINT_TABLE} (id INT PRIMARY KEY)`);
    await conn.end();
  });
  afterAll(async () => {
    const conn = await admin();
    await conn.query(`DROP TABLE IF EXISTS ${HINT_TABLE}`);
    await conn.end();
  });

  function errorReply(detail: MysqlErrorDetail): WireMessage {
    return { dir: 'recv', bytes: Buffer.alloc(0), summary: '', tree: [], role: 'reply', error: true, detail };
  }

  it('1146: the tables that exist, the closest name first', async () => {
    const hint = await mysqlWire.explain!({
      endpoint,
      admin: null,
      reply: errorReply({
        kind: 'error',
        code: 1146,
        sqlState: '42S02',
        message: `Table '${target.database}.wire_hint_user' doesn't exist`,
        sql: 'SELECT * FROM wire_hint_user',
        database: target.database,
      }),
    });
    expect(hint).toMatch(new RegExp(`^no table "wire_hint_user" in ${target.database}; it has: ${HINT_TABLE}(,|$)`));
  });

  it('1064: the SQL line and a caret under the spot; null when there is nothing to say', async () => {
    const message =
      "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'FORM users' at line 1";
    const reply = errorReply({ kind: 'error', code: 1064, sqlState: '42000', message, sql: 'SELECT * FORM users' });
    expect(await mysqlWire.explain!({ endpoint, admin: null, reply })).toBe('SELECT * FORM users\n         ^');
    const other = errorReply({ kind: 'error', code: 1045, sqlState: '28000', message: 'Access denied' });
    expect(await mysqlWire.explain!({ endpoint, admin: null, reply: other })).toBeNull();
  });

  it('never throws: an unreachable server gives null', async () => {
    const reply = errorReply({
      kind: 'error',
      code: 1146,
      sqlState: '42S02',
      message: "Table 'x.y' doesn't exist",
    });
    const nowhere = { url: 'mysql://nobody:x@127.0.0.1:1/x', address: '127.0.0.1:1' };
    expect(await mysqlWire.explain!({ endpoint: nowhere, admin: null, reply })).toBeNull();
  });

  it('the terminal prints the same hints under the error, dimmed, the caret under the SQL', async () => {
    const output = new CapturedOutput();
    const session = await mysql.openTerminal(endpoint, output);
    try {
      await output.until((o) => o.prompts.length > 0);
      const run = async (line: string) => (await output.run((l) => session.line(l), line)).replace(/\r\n/g, '\n');
      expect(await run('SELECT * FROM wire_hint_user;')).toMatch(
        new RegExp(
          `^ERROR 1146 \\(42S02\\): Table '${target.database}\\.wire_hint_user' doesn't exist\n` +
            `\x1b\\[2m\\[hint: no table "wire_hint_user" in ${target.database}; it has: ${HINT_TABLE}[^\n]*\\]\x1b\\[22m\n$`,
        ),
      );
      expect(await run(`SELECT * FORM ${HINT_TABLE};`)).toBe(
        'ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your ' +
          `MariaDB server version for the right syntax to use near 'FORM ${HINT_TABLE}' at line 1\n` +
          `\x1b[2m[hint: SELECT * FORM ${HINT_TABLE}]\x1b[22m\n` +
          '\x1b[2m                ^\x1b[22m\n',
      );
    } finally {
      session.close();
    }
  });
});
