// Snippets in both languages against the live services of the test run (testEndpoint): the
// client libraries the lessons use, the variables that point at the services, two runs talking
// to each other, Ctrl-C and typed input. Real bubblewrap, real Python and Node; nothing mocked.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceName } from '../../shared/protocol.ts';
import { SERVICES } from '../services/registry.ts';
import type { Endpoint } from '../services/endpoint.ts';
import { testEndpoint } from '../testing/endpoints.ts';
import { CapturedRun } from './captured-run.ts';
import { createSnippetRunner, type PlaygroundSnippetRunner } from './index.ts';
import type { RunRequest } from './types.ts';

/** Names (keys, queues, tables) unique to this file's run. */
const tag = `rt${randomUUID().slice(0, 8)}`;
let runner: PlaygroundSnippetRunner;
let workDir: string;
let endpoints: Record<ServiceName, Endpoint>;

beforeAll(async () => {
  endpoints = Object.fromEntries(SERVICES.names.map((s) => [s, testEndpoint(s)]));
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-runner-int-'));
  runner = await createSnippetRunner({ workDir, wallTimeMs: 20_000, log: () => {} });
  await runner.warm();
});

afterAll(async () => {
  await runner?.close();
  await fs.rm(workDir, { recursive: true, force: true });
});

async function start(language: RunRequest['language'], code: string, files: RunRequest['files'] = []) {
  const output = new CapturedRun();
  const started = await runner.start({ language, code, files, endpoints }, output);
  return { output, ...started };
}

async function runToEnd(language: RunRequest['language'], code: string) {
  const { output } = await start(language, code);
  const code_ = await output.exited;
  return { text: output.text, code: code_ };
}

describe('the environment', () => {
  it('names every service, with the URLs the terminals use, and start() returns it', async () => {
    const { output, env } = await start(
      'python',
      `import os, json\nprint(json.dumps({k: os.environ.get(k) for k in ${JSON.stringify([
        'MEMCACHED_SERVERS',
        'REDIS_URL',
        'AMQP_URL',
        'MYSQL_URL',
        'SQLALCHEMY_URL',
      ])}}))`,
    );
    expect(await output.exited).toBe(0);
    const seen = JSON.parse(output.text.trim());
    expect(seen).toEqual(env);
    expect(env).toEqual({
      MEMCACHED_SERVERS: endpoints.memcached.url,
      REDIS_URL: endpoints.redis.url,
      AMQP_URL: endpoints.rabbitmq.url,
      MYSQL_URL: endpoints.mysql.url,
      SQLALCHEMY_URL: endpoints.mysql.url.replace(/^mysql:/, 'mysql+pymysql:'),
    });
  });
});

