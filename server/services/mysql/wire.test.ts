// The MySQL decoder (wire.ts) on recorded traffic (fixtures/wire-sqlalchemy.json: SQLAlchemy +
// PyMySQL, then mysql2's prepared statements, against MariaDB; see wire.int.test.ts), on packets
// made here for what the recording lacks (CLIENT_DEPRECATE_EOF, LOCAL INFILE, an auth switch,
// TLS, packets of 16 MiB), and on random bytes, splits, cuts and corruptions of both: whatever
// comes, it never throws and accounts for every byte. Also the hints' texts (wire-explain.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceDir, TraceNode } from '../../../shared/trace.ts';
import { assertAccounted, decodeConnection, readRecording, type RecordedChunk } from '../../testing/wire-recorder.ts';
import { isUndecoded, type WireItem, type WireMessage } from '../wire-types.ts';
import { formatTerminalHint } from './terminal-hints.ts';
import { mysqlWire } from './wire.ts';
import { shortSql, useTarget } from './wire-commands.ts';
import { CLIENT, MAX_PAYLOAD } from './wire-packets.ts';
import { missingTable, missingTableHint, syntaxHint } from './wire-explain.ts';

const conns = readRecording(new URL('./fixtures/wire-sqlalchemy.json', import.meta.url));

function messages(items: WireItem[]): WireMessage[] {
  return items.filter((i): i is WireMessage => !isUndecoded(i));
}

function lines(items: WireItem[]): string[] {
  return items.map((i) => (isUndecoded(i) ? `${i.dir} undecoded: ${i.reason}` : `${i.dir} ${i.role} ${i.summary}`));
}

/** What a trace shows of the items: everything, the lazily read trees too. */
function shown(items: WireItem[]): unknown[] {
  return items.map((i) =>
    isUndecoded(i)
      ? { dir: i.dir, bytes: i.bytes.toString('hex'), reason: i.reason }
      : { ...i, bytes: i.bytes.toString('hex'), tree: i.tree },
  );
}

/** The chunks of a connection fed a byte at a time (each direction's order kept). */
function bytewise(chunks: RecordedChunk[]): RecordedChunk[] {
  return chunks.flatMap((c) => [...c.bytes].map((b) => ({ dir: c.dir, bytes: Buffer.from([b]) })));
}

/** Every node's byte range lies inside the message. */
function rangesInside(nodes: TraceNode[], size: number): boolean {
  return nodes.every(
    (n) => (!n.at || (n.at[0] >= 0 && n.at[0] <= n.at[1] && n.at[1] <= size)) && rangesInside(n.children ?? [], size),
  );
}

