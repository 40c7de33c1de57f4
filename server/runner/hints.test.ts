import { describe, expect, it } from 'vitest';
import { SERVICES } from '../services/registry.ts';
import type { RunLanguage } from '../../shared/protocol.ts';
import type { HintContext } from '../services/hint-types.ts';
import { CapturedRun } from './captured-run.ts';
import { HINT_AFTER_QUIET_MS, findHint, hintContext, hintTable, withHints } from './hints.ts';
import { buildRunNetwork } from './run-network.ts';

const table = hintTable(SERVICES);
const endpoints = {
  memcached: { url: '127.0.0.1:40001', address: '127.0.0.1:40001' },
  redis: { url: 'redis://127.0.0.1:40002', address: '127.0.0.1:40002' },
  rabbitmq: { url: 'amqp://learner:s3cret@127.0.0.1:40003', address: '127.0.0.1:40003' },
  mysql: { url: 'mysql://learner:pw@127.0.0.1:40004/playground', address: '127.0.0.1:40004' },
};
const context = (language: RunLanguage): HintContext =>
  hintContext(language, buildRunNetwork(endpoints, SERVICES), SERVICES);
const hintFor = (output: string, language: RunLanguage = 'python') =>
  findHint(table, output.split('\n'), context(language));

describe('the hint table', () => {
  it('has unique row ids, services first', () => {
    const ids = table.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(-2)).toEqual(['node-connect', 'python-socket']);
  });

  for (const row of table) {
    it(`${row.id}: fires on the output it was written for`, () => {
      const hint = hintFor(row.fixture.output, row.fixture.language);
      expect(hint).toContain(row.fixture.says);
      // Its own row, not an earlier one that happens to match too.
      expect(table.find((r) => row.fixture.output.split('\n').some((l) => r.line.test(l)))?.id).toBe(row.id);
    });
  }

  it('knows where each service answers inside the run: its variable’s port and the conventional one', () => {
    const redis = context('python').services.find((s) => s.name === 'redis');
    expect(redis).toMatchObject({ title: 'Redis', variables: ['REDIS_URL'], insidePorts: [40002, 6379] });
    const mysql = context('python').services.find((s) => s.name === 'mysql');
    expect(mysql?.variables).toEqual(['MYSQL_URL', 'SQLALCHEMY_URL']);
  });

  it('gives no hint when the address is the learner’s own (the service itself did not answer)', () => {
    for (const address of ['localhost:6379', '127.0.0.1:40002']) {
      const [host, port] = address.split(':');
      expect(
        hintFor(`redis.exceptions.ConnectionError: Error 111 connecting to ${host}:${port}. Connection refused.`),
      ).toBeNull();
    }
    // ...and no generic hint either: the library's row decided.
    expect(
      hintFor(
        [
          'ConnectionRefusedError: [Errno 111] Connection refused',
          'redis.exceptions.ConnectionError: Error 111 connecting to localhost:6379. Connection refused.',
        ].join('\n'),
      ),
    ).toBeNull();
  });

  it('prefers the library’s row, which names the address, to the bare socket error printed before it', () => {
    const hint = hintFor(
      [
        'OSError: [Errno 101] Network is unreachable',
        'During handling of the above exception, another exception occurred:',
        `pymysql.err.OperationalError: (2003, "Can't connect to MySQL server on '192.168.1.1' ([Errno 101] Network is unreachable)")`,
      ].join('\n'),
    );
    expect(hint).toContain('192.168.1.1');
  });

  it('names the learner’s own MySQL user, and tells a wrong password from a wrong user', () => {
    expect(hintFor(`(1045, "Access denied for user 'root'@'127.0.0.1' (using password: YES)")`)).toContain(
      'your MySQL user here is learner, not root',
    );
    expect(hintFor(`(1045, "Access denied for user 'learner'@'127.0.0.1' (using password: YES)")`)).toContain(
      'that is not the password of your MySQL user learner',
    );
  });

  it('speaks the run’s language', () => {
    expect(hintFor('Error: connect ECONNREFUSED 10.0.0.9:5672', 'javascript')).toContain('process.env.AMQP_URL');
    expect(hintFor('Error: getaddrinfo ENOTFOUND redis', 'javascript')).toContain(
      'which is not one of your services: here they answer on localhost:11211 (memcached)',
    );
  });
});

describe('withHints', () => {
  it('passes the output through and adds one dimmed hint line before the exit', async () => {
    const captured = new CapturedRun();
    const output = withHints(captured, table, context('python'));
    output.write('Traceback (most recent call last):\r\n  File "main.py", line 1\r\n');
    output.write("ModuleNotFoundError: No module named 'Que");
    output.write("ue'\r\n");
    output.exit(1);
    expect(await captured.exited).toBe(1);
    const lines = captured.text.split('\n');
    expect(captured.text.startsWith('Traceback (most recent call last):\r\n  File "main.py", line 1\r\n')).toBe(true);
    expect(lines.filter((l) => l.includes('hint:'))).toHaveLength(1);
    expect(captured.text).toMatch(/\x1b\[2m\[hint: Queue is Python 2's name; on Python 3 \(here\) it is queue\]/);
  });

  it('says it while a program that keeps retrying is still running, once', async () => {
    const captured = new CapturedRun();
    const output = withHints(captured, table, context('javascript'));
    output.write('[ioredis] Unhandled error event: Error: connect ENETUNREACH 192.168.1.1:6379 - Local (0.0.0.0:0)\n');
    await new Promise((r) => setTimeout(r, HINT_AFTER_QUIET_MS + 200));
    expect(captured.text).toContain('hint: the code connects to 192.168.1.1:6379');
    output.write('[ioredis] Unhandled error event: Error: connect ENETUNREACH 192.168.1.1:6379 - Local (0.0.0.0:0)\n');
    output.exit(124);
    await captured.exited;
    expect(captured.text.match(/hint:/g)).toHaveLength(1);
  });

  it('adds nothing to a clean run', async () => {
    const captured = new CapturedRun();
    const output = withHints(captured, table, context('python'));
    output.write('runs: 3\r\nConnection refused is just a phrase here\r\n');
    output.exit(0);
    await captured.exited;
    expect(captured.text).toBe('runs: 3\r\nConnection refused is just a phrase here\r\n');
  });
});
