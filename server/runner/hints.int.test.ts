// The hint rows against real runs, through the executor as the web server uses it: the code a
// tutorial or an old answer holds fails here as it would, and one `hint:` line under the error
// says what to change; the changed code then runs. A clean run gets no hint.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../services/registry.ts';
import { testEndpoint } from '../testing/endpoints.ts';
import { startTestExecutor, type TestExecutor } from '../testing/executor.ts';
import { CapturedRun } from './captured-run.ts';
import type { RunRequest } from './types.ts';

let executor: TestExecutor;
let workDir: string;

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-hints-int-'));
  executor = await startTestExecutor(workDir, { wallTimeMs: 15_000 });
  await executor.warm();
});

afterAll(async () => {
  await executor?.close();
  await fs.rm(workDir, { recursive: true, force: true });
});

async function run(
  language: RunRequest['language'],
  code: string,
): Promise<{ text: string; code: number; hints: string[] }> {
  const output = new CapturedRun();
  const endpoints = Object.fromEntries(SERVICES.names.map((s) => [s, testEndpoint(s)]));
  await executor.start({ language, code, files: [], endpoints }, output);
  const exitCode = await output.exited;
  return { text: output.text, code: exitCode, hints: output.text.split('\n').filter((l) => l.includes('[hint: ')) };
}

const lines = (...l: string[]) => l.join('\n');

const CASES: Array<[string, RunRequest['language'], string, string]> = [
  [
    'redis-py on a blog’s address',
    'python',
    lines('import redis', "print(redis.Redis(host='192.168.1.1', port=6379).get('x'))"),
    'use localhost:6379 (your own Redis) or os.environ["REDIS_URL"]',
  ],
  [
    'python-memcached marking the server dead (exit 0)',
    'python',
    lines(
      'import memcache',
      "mc = memcache.Client(['10.211.55.4:12000'], debug=1)",
      "mc.set('k', 'v')",
      "print(mc.get('k'))",
    ),
    'not your memcached here: use localhost:11211',
  ],
  [
    'pika 0.x exchange_declare(type=)',
    'python',
    lines(
      'import pika',
      "ch = pika.BlockingConnection(pika.ConnectionParameters('localhost')).channel()",
      "ch.exchange_declare(exchange='logs', type='fanout')",
    ),
    "exchange_type='fanout'",
  ],
  [
    'pika 0.x basic_consume(callback, queue=, no_ack=)',
    'python',
    lines(
      'import pika',
      "ch = pika.BlockingConnection(pika.ConnectionParameters('localhost')).channel()",
      "ch.queue_declare(queue='hello')",
      'def callback(ch, method, properties, body): print(body)',
      "ch.basic_consume(callback, queue='hello', no_ack=True)",
    ),
    'on_message_callback=callback, auto_ack=True',
  ],
  [
    'pika on a tutorial’s host',
    'python',
    lines('import pika', "pika.BlockingConnection(pika.ConnectionParameters(host='10.211.55.4'))"),
    "pika.ConnectionParameters('localhost')",
  ],
  [
    'SQLAlchemy with MySQLdb',
    'python',
    lines('from sqlalchemy import create_engine', "create_engine('mysql+mysqldb://root:123@localhost/test').connect()"),
    'PyMySQL',
  ],
  [
    'PyMySQL as root',
    'python',
    lines('import pymysql', "pymysql.connect(host='localhost', user='root', password='123', database='test')"),
    'not root: its password is in os.environ["MYSQL_URL"]',
  ],
  [
    'SQLAlchemy 2.0 DeclarativeBase',
    'python',
    lines('from sqlalchemy.orm import DeclarativeBase', 'class Base(DeclarativeBase):', '    pass'),
    'declarative_base()',
  ],
  ['Python 2 print', 'python', "print 'hello'", "print('hello')"],
  [
    'Python 2 except',
    'python',
    lines('try:', '    pass', 'except Exception, e:', '    pass'),
    'except Exception as e:',
  ],
  [
    'ioredis on a blog’s address',
    'javascript',
    lines(
      "import { Redis } from 'ioredis';",
      "const r = new Redis({ host: '192.168.1.1', retryStrategy: () => null, maxRetriesPerRequest: 0 });",
      "r.on('error', (e) => console.error(String(e)));",
      "await r.get('x').catch((e) => console.error(String(e)));",
      'r.disconnect();',
    ),
    'use localhost:6379 (your own Redis) or process.env.REDIS_URL',
  ],
  [
    'amqplib with a made-up login',
    'javascript',
    lines("import amqp from 'amqplib';", "await amqp.connect('amqp://admin:admin@localhost');"),
    'guest/guest on localhost:5672',
  ],
];

describe('a hint under the error of pasted code', () => {
  for (const [name, language, code, says] of CASES) {
    it(name, async () => {
      const result = await run(language, code);
      expect(result.hints, result.text).toHaveLength(1);
      expect(result.hints[0]).toContain(says);
    });
  }
});

describe('what the hints say to write runs here', () => {
  it('pika 1.x: exchange_type=, and basic_consume(queue=, on_message_callback=, auto_ack=)', async () => {
    const result = await run(
      'python',
      lines(
        'import pika',
        "ch = pika.BlockingConnection(pika.ConnectionParameters('localhost')).channel()",
        "ch.exchange_declare(exchange='hint-logs', exchange_type='fanout')",
        "q = ch.queue_declare(queue='', exclusive=True).method.queue",
        'def callback(ch, method, properties, body): print("got", body)',
        'print("tag", bool(ch.basic_consume(queue=q, on_message_callback=callback, auto_ack=True)))',
        "ch.exchange_delete(exchange='hint-logs')",
      ),
    );
    expect(result.text).toContain('tag True');
    expect(result.hints).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('SQLAlchemy 1.4: engine.begin() commits, and future=True gives conn.commit()', async () => {
    const result = await run(
      'python',
      lines(
        'import os',
        'from sqlalchemy import create_engine, text',
        'url = os.environ["SQLALCHEMY_URL"]',
        'with create_engine(url).begin() as conn:',
        '    conn.execute(text("CREATE TABLE IF NOT EXISTS hint_t (n INT)"))',
        '    conn.execute(text("INSERT INTO hint_t VALUES (1)"))',
        'with create_engine(url, future=True).connect() as conn:',
        '    conn.execute(text("INSERT INTO hint_t VALUES (2)"))',
        '    conn.commit()',
        'with create_engine(url).connect() as conn:',
        '    print("rows", conn.execute(text("SELECT COUNT(*) FROM hint_t")).scalar())',
        '    conn.execute(text("DROP TABLE hint_t"))',
      ),
    );
    expect(result.text).toContain('rows 2');
    expect(result.hints).toEqual([]);
    expect(result.code).toBe(0);
  });
});