describe('the recorded traffic', () => {
  it('SQLAlchemy + PyMySQL: every message, in order, nothing undecoded', () => {
    const items = decodeConnection(mysqlWire, conns[0]);
    assertAccounted(conns[0], items);
    expect(lines(items)).toEqual([
      'recv other HandshakeV10 5.5.5-10.11.19-MariaDB-0+deb12u1, connection 9, mysql_native_password',
      'send request HandshakeResponse41 user="learner" db="playground" plugin=mysql_native_password',
      'recv reply OK',
      'send request COM_QUERY SET AUTOCOMMIT = 0',
      'recv reply OK',
      'send request COM_QUERY SET NAMES utf8mb4',
      'recv reply OK',
      'send request COM_QUERY SELECT VERSION()',
      'recv reply result set: 1 column, 1 row',
      'send request COM_QUERY SELECT DATABASE()',
      'recv reply result set: 1 column, 1 row',
      'send request COM_QUERY SELECT @@tx_isolation',
      'recv reply result set: 1 column, 1 row',
      'send request COM_QUERY SELECT @@sql_mode',
      'recv reply result set: 1 column, 1 row',
      'send request COM_QUERY SELECT @@lower_case_table_names',
      'recv reply result set: 1 column, 1 row',
      'send request COM_QUERY ROLLBACK',
      'recv reply OK',
      "send request COM_QUERY SELECT COUNT(*) FROM information_schema.tables … AND table_name = 'wire_users'",
      'recv reply result set: 1 column, 1 row',
      'send request COM_QUERY CREATE TABLE wire_users ( id … name VARCHAR(50) NOT NULL, PRIMARY KEY (id) )',
      'recv reply OK',
      'send request COM_QUERY COMMIT',
      'recv reply OK',
      'send request COM_QUERY ROLLBACK',
      'recv reply OK',
      "send request COM_QUERY INSERT INTO wire_users (id, name) VALUES (1, 'Ada'),(2, 'Grace')",
      'recv reply OK, 2 rows affected, last insert id 2, in transaction',
      'send request COM_QUERY COMMIT',
      'recv reply OK',
      'send request COM_QUERY ROLLBACK',
      'recv reply OK',
      'send request COM_QUERY SELECT wire_users.id … FROM wire_users WHERE wire_users.id = 1',
      'recv reply result set: 2 columns, 1 row',
      'send request COM_QUERY ROLLBACK',
      'recv reply OK',
      'send request COM_QUERY ROLLBACK',
      'recv reply OK',
      'send request COM_QUERY SELECT wire_users.id … WHERE wire_users.id > 0 ORDER BY wire_users.id',
      'recv reply result set: 2 columns, 2 rows',
      'send request COM_QUERY SELECT * FROM wire_user',
      "recv reply ERR 1146 (42S02) Table 'playground.wire_user' doesn't exist",
      'send request COM_QUERY ROLLBACK',
      'recv reply OK',
      'send request COM_QUERY SELECT * FORM wire_users',
      "recv reply ERR 1064 (42000) You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'FORM wire_users' at line 1",
      'send request COM_QUERY ROLLBACK',
      'recv reply OK',
      'send request COM_QUERY ROLLBACK',
      'recv reply OK',
      "send request COM_QUERY SELECT COUNT(*) FROM information_schema.tables … AND table_name = 'wire_users'",
      'recv reply result set: 1 column, 1 row',
      'send request COM_QUERY DROP TABLE wire_users',
      'recv reply OK',
      'send request COM_QUERY COMMIT',
      'recv reply OK',
      'send request COM_QUERY ROLLBACK',
      'recv reply OK',
      'send other COM_QUIT',
    ]);
  });

  it('mysql2: prepared statements, binary rows, a multi-result, a refused LOCAL INFILE', () => {
    const items = decodeConnection(mysqlWire, conns[1]);
    assertAccounted(conns[1], items);
    expect(lines(items)).toEqual([
      'recv other HandshakeV10 5.5.5-10.11.19-MariaDB-0+deb12u1, connection 10, mysql_native_password',
      'send request HandshakeResponse41 user="learner" db="playground" plugin=mysql_native_password',
      'recv reply OK',
      'send request COM_STMT_PREPARE SELECT ? AS n, ? AS s, CAST(? AS DATE) AS d, 1.5e0 AS f, NULL AS z',
      'recv reply COM_STMT_PREPARE_OK statement 1, 5 columns, 3 params',
      'send request COM_STMT_EXECUTE statement 1 (42, "Ada", "2024-01-02")',
      'recv reply result set: 5 columns, 1 row',
      'send request COM_STMT_EXECUTE statement 1 (-7, "Grace", "1906-12-09")',
      'recv reply result set: 5 columns, 1 row',
      'send other COM_STMT_CLOSE statement 1',
      'send other COM_STMT_CLOSE statement 1',
      "send request COM_QUERY SELECT 1 AS a; SELECT 'two' AS b",
      'recv reply result set: 1 column, 1 row',
      'recv other result set: 1 column, 1 row',
      'send request COM_QUERY CREATE TEMPORARY TABLE wire_tmp (id INT, name VARCHAR(20))',
      'recv reply OK',
      "send request COM_QUERY LOAD DATA LOCAL INFILE 'people.csv' INTO TABLE wire_tmp FIELDS TERMINATED BY ','",
      'recv reply ERR 4166 (HY000) The used command is not allowed because the MariaDB server or client has disabled the local infile capability',
      'send other COM_QUIT',
    ]);
  });

  it('the login hides the scramble and the auth response, bytes and tree', () => {
    const items = messages(decodeConnection(mysqlWire, conns[0]));
    const [greeting, response] = items;
    const fed = Buffer.concat(conns[0].filter((c) => c.dir === 'recv').map((c) => c.bytes));
    expect(greeting.masked!.map(([a, b]) => b - a)).toEqual([8, 12]);
    for (const [a, b] of greeting.masked!) {
      expect(greeting.bytes.subarray(a, b).every((x) => x === 0x2a)).toBe(true);
      expect(fed.subarray(a, b).equals(greeting.bytes.subarray(a, b))).toBe(false);
    }
    const sent = Buffer.concat(conns[0].filter((c) => c.dir === 'send').map((c) => c.bytes));
    const [[a, b]] = response.masked!;
    expect(b - a).toBe(20);
    expect(response.bytes.subarray(a, b).every((x) => x === 0x2a)).toBe(true);
    expect(sent.subarray(a, b).equals(response.bytes.subarray(a, b))).toBe(false);
    const auth = response.tree.find((n) => n.label === 'auth response')!;
    expect(auth).toMatchObject({ secret: true, value: '21 bytes, hidden' });
    expect(response.tree.find((n) => n.label === 'capability flags')?.children?.map((c) => c.label)).toContain(
      'CLIENT_PROTOCOL_41',
    );
    expect(greeting.tree.filter((n) => n.secret).map((n) => n.value)).toEqual(['8 bytes, hidden', '12 bytes, hidden']);
  });

  it('a result set is one message: columns with their types, rows as the server sent them', () => {
    const items = messages(decodeConnection(mysqlWire, conns[0]));
    const rs = items.find((m) => m.summary === 'result set: 2 columns, 2 rows')!;
    expect(rs.tree.map((n) => `${n.label}: ${n.value}`)).toEqual([
      'column count: 2',
      'columns: 2',
      'EOF: EOF',
      'rows: 2',
      'EOF: EOF',
    ]);
    expect(rs.tree[1].children!.map((c) => `${c.label}: ${c.value}`)).toEqual([
      'id: LONG, table wire_users, NOT_NULL PRI_KEY AUTO_INCREMENT',
      'name: VAR_STRING, table wire_users, NOT_NULL NO_DEFAULT_VALUE',
    ]);
    expect(rs.tree[3].children!.map((r) => r.value)).toEqual(['"1", "Ada"', '"2", "Grace"']);
    const status = rs.tree[4].children!.find((n) => n.label === 'status flags')!;
    // PyMySQL turns autocommit off: the SELECT runs in a transaction.
    expect(status.children!.map((c) => c.label)).toEqual(['SERVER_STATUS_IN_TRANS']);
  });

  it('binary rows and COM_STMT_EXECUTE parameters are read by their types', () => {
    const items = messages(decodeConnection(mysqlWire, conns[1]));
    const execute = items.find((m) => m.summary.startsWith('COM_STMT_EXECUTE statement 1 (42'))!;
    const params = execute.tree.find((n) => n.label === 'parameter values')!;
    expect(params.value).toBe('42, "Ada", "2024-01-02"');
    expect(execute.detail).toMatchObject({ kind: 'command', statement: 1, sql: expect.stringContaining('CAST(?') });
    const rows = items.filter((m) => m.summary === 'result set: 5 columns, 1 row');
    expect(rows.map((r) => r.tree.find((n) => n.label === 'rows')!.children![0].value)).toEqual([
      '42, "Ada", 2024-01-02, 1.5, NULL',
      '-7, "Grace", 1906-12-09, 1.5, NULL',
    ]);
    const prepared = items.find((m) => m.summary.startsWith('COM_STMT_PREPARE_OK'))!;
    expect(prepared.tree.map((n) => n.label)).toEqual(['COM_STMT_PREPARE_OK', 'params', 'EOF', 'columns', 'EOF']);
  });

  it('every tree node covers bytes of its own message', () => {
    for (const chunks of conns) {
      for (const m of messages(decodeConnection(mysqlWire, chunks))) {
        expect(rangesInside(m.tree, m.bytes.length), m.summary).toBe(true);
      }
    }
  });

  it('fed a byte at a time, it gives the same messages', () => {
    for (const chunks of conns) {
      expect(shown(decodeConnection(mysqlWire, bytewise(chunks)))).toEqual(shown(decodeConnection(mysqlWire, chunks)));
    }
  });
});

