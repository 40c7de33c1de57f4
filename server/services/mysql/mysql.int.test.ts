// The MySQL terminal against a live MariaDB: the private instance of the test run (testEndpoint),
// and, for the tests that kill a server or look at its accounts, an instance of their own started
// from the adapter's own managed spec.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MYSQL_MAX_ROWS_SHOWN } from '../../../shared/limits.ts';
import { CapturedOutput } from '../../testing/capture-output.ts';
import { testEndpoint } from '../../testing/endpoints.ts';
import { HOSTILE_SHOWN, HOSTILE_VALUE, controlsIn } from '../../testing/hostile-text.ts';
import { freePort } from '../net-util.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ManagedContext } from '../managed-types.ts';
import type { TerminalSession } from '../types.ts';
import { closeConnection, connect, queryText, type MysqlError } from './connection.ts';
import { mysql } from './index.ts';
import { parseMysqlUrl } from './mysql-url.ts';

const endpoint = testEndpoint('mysql');
const PROMPT = 'MariaDB [playground]> ';

/** Names of this file's run, so tests never meet each other's (or anyone's) tables. */
const run = randomUUID().slice(0, 8);
let tableCount = 0;
const table = (name: string) => `t_${run}_${name}_${++tableCount}`;

interface Term {
  output: CapturedOutput;
  session: TerminalSession;
  /** Sends a line, waits for the next prompt, answers the output with "\n" line ends and times as T. */
  run(line: string, timeoutMs?: number): Promise<string>;
  /** Sends a line without waiting. */
  send(line: string): void;
  /** Ctrl-C; waits for the prompt that follows and answers the output before it. */
  interrupt(timeoutMs?: number): Promise<string>;
  lastPrompt(): string;
}

const sessions: TerminalSession[] = [];

/** Elapsed times vary; everything else is compared exactly. */
function normal(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/\(\d+\.\d{3} sec\)/g, '(T sec)');
}

async function openTerm(at: Endpoint = endpoint): Promise<Term> {
  const output = new CapturedOutput();
  const session = await mysql.openTerminal(at, output);
  sessions.push(session);
  await output.until((o) => o.prompts.length > 0);
  return {
    output,
    session,
    run: async (line, timeoutMs) => normal(await output.run((l) => session.line(l), line, timeoutMs)),
    send: (line) => {
      output.take();
      session.line(line);
    },
    interrupt: async (timeoutMs = 5000) => {
      const before = output.prompts.length;
      session.interrupt();
      await output.until((o) => o.prompts.length > before, timeoutMs);
      return normal(output.take());
    },
    lastPrompt: () => output.prompts[output.prompts.length - 1],
  };
}

afterAll(async () => {
  for (const s of sessions) s.close();
  // Tables this run made, in case a test failed before dropping its own.
  const conn = await connect(parseMysqlUrl(endpoint.url), { timeoutMs: 5000 });
  try {
    const { rows } = await queryText(conn, `SHOW TABLES LIKE 't\\_${run}%'`);
    for (const [name] of rows) await queryText(conn, `DROP TABLE \`${name}\``);
    await queryText(conn, `DROP DATABASE IF EXISTS playground_${run}`);
  } finally {
    closeConnection(conn);
  }
});

describe('probe and greeting', () => {
  it('probe answers the full MariaDB version', async () => {
    const { version } = await mysql.probe(endpoint);
    expect(version).toMatch(/^\d+\.\d+\.\d+-MariaDB/);
  });

  it('greets like the client and prompts with the current database', async () => {
    const output = new CapturedOutput();
    const session = await mysql.openTerminal(endpoint, output);
    sessions.push(session);
    await output.until((o) => o.prompts.length > 0);
    expect(normal(output.text)).toMatch(
      /^Welcome to the MariaDB monitor\. {2}Commands end with ; or \\g\.\nYour MariaDB connection id is \d+\nServer version: \d+\.\d+\.\d+-MariaDB\S*( .*)?\n\nType 'help;' or '\\h' for help\. Type '\\c' to clear the current input statement\.\n\n$/,
    );
    expect(output.prompts).toEqual([PROMPT]);
    expect(output.source).not.toBeNull();
  });
});