describe('Python', () => {
  it("runs the clients with Debian's python3 and writes terminal text", async () => {
    const { text, code } = await runToEnd(
      'python',
      [
        'import os, sys, memcache',
        'print(sys.executable)',
        'mc = memcache.Client(os.environ["MEMCACHED_SERVERS"].split(","))',
        `mc.set("${tag}:mc", "from python")`,
        `print("memcache:", mc.get("${tag}:mc"))`,
      ].join('\n'),
    );
    expect(code).toBe(0);
    expect(text).toBe('/usr/bin/python3\r\nmemcache: from python\r\n');
  });

  it('redis pub/sub between two runs at once: the subscriber prints what the publisher run sent', async () => {
    const channel = `${tag}:news`;
    const subscriber = await start(
      'python',
      [
        'import os, redis',
        'r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)',
        'p = r.pubsub()',
        `p.subscribe("${channel}")`,
        'for m in p.listen():',
        '    if m["type"] == "subscribe":',
        '        print("subscribed", flush=True)',
        '    elif m["type"] == "message":',
        '        print("got", m["data"])',
        '        break',
      ].join('\n'),
    );
    await subscriber.output.until('subscribed');
    const publisher = await runToEnd(
      'python',
      [
        'import os, redis',
        'r = redis.Redis.from_url(os.environ["REDIS_URL"])',
        `print("receivers:", r.publish("${channel}", "hello from the other pane"))`,
      ].join('\n'),
    );
    expect(publisher).toEqual({ text: 'receivers: 1\r\n', code: 0 });
    expect(await subscriber.output.exited).toBe(0);
    expect(subscriber.output.text).toBe('subscribed\r\ngot hello from the other pane\r\n');
  });

  it('a pika consumer stops with Ctrl-C (interrupt) through KeyboardInterrupt, as in a shell', async () => {
    const queue = `${tag}.jobs`;
    const consumer = await start(
      'python',
      [
        'import os, pika',
        'conn = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"]))',
        'ch = conn.channel()',
        `ch.queue_declare(queue="${queue}", auto_delete=True)`,
        'def on_message(ch, method, props, body):',
        '    print("received", body.decode(), flush=True)',
        `ch.basic_consume(queue="${queue}", on_message_callback=on_message, auto_ack=True)`,
        'print("waiting for messages", flush=True)',
        'ch.start_consuming()',
      ].join('\n'),
    );
    await consumer.output.until('waiting for messages');
    const producer = await runToEnd(
      'python',
      [
        'import os, pika',
        'conn = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"]))',
        `conn.channel().basic_publish(exchange="", routing_key="${queue}", body=b"job 1")`,
        'conn.close()',
        'print("sent")',
      ].join('\n'),
    );
    expect(producer).toEqual({ text: 'sent\r\n', code: 0 });
    await consumer.output.until('received job 1');
    consumer.run.interrupt();
    expect(await consumer.output.exited).toBe(130);
    expect(consumer.output.text).toMatch(/Traceback \(most recent call last\):\r\n[\s\S]*KeyboardInterrupt\r\n$/);
    // The traceback starts in the learner's file, not in the sandbox's launcher.
    expect(consumer.output.text).toContain('File "/home/learner/main.py", line 9, in <module>');
    expect(consumer.output.text).not.toContain('launcher.py');
  });

  it('a SQLAlchemy ORM round trip against MySQL', async () => {
    const table = `${tag}_people`;
    const { text, code } = await runToEnd(
      'python',
      [
        'import os',
        'from sqlalchemy import create_engine, Column, Integer, String, select',
        'from sqlalchemy.orm import declarative_base, Session',
        'Base = declarative_base()',
        'class Person(Base):',
        `    __tablename__ = "${table}"`,
        '    id = Column(Integer, primary_key=True)',
        '    name = Column(String(50))',
        'engine = create_engine(os.environ["SQLALCHEMY_URL"])',
        'Base.metadata.create_all(engine)',
        'try:',
        '    with Session(engine) as s:',
        '        s.add_all([Person(name="Ada"), Person(name="Grace")])',
        '        s.commit()',
        '    with Session(engine) as s:',
        '        print([p.name for p in s.scalars(select(Person).order_by(Person.name))])',
        'finally:',
        '    Base.metadata.drop_all(engine)',
      ].join('\n'),
    );
    expect({ text, code }).toEqual({ text: "['Ada', 'Grace']\r\n", code: 0 });
  });

  it('input() gets the line the learner types, echoed as a terminal would', async () => {
    const { output, run } = await start('python', 'name = input("name? ")\nprint("hello", name)\nprint(input())');
    await output.until('name? ');
    run.input('Bob');
    run.input('x\x7f'); // typed x, then Backspace
    run.input('\r');
    await output.until('hello Bob\r\n'); // print() writes the text and the newline separately
    run.input('second line\r');
    expect(await output.exited).toBe(0);
    expect(output.text).toBe('name? Bobx\b \b\r\nhello Bob\r\nsecond line\r\nsecond line\r\n');
  });

  it('says when the program waits for input, and when it no longer does; a busy program never waits', async () => {
    const { output, run } = await start(
      'python',
      'import time\nname = input("Your name? ")\ntime.sleep(1.5)\nprint("hello", name)',
    );
    await output.untilWaiting(true);
    expect(output.text).toBe('Your name? ');
    run.input('Ada\r');
    await output.untilWaiting(false);
    expect(await output.exited).toBe(0);
    expect(output.text).toContain('hello Ada');
    expect(output.waits).toEqual([true, false]);

    const busy = await start('python', 'import time\ntime.sleep(1.5)\nprint("done")');
    expect(await busy.output.exited).toBe(0);
    expect(busy.output.waits).toEqual([]);
  });

  it('Ctrl-D on an empty line is end of input', async () => {
    const { output, run } = await start('python', 'import sys\nprint("lines:", sys.stdin.read().splitlines())');
    run.input('a\rb\r\x04');
    expect(await output.exited).toBe(0);
    expect(output.text).toContain("lines: ['a', 'b']");
  });

  it("imports the learner's other files, and reports an exception as Python does", async () => {
    const { output } = await start('python', 'import helper\nprint(helper.twice(21))\nraise ValueError("boom")', [
      { name: 'helper.py', content: 'def twice(x):\n    return 2 * x\n' },
    ]);
    expect(await output.exited).toBe(1);
    expect(output.text).toMatch(
      /^42\r\nTraceback \(most recent call last\):\r\n {2}File "\/home\/learner\/main.py", line 3/,
    );
    expect(output.text).toMatch(/ValueError: boom\r\n$/);
  });

  it('a syntax error says where', async () => {
    const { text, code } = await runToEnd('python', 'print("unclosed"');
    expect(code).toBe(1);
    expect(text).toContain('File "/home/learner/main.py", line 1');
    expect(text).toContain('SyntaxError');
    expect(text).not.toContain('Traceback');
  });
});