// ---- packets made here ------------------------------------------------------------------

function packet(seq: number, payload: Buffer | number[] | string): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : Buffer.from(payload);
  const header = Buffer.alloc(4);
  header.writeUIntLE(p.length, 0, 3);
  header[3] = seq;
  return Buffer.concat([header, p]);
}

const u16 = (n: number) => [n & 0xff, n >> 8];
const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
const lenenc = (s: string) => [Buffer.byteLength(s), ...Buffer.from(s)];

const SERVER_CAPS =
  CLIENT.LONG_PASSWORD |
  CLIENT.PROTOCOL_41 |
  CLIENT.SECURE_CONNECTION |
  CLIENT.PLUGIN_AUTH |
  CLIENT.CONNECT_WITH_DB |
  CLIENT.SSL |
  CLIENT.DEPRECATE_EOF |
  CLIENT.LOCAL_FILES |
  CLIENT.MULTI_RESULTS |
  CLIENT.TRANSACTIONS |
  CLIENT.COMPRESS;
const BASE_CAPS = CLIENT.LONG_PASSWORD | CLIENT.PROTOCOL_41 | CLIENT.SECURE_CONNECTION | CLIENT.PLUGIN_AUTH;

/** HandshakeV10: version, connection 7, scramble "abcdefgh" + "ijklmnopqrst", then the auth plugin. */
function greeting(): Buffer {
  const caps = [...u16(SERVER_CAPS & 0xffff), 45, ...u16(2), ...u16(SERVER_CAPS >>> 16), 21, ...Array(10).fill(0)];
  const scramble2 = Buffer.from('ijklmnopqrst\0mysql_native_password\0');
  return packet(0, [
    10,
    ...Buffer.from('8.0.0-test\0'),
    ...u32(7),
    ...Buffer.from('abcdefgh'),
    0,
    ...caps,
    ...scramble2,
  ]);
}