describe('statements and results', () => {
  it('SELECT 1; prints the bordered table and the row count', async () => {
    const t = await openTerm();
    expect(await t.run('SELECT 1;')).toBe('+---+\n| 1 |\n+---+\n| 1 |\n+---+\n1 row in set (T sec)\n\n');
    expect(t.lastPrompt()).toBe(PROMPT);
  });

  it('a statement over several lines prompts with -> until it ends', async () => {
    const t = await openTerm();
    expect(await t.run('SELECT 1 +')).toBe('');
    expect(t.lastPrompt()).toBe('    -> ');
    expect(await t.run("  2 AS three, 'x;y' AS s")).toBe('');
    expect(t.lastPrompt()).toBe('    -> ');
    expect(await t.run(';')).toBe(
      '+-------+-----+\n| three | s   |\n+-------+-----+\n|     3 | x;y |\n+-------+-----+\n1 row in set (T sec)\n\n',
    );
    expect(t.lastPrompt()).toBe(PROMPT);
  });

  it('an open quote gets its own prompt', async () => {
    const t = await openTerm();
    await t.run("SELECT 'a");
    expect(t.lastPrompt()).toBe("    '> ");
    expect(await t.run("b' AS v;")).toBe('+-----+\n| v   |\n+-----+\n| a\nb |\n+-----+\n1 row in set (T sec)\n\n');
  });

  it('CREATE, INSERT, UPDATE, SELECT and \\G print what the client prints', async () => {
    const t = await openTerm();
    const name = table('people');
    expect(await t.run(`CREATE TABLE ${name} (id INT PRIMARY KEY, name VARCHAR(20), note TEXT);`)).toBe(
      'Query OK, 0 rows affected (T sec)\n\n',
    );
    expect(await t.run(`INSERT INTO ${name} VALUES (1, 'Ada', NULL), (2, 'Grace', 'compilers');`)).toBe(
      'Query OK, 2 rows affected (T sec)\nRecords: 2  Duplicates: 0  Warnings: 0\n\n',
    );
    expect(await t.run(`UPDATE ${name} SET name = 'Ada L.' WHERE id = 1;`)).toBe(
      'Query OK, 1 row affected (T sec)\nRows matched: 1  Changed: 1  Warnings: 0\n\n',
    );
    // Nothing changes: the client reports changed rows, not matched ones.
    expect(await t.run(`UPDATE ${name} SET name = 'Ada L.' WHERE id = 1;`)).toBe(
      'Query OK, 0 rows affected (T sec)\nRows matched: 1  Changed: 0  Warnings: 0\n\n',
    );
    expect(await t.run(`SELECT * FROM ${name} ORDER BY id;`)).toBe(
      [
        '+----+--------+-----------+',
        '| id | name   | note      |',
        '+----+--------+-----------+',
        '|  1 | Ada L. | NULL      |',
        '|  2 | Grace  | compilers |',
        '+----+--------+-----------+',
        '2 rows in set (T sec)',
        '',
        '',
      ].join('\n'),
    );
    expect(await t.run(`SELECT * FROM ${name} ORDER BY id\\G`)).toBe(
      [
        '*************************** 1. row ***************************',
        '  id: 1',
        'name: Ada L.',
        'note: NULL',
        '*************************** 2. row ***************************',
        '  id: 2',
        'name: Grace',
        'note: compilers',
        '2 rows in set (T sec)',
        '',
        '',
      ].join('\n'),
    );
    expect(await t.run(`SELECT * FROM ${name} WHERE id = 99;`)).toBe('Empty set (T sec)\n\n');
    expect(await t.run(`DROP TABLE ${name};`)).toBe('Query OK, 0 rows affected (T sec)\n\n');
  });

  it('wide characters are padded by display width; binary values show as hex', async () => {
    const t = await openTerm();
    const name = table('wide');
    await t.run(`CREATE TABLE ${name} (id INT, word VARCHAR(10), raw VARBINARY(4));`);
    await t.run(`INSERT INTO ${name} VALUES (1, '日本語', 0x00FF), (2, 'héllo', 'ok');`);
    expect(await t.run(`SELECT word, raw FROM ${name} ORDER BY id;`)).toBe(
      [
        '+--------+--------+',
        '| word   | raw    |',
        '+--------+--------+',
        '| 日本語 | 0x00FF |',
        '| héllo  | ok     |',
        '+--------+--------+',
        '2 rows in set (T sec)',
        '',
        '',
      ].join('\n'),
    );
    await t.run(`DROP TABLE ${name};`);
  });

  it('several statements on one line run in order', async () => {
    const t = await openTerm();
    expect(await t.run("SELECT 'a' AS x; SELECT 'b' AS y\\G")).toBe(
      '+---+\n| x |\n+---+\n| a |\n+---+\n1 row in set (T sec)\n\n' +
        '*************************** 1. row ***************************\ny: b\n1 row in set (T sec)\n\n',
    );
  });

  it('warnings are counted on result sets', async () => {
    const t = await openTerm();
    expect(await t.run('SELECT 1/0;')).toBe(
      '+------+\n| 1/0  |\n+------+\n| NULL |\n+------+\n1 row in set, 1 warning (T sec)\n\n',
    );
    expect(await t.run('warnings')).toBe('Show warnings enabled.\n');
    expect(await t.run('SELECT 1/0 AS q;')).toContain(
      '1 row in set, 1 warning (T sec)\n\nWarning (Code 1365): Division by 0\n',
    );
  });

  it('a procedure under DELIMITER // prints every result set of CALL', async () => {
    const t = await openTerm();
    const proc = `p_${run}`;
    await t.run('DELIMITER //');
    expect(await t.run(`CREATE PROCEDURE ${proc}() BEGIN SELECT 1 AS a; SELECT 2 AS b; END //`)).toBe(
      'Query OK, 0 rows affected (T sec)\n\n',
    );
    await t.run('DELIMITER ;');
    expect(await t.run(`CALL ${proc}();`)).toBe(
      '+---+\n| a |\n+---+\n| 1 |\n+---+\n1 row in set (T sec)\n\n' +
        '+---+\n| b |\n+---+\n| 2 |\n+---+\n1 row in set (T sec)\n\n' +
        'Query OK, 0 rows affected (T sec)\n\n',
    );
    await t.run(`DROP PROCEDURE ${proc};`);
  });
});