describe('JavaScript', () => {
  it('ioredis', async () => {
    const { text, code } = await runToEnd(
      'javascript',
      [
        "import Redis from 'ioredis';",
        'const redis = new Redis(process.env.REDIS_URL);',
        `await redis.set('${tag}:js', 'from ioredis');`,
        `console.log('GET ->', await redis.get('${tag}:js'));`,
        'redis.disconnect();',
      ].join('\n'),
    );
    expect({ text, code }).toEqual({ text: 'GET -> from ioredis\r\n', code: 0 });
  });

  it("redis (node-redis), as the editor's starter file uses it", async () => {
    const { text, code } = await runToEnd(
      'javascript',
      [
        "import { createClient } from 'redis';",
        'const client = createClient({ url: process.env.REDIS_URL });',
        'await client.connect();',
        "console.log('PING ->', await client.ping());",
        'await client.quit();',
      ].join('\n'),
    );
    expect({ text, code }).toEqual({ text: 'PING -> PONG\r\n', code: 0 });
  });

  it('amqplib', async () => {
    const queue = `${tag}.js`;
    const { text, code } = await runToEnd(
      'javascript',
      [
        "const amqp = require('amqplib');",
        '(async () => {',
        '  const conn = await amqp.connect(process.env.AMQP_URL);',
        '  const ch = await conn.createChannel();',
        `  await ch.assertQueue('${queue}', { autoDelete: false });`,
        `  ch.sendToQueue('${queue}', Buffer.from('hi from amqplib'));`,
        `  let msg = false;`,
        `  for (let i = 0; i < 50 && !msg; i++) { msg = await ch.get('${queue}', { noAck: true }); if (!msg) await new Promise(r => setTimeout(r, 20)); }`,
        "  console.log('got', msg && msg.content.toString());",
        `  await ch.deleteQueue('${queue}');`,
        '  await conn.close();',
        '})();',
      ].join('\n'),
    );
    expect({ text, code }).toEqual({ text: 'got hi from amqplib\r\n', code: 0 });
  });

  it('mysql2', async () => {
    const { text, code } = await runToEnd(
      'javascript',
      [
        "import mysql from 'mysql2/promise';",
        'const conn = await mysql.createConnection(process.env.MYSQL_URL);',
        "const [rows] = await conn.query('SELECT 6 * 7 AS answer, DATABASE() AS db');",
        'console.log(JSON.stringify(rows));',
        'await conn.end();',
      ].join('\n'),
    );
    expect({ text, code }).toEqual({ text: '[{"answer":42,"db":"playground"}]\r\n', code: 0 });
  });

  it('memcache-client (the text protocol)', async () => {
    const { text, code } = await runToEnd(
      'javascript',
      [
        "import { MemcacheClient } from 'memcache-client';",
        "const client = new MemcacheClient({ server: process.env.MEMCACHED_SERVERS.split(',')[0] });",
        `await client.set('${tag}:js', 'from memcache-client');`,
        `console.log('GET ->', (await client.get('${tag}:js')).value);`,
        'client.shutdown();',
      ].join('\n'),
    );
    expect({ text, code }).toEqual({ text: 'GET -> from memcache-client\r\n', code: 0 });
  });

  it('stdin and Ctrl-C reach a Node program', async () => {
    const { output, run } = await start(
      'javascript',
      [
        "const rl = require('readline').createInterface({ input: process.stdin });",
        "rl.on('line', (line) => console.log('line:', line));",
        "console.log('ready');",
      ].join('\n'),
    );
    await output.until('ready');
    await output.untilWaiting(true);
    run.input('hello\r');
    await output.until('line: hello');
    run.interrupt();
    expect(await output.exited).toBe(130);
  });
});