function response(caps: number, user = 'ada'): Buffer {
  const auth = Buffer.from('SECRETSECRETSECRET!!');
  return packet(1, [
    ...u32(caps),
    ...u32(0x1000000),
    45,
    ...Array(23).fill(0),
    ...Buffer.from(`${user}\0`),
    auth.length,
    ...auth,
    ...Buffer.from('mysql_native_password\0'),
  ]);
}

const ok = (seq: number, affected = 0, status = 2) => packet(seq, [0, affected, 0, ...u16(status), 0, 0]);

/** A column definition: catalog, schema, tables, names, then charset 45, length 80, the type. */
function column(name: string, type = 253): Buffer {
  const names = ['def', 'db', 't', 't', name, name].flatMap(lenenc);
  return Buffer.from([...names, 0x0c, ...u16(45), ...u32(80), type, ...u16(0), 0, 0, 0]);
}

function talk(steps: [TraceDir, Buffer][]): WireItem[] {
  const chunks = steps.map(([dir, bytes]) => ({ dir, bytes }));
  const items = decodeConnection(mysqlWire, chunks);
  assertAccounted(chunks, items);
  return items;
}

const LOGIN = (caps: number): [TraceDir, Buffer][] => [
  ['recv', greeting()],
  ['send', response(caps)],
  ['recv', ok(2)],
];

