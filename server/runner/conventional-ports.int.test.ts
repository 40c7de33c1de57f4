// Code pasted from a tutorial runs as it is: inside a run, localhost on each service's conventional
// port (6379, 11211, 5672 as guest/guest, 3306) reaches the learner's own service, in Python and in
// JavaScript, through the executor as the web server uses it. Each snippet writes through the
// conventional address and reads back through the variable's, so a wrong target fails the test.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../services/registry.ts';
import { testEndpoint } from '../testing/endpoints.ts';
import { startTestExecutor, type TestExecutor } from '../testing/executor.ts';
import { CapturedRun } from './captured-run.ts';
import type { RunRequest } from './types.ts';

const tag = `conv${randomUUID().slice(0, 8)}`;
let executor: TestExecutor;
let workDir: string;

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-conventional-int-'));
  executor = await startTestExecutor(workDir, { wallTimeMs: 20_000 });
  await executor.warm();
});

afterAll(async () => {
  await executor?.close();
  await fs.rm(workDir, { recursive: true, force: true });
});

async function run(language: RunRequest['language'], code: string): Promise<{ text: string; code: number }> {
  const output = new CapturedRun();
  const endpoints = Object.fromEntries(SERVICES.names.map((s) => [s, testEndpoint(s)]));
  await executor.start({ language, code, files: [], endpoints }, output);
  const exitCode = await output.exited;
  return { text: output.text, code: exitCode };
}

describe('the conventional addresses inside a run', () => {
  it('Python: redis.Redis(), memcache on 127.0.0.1:11211, pika as guest on localhost, PyMySQL on localhost:3306', async () => {
    const { text, code } = await run(
      'python',
      [
        'import os, redis, memcache, pika, pymysql',
        'from urllib.parse import urlparse',
        `k = "${tag}-py"`,
        'redis.Redis().set(k, "from localhost")',
        'print("redis:", redis.Redis.from_url(os.environ["REDIS_URL"]).get(k))',
        'memcache.Client(["127.0.0.1:11211"]).set(k, "from 11211")',
        'print("memcached:", memcache.Client(os.environ["MEMCACHED_SERVERS"].split(",")).get(k))',
        'conn = pika.BlockingConnection(pika.ConnectionParameters("localhost"))',
        'ch = conn.channel()',
        'ch.queue_declare(queue=k)',
        'ch.basic_publish(exchange="", routing_key=k, body=b"from guest")',
        'conn.close()',
        'mine = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"])).channel()',
        'print("rabbitmq:", mine.basic_get(queue=k, auto_ack=True)[2])',
        'mine.queue_delete(queue=k)',
        'u = urlparse(os.environ["MYSQL_URL"])',
        'db = pymysql.connect(host="localhost", port=3306, user=u.username, password=u.password, database=u.path[1:])',
        'with db.cursor() as c:',
        '    c.execute("SELECT DATABASE()")',
        '    print("mysql:", c.fetchone()[0] == u.path[1:])',
      ].join('\n'),
    );
    expect(text).toContain("redis: b'from localhost'");
    expect(text).toContain('memcached: from 11211');
    expect(text).toContain("rabbitmq: b'from guest'");
    expect(text).toContain('mysql: True');
    expect(code).toBe(0);
  });

  it('JavaScript: new Redis(), amqplib on amqp://localhost, mysql2 and memcache-client on localhost', async () => {
    const { text, code } = await run(
      'javascript',
      [
        "import { Redis } from 'ioredis';",
        "import amqp from 'amqplib';",
        "import mysql from 'mysql2/promise';",
        "import { MemcacheClient } from 'memcache-client';",
        `const k = '${tag}-js';`,
        'const local = new Redis();',
        "await local.set(k, 'from localhost');",
        'const mine = new Redis(process.env.REDIS_URL);',
        "console.log('redis:', await mine.get(k));",
        'local.disconnect(); mine.disconnect();',
        "const mc = new MemcacheClient({ server: 'localhost:11211' });",
        "await mc.set(k, 'from 11211');",
        "const mc2 = new MemcacheClient({ server: process.env.MEMCACHED_SERVERS.split(',')[0] });",
        "console.log('memcached:', (await mc2.get(k)).value);",
        'mc.shutdown(); mc2.shutdown();',
        "const guest = await amqp.connect('amqp://localhost');",
        'const ch = await guest.createChannel();',
        'await ch.assertQueue(k);',
        "ch.sendToQueue(k, Buffer.from('from guest'));",
        'await ch.close(); await guest.close();',
        'const own = await amqp.connect(process.env.AMQP_URL);',
        'const ch2 = await own.createChannel();',
        'const msg = await ch2.get(k, { noAck: true });',
        "console.log('rabbitmq:', msg && msg.content.toString());",
        'await ch2.deleteQueue(k); await own.close();',
        'const u = new URL(process.env.MYSQL_URL);',
        "const db = await mysql.createConnection({ host: 'localhost', port: 3306, user: u.username, password: decodeURIComponent(u.password), database: u.pathname.slice(1) });",
        "const [rows] = await db.query('SELECT DATABASE() AS d');",
        "console.log('mysql:', rows[0].d === u.pathname.slice(1));",
        'await db.end();',
      ].join('\n'),
    );
    expect(text).toContain('redis: from localhost');
    expect(text).toContain('memcached: from 11211');
    expect(text).toContain('rabbitmq: from guest');
    expect(text).toContain('mysql: true');
    expect(code).toBe(0);
  });
});