describe('errors', () => {
  it('a missing table reads as the client shows it, and a hint names the tables there are', async () => {
    const t = await openTerm();
    expect(await t.run('SELECT * FROM nope;')).toMatch(
      /^ERROR 1146 \(42S02\): Table 'playground\.nope' doesn't exist\n\x1b\[2m\[hint: no table "nope" in playground[;,][^\n]*\]\x1b\[22m\n$/,
    );
    expect(t.lastPrompt()).toBe(PROMPT);
  });

  it('a syntax error quotes the server, and a hint puts a caret under the spot', async () => {
    const t = await openTerm();
    expect(await t.run('SELEC 1;')).toBe(
      'ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your ' +
        "MariaDB server version for the right syntax to use near 'SELEC 1' at line 1\n" +
        '\x1b[2m[hint: SELEC 1]\x1b[22m\n\x1b[2m       ^\x1b[22m\n',
    );
  });

  it("an empty statement and an unknown command are the client's own errors", async () => {
    const t = await openTerm();
    expect(await t.run(';')).toBe('ERROR: No query specified\n\n');
    expect(await t.run('\\x')).toBe("ERROR: Unknown command '\\x'.\n");
    expect(t.lastPrompt()).toBe('    -> ');
  });

  it('binary junk in a line becomes an error, never raw control bytes on the terminal', async () => {
    const t = await openTerm();
    const out = await t.run('SELECT \x00\x1b[2J\x07 FROM;');
    expect(out).toMatch(/^ERROR 1064 \(42000\): You have an error in your SQL syntax/);
    // The hint under the error is dimmed (ESC[2m … ESC[22m); nothing else may reach the terminal raw.
    expect(out.replace(/\x1b\[2m|\x1b\[22m/g, '')).not.toMatch(/[\x00\x07\x1b]/);
    expect(t.lastPrompt()).toBe(PROMPT);
  });

  it('escape sequences in values, column names, errors and warnings show as visible text', async () => {
    const t = await openTerm();
    const name = table('hostile');
    await t.run(`CREATE TABLE ${name} (v TEXT);`);
    // Typed as a learner would paste it: the raw characters inside a string literal.
    expect(await t.run(`INSERT INTO ${name} VALUES ('${HOSTILE_VALUE}');`)).toBe(
      'Query OK, 1 row affected (T sec)\n\n',
    );
    const outputs = [
      await t.run(`SELECT v, 1 AS \`${HOSTILE_VALUE}\` FROM ${name};`),
      await t.run(`SELECT v FROM ${name}\\G`),
      // The server's error quotes the name; the hint under it names the tables there are.
      await t.run(`SELECT * FROM \`${HOSTILE_VALUE}\`;`),
      await t.run('\\W'),
      await t.run(`SELECT CAST('${HOSTILE_VALUE}' AS INT) AS n;`),
      // A message the learner writes: MariaDB escapes it too.
      await t.run(`SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${HOSTILE_VALUE}';`),
      // \p prints the statement being typed.
      await t.run(`SELECT '${HOSTILE_VALUE}' \\p`),
    ];
    await t.run('\\c');
    // Once as the second column's name, once as the first column's value.
    expect(outputs[0].split(`| ${HOSTILE_SHOWN} |`)).toHaveLength(3);
    expect(outputs[1]).toContain(`v: ${HOSTILE_SHOWN}\n`);
    // MariaDB writes control characters in its messages its own way (\001B); they pass as it wrote them.
    expect(outputs[2]).toMatch(/^ERROR 1146 \(42S02\): Table 'playground\.<\\001B\]52;c;aGk=/);
    expect(outputs[2]).toContain('[hint: no table "<\\001B]52');
    expect(outputs[4]).toContain("Warning (Code 1292): Truncated incorrect INTEGER value: '<\\001B]52");
    expect(outputs[5]).toMatch(/^ERROR 1644 \(45000\): <\\001B\]52;c;aGk=\\0007\|/);
    expect(outputs[6]).toBe(`--------------\nSELECT '${HOSTILE_SHOWN}' \n--------------\n\n`);
    for (const out of outputs) expect(controlsIn(out)).toEqual([]);
    await t.run(`DROP TABLE ${name};`);
  });

  it('client commands the playground does not offer say so', async () => {
    const t = await openTerm();
    expect(await t.run('\\! ls')).toBe("ERROR: the client command 'system' (\\!) is not available in the playground\n");
    expect(await t.run('source /etc/passwd')).toBe(
      "ERROR: the client command 'source' (\\.) is not available in the playground\n",
    );
    expect(t.lastPrompt()).toBe(PROMPT);
  });

  it('a database outside the grant is refused by the server', async () => {
    const t = await openTerm();
    expect(await t.run('CREATE DATABASE not_yours;')).toBe(
      "ERROR 1044 (42000): Access denied for user 'learner'@'%' to database 'not_yours'\n",
    );
  });
});

describe('client commands', () => {
  it('USE changes the prompt, with or without ;', async () => {
    const t = await openTerm();
    const db = `playground_${run}`;
    await t.run(`CREATE DATABASE IF NOT EXISTS ${db};`);
    expect(await t.run(`use ${db}`)).toBe('Database changed\n');
    expect(t.lastPrompt()).toBe(`MariaDB [${db}]> `);
    expect(await t.run('USE playground;')).toBe('Database changed\n');
    expect(t.lastPrompt()).toBe(PROMPT);
    expect(await t.run(`use ${db}_nowhere`)).toBe(`ERROR 1049 (42000): Unknown database '${db}_nowhere'\n`);
    expect(t.lastPrompt()).toBe(PROMPT);
    // USE sent as SQL, and dropping the current database, are followed too.
    await t.run(`USE ${db}\\g`);
    expect(t.lastPrompt()).toBe(`MariaDB [${db}]> `);
    await t.run(`DROP DATABASE ${db};`);
    expect(t.lastPrompt()).toBe('MariaDB [(none)]> ');
  });

  it('\\c drops the statement being typed', async () => {
    const t = await openTerm();
    await t.run('SELECT');
    expect(await t.run('1 \\c')).toBe('');
    expect(t.lastPrompt()).toBe(PROMPT);
  });

  it('help, status and quit', async () => {
    const t = await openTerm();
    const help = await t.run('help');
    expect(help).toContain('List of all client commands:\n');
    expect(help).toContain('ego       (\\G) Send command to MariaDB server, display result vertically.\n');
    expect(await t.run('help select')).toMatch(/^Name: 'SELECT'\nDescription:\n/);
    const status = await t.run('\\s');
    expect(status).toMatch(/^--------------\n/);
    expect(status).toContain('Current database:\tplayground\n');
    expect(status).toContain('Current user:\t\tlearner@127.0.0.1\n');
    expect(status).toContain(`TCP port:\t\t${parseMysqlUrl(endpoint.url).port}\n`);
    expect(status).toMatch(
      /\nThreads: \d+ {2}Questions: \d+ {2}Slow queries: \d+ .* Queries per second avg: \d+\.\d{3}\n--------------\n\n$/,
    );
    const bye = await t.run('quit');
    expect(bye).toMatch(/^Bye\n\nWelcome to the MariaDB monitor\./);
    expect(t.lastPrompt()).toBe(PROMPT);
    expect(await t.run('SELECT 2;')).toContain('| 2 |');
  });
});

describe('limits and interrupts', () => {
  it('a huge SELECT shows the first rows, counts the rest, and says so', async () => {
    const t = await openTerm();
    const total = 300_000;
    const out = await t.run(`SELECT seq FROM seq_1_to_${total};`, 20_000);
    const lines = out.split('\n');
    expect(lines.filter((l) => /^\| +\d+ \|$/.test(l))).toHaveLength(MYSQL_MAX_ROWS_SHOWN);
    expect(out).toContain(`| ${MYSQL_MAX_ROWS_SHOWN} |\n+------+\n`);
    expect(out).toContain(
      `… ${total - MYSQL_MAX_ROWS_SHOWN} more rows not shown (the playground shows at most ${MYSQL_MAX_ROWS_SHOWN} rows of a result; add LIMIT)\n` +
        `${total} rows in set (T sec)\n\n`,
    );
  });

  it('Ctrl-C kills a running query from a second connection within a second or two', async () => {
    const t = await openTerm();
    t.send('SELECT SLEEP(30);');
    await new Promise((r) => setTimeout(r, 300));
    const began = performance.now();
    const out = await t.interrupt(3000);
    expect(performance.now() - began).toBeLessThan(2000);
    expect(out).toBe('Ctrl-C -- query killed.\nERROR 1317 (70100): Query execution was interrupted\n');
    expect(t.lastPrompt()).toBe(PROMPT);
    expect(await t.run('SELECT 3;')).toContain('| 3 |');
  });

  it('Ctrl-C while a statement is half typed drops it', async () => {
    const t = await openTerm();
    await t.run("SELECT 'open");
    expect(await t.interrupt()).toBe('');
    expect(t.lastPrompt()).toBe(PROMPT);
    expect(await t.run('SELECT 4;')).toContain('| 4 |');
  });

  it('the connection socket pauses and resumes for flow control', async () => {
    const t = await openTerm();
    const source = t.output.source!;
    source.pause();
    const before = t.output.prompts.length;
    t.send('SELECT 5;');
    await new Promise((r) => setTimeout(r, 300));
    expect(t.output.prompts.length).toBe(before);
    source.resume();
    await t.output.until((o) => o.prompts.length > before);
    expect(normal(t.output.take())).toContain('| 5 |');
  });

  it('a connection dropped under the terminal is reopened on the next statement', async () => {
    const t = await openTerm();
    const id = Number(/\| +(\d+) \|/.exec(await t.run('SELECT CONNECTION_ID();'))![1]);
    const side = await connect(parseMysqlUrl(endpoint.url), { timeoutMs: 5000 });
    await queryText(side, `KILL CONNECTION ${id}`);
    closeConnection(side);
    await new Promise((r) => setTimeout(r, 200));
    const out = await t.run('SELECT 6;');
    expect(out).toMatch(
      /^ERROR 2006 \(HY000\): Server has gone away\nNo connection\. Trying to reconnect\.\.\.\nConnection id: {4}\d+\nCurrent database: playground\n\n\+---\+\n\| 6 \|/,
    );
    expect(t.output.failed).toBeNull();
  });
});

describe('an instance of its own', () => {
  let dir = '';
  let child: ChildProcess | null = null;
  let ctx: ManagedContext;

  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  async function start(): Promise<Endpoint> {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pg-mysql-'));
    ctx = { dir, ports: [await freePort()], secret: randomUUID(), isRoot: process.getuid?.() === 0 };
    await mysql.managed.prepare!(ctx);
    const spec = mysql.managed.spawn(ctx);
    child = spawn(spec.command, spec.args, { cwd: dir, stdio: 'ignore', detached: true });
    const at = mysql.managed.endpoint(ctx);
    const deadline = Date.now() + mysql.managed.startTimeoutMs;
    for (;;) {
      try {
        await mysql.probe(at);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await mysql.managed.afterReady!(ctx, at);
    return at;
  }

  it('keeps root off the network and the learner in its databases; a gone server ends the terminal', async () => {
    const at = await start();
    const learner = parseMysqlUrl(at.url);
    const refused = await connect({ ...learner, user: 'root', password: '' }, { timeoutMs: 3000 }).catch(
      (e: MysqlError) => e,
    );
    expect((refused as MysqlError).errno).toBe(1045);

    const t = await openTerm(at);
    expect(await t.run('CREATE DATABASE playground_extra;')).toBe('Query OK, 1 row affected (T sec)\n\n');
    expect(await t.run('CREATE DATABASE elsewhere;')).toContain('ERROR 1044 (42000)');

    const exited = new Promise((r) => child!.once('exit', r));
    process.kill(-child!.pid!, 'SIGKILL');
    await exited;
    const out = await (async () => {
      t.send('SELECT 1;');
      await t.output.until((o) => o.failed !== null, 10_000);
      return normal(t.output.take());
    })();
    expect(out).toMatch(
      /^ERROR 2006 \(HY000\): Server has gone away\nNo connection\. Trying to reconnect\.\.\.\nERROR 2003 \(HY000\): Can't connect to server on '127\.0\.0\.1' \(111\)\nERROR: Can't connect to the server\n\n$/,
    );
    expect(t.output.failed).toMatch(/could not reconnect/);
  });
});