describe('what the recording lacks', () => {
  it('CLIENT_DEPRECATE_EOF: no EOF after the columns, an OK with 0xFE ends the rows', () => {
    const items = talk([
      ...LOGIN(BASE_CAPS | CLIENT.DEPRECATE_EOF),
      ['send', packet(0, '\x03SELECT a FROM t')],
      ['recv', Buffer.concat([packet(1, [1]), packet(2, column('a')), packet(3, lenenc('x')), packet(4, [0xfb])])],
      ['recv', packet(5, [0xfe, 0, 0, ...u16(2), 0, 0])],
    ]);
    expect(lines(items).slice(3)).toEqual([
      'send request COM_QUERY SELECT a FROM t',
      'recv reply result set: 1 column, 2 rows',
    ]);
    const rs = messages(items)[4];
    expect(rs.tree.map((n) => n.label)).toEqual(['column count', 'columns', 'rows', 'OK']);
    expect(rs.tree[2].children!.map((r) => r.value)).toEqual(['"x"', 'NULL']);
  });

  it('LOCAL INFILE: the request answers the query, the file is one request, the OK its reply', () => {
    const items = talk([
      ...LOGIN(BASE_CAPS | CLIENT.LOCAL_FILES),
      ['send', packet(0, "\x03LOAD DATA LOCAL INFILE 'f.csv' INTO TABLE t")],
      ['recv', packet(1, '\xfbf.csv')],
      ['send', Buffer.concat([packet(2, 'a\nb\n'), packet(3, 'c\n'), packet(4, [])])],
      ['recv', ok(5, 3)],
    ]);
    expect(lines(items).slice(3)).toEqual([
      "send request COM_QUERY LOAD DATA LOCAL INFILE 'f.csv' INTO TABLE t",
      'recv reply LOCAL INFILE request "f.csv"',
      'send request LOCAL INFILE data: 6 bytes',
      'recv reply OK, 3 rows affected',
    ]);
  });

  it('an auth switch: the new scramble and the answer to it are hidden', () => {
    const items = talk([
      ['recv', greeting()],
      ['send', response(BASE_CAPS)],
      ['recv', packet(2, '\xfemysql_native_password\0ABCDEFGHIJKLMNOPQRST\0')],
      ['send', packet(3, 'answeranswerANSWER!!')],
      ['recv', ok(4)],
    ]);
    expect(lines(items)).toEqual([
      'recv other HandshakeV10 8.0.0-test, connection 7, mysql_native_password',
      'send request HandshakeResponse41 user="ada" plugin=mysql_native_password',
      'recv other AuthSwitchRequest plugin=mysql_native_password',
      'send other AuthSwitchResponse (20 bytes, hidden)',
      'recv reply OK',
    ]);
    const all = Buffer.concat(messages(items).map((m) => m.bytes)).toString('latin1');
    for (const secret of ['abcdefgh', 'ijklmnopqrst', 'SECRET', 'ABCDEFGHIJ', 'answer'])
      expect(all).not.toContain(secret);
  });

  it('an SSLRequest: the rest is TLS, shown undecoded', () => {
    const ssl = packet(1, [...u32(BASE_CAPS | CLIENT.SSL), ...u32(0x1000000), 45, ...Array(23).fill(0)]);
    const items = talk([
      ['recv', greeting()],
      ['send', Buffer.concat([ssl, Buffer.from([0x16, 3, 1, 0, 5, 1, 2, 3, 4, 5])])],
      ['recv', Buffer.from([0x16, 3, 3, 0, 2, 9, 9])],
    ]);
    expect(lines(items).slice(1)).toEqual([
      'send other SSLRequest: TLS follows',
      'send undecoded: TLS — encrypted',
      'recv undecoded: TLS — encrypted',
    ]);
  });

  it('compression: after the login OK, the rest is shown undecoded', () => {
    const items = talk([...LOGIN(BASE_CAPS | CLIENT.COMPRESS), ['send', Buffer.from([9, 0, 0, 0, 0, 0, 0, 1, 2])]]);
    expect(lines(items).slice(2)).toEqual(['recv reply OK', 'send undecoded: compressed protocol — not decoded']);
  });

  it('a server that turns the connection away greets with an ERR', () => {
    const items = talk([['recv', packet(0, [0xff, ...u16(1040), ...Buffer.from('#08004Too many connections')])]]);
    expect(lines(items)).toEqual(['recv other ERR 1040 (08004) Too many connections']);
    expect(messages(items)[0].error).toBe(true);
  });

  it('a payload of 16 MiB or more goes on in the next packet, and is one message', () => {
    const sql = 'SELECT ' + "'" + 'x'.repeat(MAX_PAYLOAD + 10) + "'";
    const payload = Buffer.from('\x03' + sql, 'latin1');
    const first = Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0]), payload.subarray(0, MAX_PAYLOAD)]);
    const rest = packet(1, payload.subarray(MAX_PAYLOAD));
    const items = talk([
      ...LOGIN(BASE_CAPS),
      // The second chunk completes the first packet and brings the second: one COM_QUERY of both.
      ['send', first.subarray(0, 1000)],
      ['send', Buffer.concat([first.subarray(1000), rest])],
      ['recv', ok(1)],
    ]);
    expect(lines(items).slice(3)).toEqual([`send request COM_QUERY SELECT … ${'x'.repeat(47)}'`, 'recv reply OK']);
    expect(messages(items)[3].bytes.length).toBe(first.length + rest.length);
  });

  it('a COM_STMT_CLOSE gets no reply, an ERR nobody asked for is shown all the same', () => {
    const items = talk([
      ...LOGIN(BASE_CAPS),
      ['send', packet(0, [0x19, ...u32(3)])],
      ['send', packet(0, [0x0e])],
      ['recv', ok(1)],
      ['recv', packet(0, [0xff, ...u16(4031), ...Buffer.from('#HY000The client was disconnected')])],
    ]);
    expect(lines(items).slice(3)).toEqual([
      'send other COM_STMT_CLOSE statement 3',
      'send request COM_PING',
      'recv reply OK',
      'recv other ERR 4031 (HY000) The client was disconnected',
    ]);
  });

  it('a connection cut mid-message gives the rest back undecoded', () => {
    const items = talk([...LOGIN(BASE_CAPS), ['send', packet(0, '\x03SELECT 1').subarray(0, 7)]]);
    expect(lines(items).at(-1)).toBe('send undecoded: the connection ended mid-message');
  });

  it('decodes a large result set in small chunks in linear time', () => {
    const rows = 20_000;
    const parts = [packet(1, [2]), packet(2, column('id')), packet(3, column('name')), packet(4, [0xfe, 0, 0, 2, 0])];
    for (let i = 0; i < rows; i++) parts.push(packet((5 + i) & 0xff, [...lenenc(String(i)), ...lenenc(`name ${i}`)]));
    parts.push(packet(0, [0xfe, 0, 0, 2, 0]));
    const all = Buffer.concat(parts);
    const chunks: [TraceDir, Buffer][] = [...LOGIN(BASE_CAPS), ['send', packet(0, '\x03SELECT * FROM t')]];
    for (let i = 0; i < all.length; i += 100) chunks.push(['recv', all.subarray(i, i + 100)]);
    const items = talk(chunks);
    const rs = messages(items).at(-1)!;
    expect(rs.summary).toBe(`result set: 2 columns, ${rows} rows`);
    const shownRows = rs.tree.find((n) => n.label === 'rows')!.children!;
    expect(shownRows).toHaveLength(51);
    expect(shownRows[50].label).toBe(`… ${rows - 50} more rows`);
  });
});

// ---- whatever comes ---------------------------------------------------------------------

/** Chunks of one connection, cut at random places (each direction's bytes in order). */
const splitOf = (chunks: RecordedChunk[]) =>
  fc.array(fc.nat(), { maxLength: 40 }).map((cuts) => {
    const out: RecordedChunk[] = [];
    chunks.forEach((c, i) => {
      const at = [
        ...new Set(cuts.filter((_, k) => k % chunks.length === i % chunks.length).map((x) => x % c.bytes.length)),
      ]
        .filter((x) => x > 0)
        .sort((a, b) => a - b);
      let from = 0;
      for (const cut of [...at, c.bytes.length]) {
        out.push({ dir: c.dir, bytes: c.bytes.subarray(from, cut) });
        from = cut;
      }
    });
    return out;
  });

function decodeAll(chunks: RecordedChunk[]): WireItem[] {
  const items = decodeConnection(mysqlWire, chunks);
  assertAccounted(chunks, items);
  for (const m of messages(items)) expect(Array.isArray(m.tree)).toBe(true);
  return items;
}

describe('properties', () => {
  it('random bytes, either way, in random chunks: never throws, every byte accounted for', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ dir: fc.constantFrom<TraceDir>('send', 'recv'), bytes: fc.uint8Array({ maxLength: 300 }) }),
          { maxLength: 20 },
        ),
        (raw) => {
          decodeAll(raw.map((c) => ({ dir: c.dir, bytes: Buffer.from(c.bytes) })));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random packets after a real login: never throws, every byte accounted for', () => {
    const login = conns[0].slice(0, 3);
    const pkt = fc
      .record({
        dir: fc.constantFrom<TraceDir>('send', 'recv'),
        seq: fc.nat(3),
        body: fc.uint8Array({ maxLength: 60 }),
      })
      .map((p) => ({ dir: p.dir, bytes: packet(p.seq, Buffer.from(p.body)) }));
    fc.assert(
      fc.property(fc.array(pkt, { maxLength: 30 }), (packets) => {
        decodeAll([...login, ...packets]);
      }),
      { numRuns: 300 },
    );
  });

  it('the recording split anywhere gives the same messages', () => {
    for (const chunks of conns) {
      const whole = shown(decodeConnection(mysqlWire, chunks));
      fc.assert(
        fc.property(splitOf(chunks), (split) => {
          expect(shown(decodeAll(split))).toEqual(whole);
        }),
        { numRuns: 50 },
      );
    }
  });

  it('the recording cut short, or with bytes changed: never throws, every byte accounted for', () => {
    for (const chunks of conns) {
      const total = chunks.length;
      fc.assert(
        fc.property(fc.nat(total), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 }), (cut, flips) => {
          const changed = chunks.slice(0, cut).map((c) => ({ dir: c.dir, bytes: Buffer.from(c.bytes) }));
          for (const [at, value] of flips) {
            const c = changed[at % Math.max(1, changed.length)];
            if (c && c.bytes.length > 0) c.bytes[at % c.bytes.length] = value;
          }
          decodeAll(changed);
        }),
        { numRuns: 200 },
      );
    }
  });
});

// ---- the hints ----------------------------------------------------------------------------

const NEAR = (near: string, line = 1) =>
  `You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${near}' at line ${line}`;

describe('hints', () => {
  it('1064: the line and a caret under the spot the server names', () => {
    expect(syntaxHint('SELECT * FORM users', NEAR('FORM users'))).toBe('SELECT * FORM users\n         ^');
    expect(syntaxHint('SELECT * FROM', NEAR(''))).toBe(
      'SELECT * FROM\n             ^ the statement ends here, unfinished',
    );
    expect(syntaxHint('SELECT id,\n  name\nFROM users WHERE', NEAR('', 3))).toBe(
      'line 3: FROM users WHERE\n                        ^ the statement ends here, unfinished',
    );
    expect(syntaxHint('SELECT 1;\nSELEC 2', NEAR('SELEC 2'))).toBe('line 2: SELEC 2\n        ^');
  });

  it('1064: a quote the server cut at 80 characters is found all the same; nothing when it is not there', () => {
    const sql = `SELECT * FORM ${'t'.repeat(100)}`;
    expect(syntaxHint(sql, NEAR(`FORM ${'t'.repeat(75)}`))).toMatch(/^SELECT \* FORM t+…\n {9}\^$/);
    expect(syntaxHint('SELECT 1', NEAR('nothing like it'))).toBeNull();
    expect(syntaxHint('SELECT 1', 'Unknown column')).toBeNull();
  });

  it('1064: a long line is cut around the spot, control bytes escaped, the caret still under it', () => {
    const sql = `SELECT ${'a, '.repeat(40)}\tb FORM t`;
    const hint = syntaxHint(sql, NEAR('FORM t'))!;
    const [line, caret] = hint.split('\n');
    expect(line.startsWith('…')).toBe(true);
    expect(line.slice(caret.indexOf('^'))).toBe('FORM t');
    expect(syntaxHint('SELECT \x1b[2J FORM t', NEAR('FORM t'))).toBe('SELECT \\x1b[2J FORM t\n               ^');
  });

  it('1146: the tables there are, closest first', () => {
    expect(missingTable("Table 'shop.user' doesn't exist")).toEqual({ database: 'shop', table: 'user' });
    expect(missingTable("Table 'my.db.user' doesn't exist", 'my.db')).toEqual({ database: 'my.db', table: 'user' });
    expect(missingTable('Unknown column')).toBeNull();
    expect(missingTableHint('user', 'shop', ['orders', 'users', 'products'])).toBe(
      'no table "user" in shop; it has: users, orders, products',
    );
    expect(missingTableHint('user', 'shop', [])).toBe('no table "user" in shop, which has no tables yet');
    const many = Array.from({ length: 12 }, (_, i) => `t${i}`);
    expect(missingTableHint('t1', 'db', many)).toBe(
      'no table "t1" in db; it has: t1, t0, t10, t11, t2, t3, t4, t5, and 4 more',
    );
  });

  it('the terminal dims each line and puts the caret under the SQL', () => {
    expect(formatTerminalHint('SELECT * FORM users\n         ^')).toBe(
      '\x1b[2m[hint: SELECT * FORM users]\x1b[22m\r\n\x1b[2m                ^\x1b[22m\r\n',
    );
    expect(formatTerminalHint('no table "x" in db')).toBe('\x1b[2m[hint: no table "x" in db]\x1b[22m\r\n');
  });
});

describe('summaries', () => {
  it('SQL is one line, cut in the middle when long', () => {
    expect(shortSql('SELECT\n  1')).toBe('SELECT 1');
    expect(shortSql('SELECT users.id AS users_id, users.name AS users_name FROM users WHERE users.id = %(pk)s')).toBe(
      'SELECT users.id … FROM users WHERE users.id = %(pk)s',
    );
    expect(shortSql('SELECT 1\x00')).toBe('SELECT 1\\x00');
    expect(shortSql('x'.repeat(100_000)).length).toBeLessThan(100);
  });

  it('USE is followed', () => {
    expect(useTarget('USE shop')).toBe('shop');
    expect(useTarget('use `my db`;')).toBe('my db');
    expect(useTarget('SELECT 1')).toBeUndefined();
  });
});
