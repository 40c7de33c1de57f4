// Classroom mode through its public surfaces — the HTTP API, the WebSocket, terminals and snippet
// runs — with two learners on real services. Every attempt to reach the other learner's workspace
// must fail, and the test says which one did not.
import type { RabbitmqInspectState, RedisInspectState } from '../../shared/inspect.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClassEvent, ClassSummary, MirrorEvent } from '../../shared/classroom-api.ts';
import { WS_PATH } from '../../shared/protocol.ts';
import { ClassroomDriver, EventStream, type Learner } from '../testing/classroom-client.ts';
import { classroomBaseUrl, instructorSecret } from '../testing/endpoints.ts';
import type { PlaygroundClient } from '../ws/playground-client.ts';

let driver: ClassroomDriver;
let klass: ClassSummary;
let ada: Learner;
let bo: Learner;
let adaWs: PlaygroundClient;
let boWs: PlaygroundClient;
const sockets: PlaygroundClient[] = [];

async function runSnippet(
  c: PlaygroundClient,
  id: string,
  code: string,
): Promise<{ output: string; env: Record<string, string> }> {
  c.send({ type: 'open', id, kind: 'run', language: 'python', code });
  await c.until(() => c.terminal(id).exited !== null, 30_000);
  const started = c.messages.find((m) => m.type === 'started' && m.id === id);
  return {
    output: c.terminal(id).output + c.terminal(id).errors.join('\n'),
    env: started?.type === 'started' ? started.env : {},
  };
}

beforeAll(async () => {
  driver = new ClassroomDriver(classroomBaseUrl(), instructorSecret());
  klass = await driver.createClass('Isolation test');
  ada = await driver.join(klass.code, 'Ada');
  bo = await driver.join(klass.code.toLowerCase(), 'Bo');
  adaWs = await ada.connect();
  boWs = await bo.connect();
  sockets.push(adaWs, boWs);
  for (const c of [adaWs, boWs]) {
    for (const s of ['memcached', 'redis', 'rabbitmq', 'mysql'] as const) {
      const t = await c.open(s, s, 20_000);
      expect(t.errors, `${s} terminal`).toEqual([]);
    }
  }
}, 90_000);

afterAll(() => {
  for (const c of sockets) c.close();
});

describe('joining', () => {
  it('knows the learner after a reload (the cookie) and refuses a second Ada', async () => {
    const session = await (await ada.fetch('/api/session')).json();
    expect(session).toMatchObject({
      mode: 'classroom',
      role: 'learner',
      learner: { name: 'Ada' },
      class: { name: 'Isolation test' },
    });
    const again = await fetch(`${classroomBaseUrl()}/api/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: klass.code, name: 'ada' }),
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toMatch(/taken/);
  });

  it('says what is wrong with a bad code or name', async () => {
    const post = (body: unknown) =>
      fetch(`${classroomBaseUrl()}/api/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const unknown = await post({ code: 'ZZZZZZ', name: 'Cy' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/no class has the code ZZZZZZ/);
    const badName = await post({ code: klass.code, name: '<b>' });
    expect(badName.status).toBe(400);
  });
});

describe('each learner has a workspace of their own', () => {
  it('Redis: same key, two values; FLUSHALL hurts only its owner', async () => {
    await adaWs.run('redis', 'SET shared:key ada');
    await boWs.run('redis', 'SET shared:key bo');
    expect(await adaWs.run('redis', 'GET shared:key')).toContain('"ada"');
    expect(await adaWs.run('redis', 'FLUSHALL')).toContain('OK');
    expect(await boWs.run('redis', 'GET shared:key')).toContain('"bo"');
    expect(await adaWs.run('redis', 'DBSIZE')).toContain('(integer) 0');
  });

  it('Redis: no command reaches another instance', async () => {
    const opened = boWs.messages.find((m) => m.type === 'opened' && m.id === 'redis');
    const boPort = opened?.type === 'opened' ? opened.address.split(':').pop() : '';
    expect(boPort).toMatch(/^\d+$/);
    for (const line of [
      `MIGRATE 127.0.0.1 ${boPort} shared:key 0 1000`,
      `REPLICAOF 127.0.0.1 ${boPort}`,
      'CONFIG SET maxmemory 0',
      'SHUTDOWN NOSAVE',
    ]) {
      const reply = await adaWs.run('redis', line);
      expect(reply, line).toMatch(/NOPERM|ERR|denied|not allowed/i);
    }
    expect(await boWs.run('redis', 'GET shared:key')).toContain('"bo"');
  });

  it('memcached: flush_all in one leaves the other', async () => {
    await adaWs.run('memcached', 'set m 0 0 3');
    await adaWs.run('memcached', 'ada');
    await boWs.run('memcached', 'set m 0 0 2');
    await boWs.run('memcached', 'bo');
    await adaWs.run('memcached', 'flush_all');
    // memcached's terminal is a raw pipe: it prompts at once, the reply follows.
    const from = boWs.terminal('memcached').output.length;
    boWs.send({ type: 'input', id: 'memcached', data: 'get m\r' });
    expect(await boWs.waitForOutput('memcached', /END/, from)).toContain('VALUE m 0 2\r\nbo');
  });

  it('MySQL: a table in one database is invisible and unreachable from the other', async () => {
    await adaWs.run('mysql', 'CREATE TABLE secrets (v VARCHAR(20));');
    await adaWs.run('mysql', "INSERT INTO secrets VALUES ('ada-only');");
    const adaDb = /\| (ws_\w+)/.exec(await adaWs.run('mysql', 'SELECT DATABASE();'))?.[1];
    expect(adaDb).toBeTruthy();
    expect(await boWs.run('mysql', 'SHOW TABLES;')).not.toContain('secrets');
    expect(await boWs.run('mysql', 'SHOW DATABASES;')).not.toContain(adaDb);
    expect(await boWs.run('mysql', `SELECT * FROM ${adaDb}.secrets;`)).toMatch(/ERROR 1142|ERROR 1044/);
    expect(await boWs.run('mysql', `DROP DATABASE ${adaDb};`)).toMatch(/ERROR 1044/);
    expect(await boWs.run('mysql', 'SELECT user FROM mysql.user;')).toMatch(/ERROR 1142/);
    expect(await boWs.run('mysql', 'CREATE DATABASE sneaky;')).toMatch(/ERROR 1044/);
    expect(await adaWs.run('mysql', 'SELECT v FROM secrets;')).toContain('ada-only');
  });

  it('RabbitMQ: a queue in one vhost does not exist in the other; queue.delete stays home', async () => {
    await adaWs.run('rabbitmq', 'queue.declare queue=ada-jobs');
    expect(await boWs.run('rabbitmq', 'queue.declare queue=ada-jobs passive=true')).toMatch(/404 NOT_FOUND/);
    await boWs.run('rabbitmq', 'queue.declare queue=bo-jobs');
    await adaWs.run('rabbitmq', 'queue.delete queue=bo-jobs');
    expect(await boWs.run('rabbitmq', 'queue.declare queue=bo-jobs passive=true')).not.toMatch(/NOT_FOUND/);
  });

  it('code from a tutorial (redis.Redis(), guest/guest on localhost) reaches each learner’s own services', async () => {
    const tutorial = (who: string) =>
      [
        'import redis, pika',
        `redis.Redis(host="localhost", port=6379).set("tutorial", "${who}")`,
        'conn = pika.BlockingConnection(pika.ConnectionParameters(host="localhost"))',
        `conn.channel().queue_declare(queue="tutorial-${who}")`,
        'conn.close()',
        'print("done")',
      ].join('\n');
    expect((await runSnippet(adaWs, 'ada-tutorial', tutorial('ada'))).output).toContain('done');
    expect((await runSnippet(boWs, 'bo-tutorial', tutorial('bo'))).output).toContain('done');
    expect(await adaWs.run('redis', 'GET tutorial')).toContain('ada');
    expect(await boWs.run('redis', 'GET tutorial')).toContain('bo');
    expect(await adaWs.run('rabbitmq', 'queue.declare queue=tutorial-ada passive=true')).not.toMatch(/NOT_FOUND/);
    expect(await boWs.run('rabbitmq', 'queue.declare queue=tutorial-ada passive=true')).toMatch(/404 NOT_FOUND/);
  });

  it('snippets reach their own workspace only: not the other’s ports, vhost or database, nor the admin accounts', async () => {
    const ada1 = await runSnippet(adaWs, 'ada-env', 'import os\nprint(os.environ["REDIS_URL"])');
    const adaRedis = ada1.env.REDIS_URL;
    const adaAmqp = new URL(ada1.env.AMQP_URL);
    const adaMysql = new URL(ada1.env.MYSQL_URL);
    expect(adaRedis).toMatch(/^redis:\/\/.*127\.0\.0\.1:\d+/);
    const probe = await runSnippet(
      boWs,
      'bo-probe',
      [
        'import os, socket, pika, pymysql',
        `host, port = "127.0.0.1", ${new URL(adaRedis).port}`,
        'try:',
        '    socket.create_connection((host, port), timeout=2); print("REDIS REACHED")',
        'except OSError as e: print("redis refused:", e)',
        'mine = pika.URLParameters(os.environ["AMQP_URL"])',
        `params = pika.ConnectionParameters(host=mine.host, port=mine.port, virtual_host=${JSON.stringify(decodeURIComponent(adaAmqp.pathname.slice(1)))}, credentials=mine.credentials)`,
        'try:',
        '    pika.BlockingConnection(params); print("VHOST REACHED")',
        'except Exception as e: print("vhost refused:", type(e).__name__)',
        'for user, pw in (("guest", "guest"), ("playground", "")):',
        '    try:',
        '        pika.BlockingConnection(pika.ConnectionParameters(host=mine.host, port=mine.port, credentials=pika.PlainCredentials(user, pw))); print("ADMIN REACHED", user)',
        '    except Exception as e: print("admin refused:", user, type(e).__name__)',
        'my = os.environ["MYSQL_URL"].split("@")[1].split("/")[0].split(":")',
        `for user, db in ((os.environ["MYSQL_URL"].split("//")[1].split(":")[0], ${JSON.stringify(adaMysql.pathname.slice(1))}), ("root", "mysql")):`,
        '    try:',
        '        pymysql.connect(host=my[0], port=int(my[1]), user=user, password=os.environ["MYSQL_URL"].split(":")[2].split("@")[0] if user != "root" else "", database=db); print("DB REACHED", db)',
        '    except Exception as e: print("db refused:", db, e.args[0] if e.args else e)',
      ].join('\n'),
    );
    expect(probe.output).toContain('redis refused');
    expect(probe.output).not.toMatch(/REACHED/);
    expect(probe.output).toMatch(/vhost refused/);
    expect(probe.output).toMatch(/admin refused: guest/);
    expect(probe.output).toMatch(/db refused: ws_\w+ 1044/);
    expect(probe.output).toMatch(/db refused: mysql (1045|1044|1698)/);
  });
});

describe('the WebSocket API', () => {
  it('refuses a made-up token and a socket from another site', async () => {
    const { PlaygroundClient } = await import('../ws/playground-client.ts');
    const forged = await PlaygroundClient.connect(classroomBaseUrl(), {
      headers: { cookie: `pg_class=${'A'.repeat(43)}` },
    });
    await forged.until(() => forged.closed !== null);
    expect(forged.closed?.code).toBe(4401);
    const anonymous = await PlaygroundClient.connect(classroomBaseUrl());
    await anonymous.until(() => anonymous.closed !== null);
    expect(anonymous.closed?.code).toBe(4401);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(classroomBaseUrl().replace(/^http/, 'ws') + WS_PATH, {
        headers: { cookie: ada.cookie, origin: 'http://evil.example' },
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
  });

  it('knows terminals only by this socket’s ids: another learner’s id reaches nothing', async () => {
    const before = adaWs.terminal('redis').chunks.length;
    boWs.send({ type: 'input', id: 'x-not-mine', data: 'FLUSHALL\r' });
    await boWs.until(() => boWs.terminal('x-not-mine').errors.length > 0);
    expect(boWs.terminal('x-not-mine').errors[0]).toMatch(/no open terminal or run/);
    expect(adaWs.terminal('redis').chunks.length).toBe(before);
  });

  it('keeps instructor endpoints from learners', async () => {
    for (const path of ['/api/classes', `/api/classes/${klass.id}`, `/api/classes/${klass.id}/progress.csv`]) {
      expect((await ada.fetch(path)).status, path).toBe(401);
    }
    expect((await ada.fetch(`/api/classes/${klass.id}/learners/${bo.id}`, { method: 'DELETE' })).status).toBe(401);
    const wrong = await fetch(`${classroomBaseUrl()}/api/instructor/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ secret: 'not-the-secret' }),
    });
    expect(wrong.status).toBe(401);
  });

  it('slows down a learner over the command rate, with a message, and carries on', async () => {
    const c = await ada.connect();
    sockets.push(c);
    await c.open('r', 'redis');
    c.send({ type: 'input', id: 'r', data: 'PING\r'.repeat(120) });
    await c.waitForOutput('r', /slow down: at most \d+ commands a second/, 0, 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await c.run('r', 'PING')).toContain('PONG');
  });
});

describe('the instructor', () => {
  it('sees a passed check on the live grid, and the CSV', async () => {
    const events = await EventStream.open<ClassEvent>(`${classroomBaseUrl()}/api/classes/${klass.id}/events`, {
      authorization: `Bearer ${instructorSecret()}`,
    });
    try {
      await events.until((e) => e.some((x) => x.kind === 'snapshot'));
      const snap = events.events.find((x) => x.kind === 'snapshot')!;
      expect(snap.kind === 'snapshot' && snap.detail.learners.map((l) => l.name)).toEqual(['Ada', 'Bo']);
      // The first checked step of the first memcached lesson wants this item in memcached.
      const key = 'memcached/what-it-is/the-cache-idea';
      const [, lessonSlug, stepId] = key.split('/');
      const before = (await (
        await ada.fetch(`/api/lessons/memcached/${lessonSlug}/steps/${stepId}/check`, { method: 'POST' })
      ).json()) as { ok: boolean };
      expect(before.ok).toBe(false);
      await adaWs.run('memcached', 'set forecast:oslo 0 300 13');
      await adaWs.run('memcached', 'sunny in oslo');
      const check = (await (
        await ada.fetch(`/api/lessons/memcached/${lessonSlug}/steps/${stepId}/check`, { method: 'POST' })
      ).json()) as { ok: boolean };
      expect(check.ok, JSON.stringify(check)).toBe(true);
      await events.until((e) =>
        e.some((x) => x.kind === 'learner' && x.learner.name === 'Ada' && !!x.learner.steps[key]?.doneAt),
      );
      const row = [...events.events].reverse().find((x) => x.kind === 'learner' && x.learner.name === 'Ada');
      expect(row?.kind === 'learner' && row.learner.steps[key]).toMatchObject({ attempts: 2, lastOk: true });
      const csv = await (await driver.instructor(`/api/classes/${klass.id}/progress.csv`)).text();
      expect(csv.split('\r\n')[1]).toMatch(/^Ada,/);
      expect(csv).toContain(key);
    } finally {
      events.close();
    }
  });

  it('watches a learner’s terminal live, read-only', async () => {
    const watch = await EventStream.open<MirrorEvent>(
      `${classroomBaseUrl()}/api/classes/${klass.id}/learners/${bo.id}/watch`,
      { authorization: `Bearer ${instructorSecret()}` },
    );
    try {
      await watch.until((e) => e.filter((x) => x.kind === 'open').length >= 4);
      await boWs.run('redis', 'ECHO "watched line"');
      await watch.until((e) => e.some((x) => x.kind === 'output' && x.data.includes('watched line')));
      expect(watch.events.some((x) => x.kind === 'output' && x.data.includes('ECHO "watched line"'))).toBe(true);
    } finally {
      watch.close();
    }
  });

  it('shows a watched learner’s Inspect views: their own keys and their own vhost', async () => {
    await boWs.run('redis', 'SET inspected-by-teacher 1');
    await adaWs.run('redis', 'SET ada-only 1');
    await boWs.run('rabbitmq', 'queue.declare queue=bo_inspected');
    const open = (service: string) =>
      EventStream.open<{ state?: Record<string, unknown>; error?: string }>(
        `${classroomBaseUrl()}/api/classes/${klass.id}/learners/${bo.id}/inspect/${service}`,
        { authorization: `Bearer ${instructorSecret()}` },
      );
    const redis = await open('redis');
    try {
      await redis.until((e) => e.some((x) => !!x.state));
      const keys = (redis.events.find((x) => x.state)!.state as unknown as RedisInspectState).keys.map((k) => k.key);
      expect(keys).toContain('inspected-by-teacher');
      expect(keys).not.toContain('ada-only');
    } finally {
      redis.close();
    }
    const rabbit = await open('rabbitmq');
    try {
      await rabbit.until((e) => e.some((x) => !!x.state || !!x.error));
      const state = rabbit.events.find((x) => x.state)?.state as unknown as RabbitmqInspectState;
      expect(rabbit.events.find((x) => x.error)).toBeUndefined();
      expect(state.vhost).not.toBe('/');
      expect(state.queues.map((q) => q.name)).toContain('bo_inspected');
      expect(state).toMatchObject({ pushed: true, traced: true });
    } finally {
      rabbit.close();
    }
    const none = await driver.instructor(`/api/classes/${klass.id}/learners/${bo.id}/inspect/nothing`);
    expect(none.status).toBe(404);
  });

  it('broadcasts a snippet to every learner’s screen', async () => {
    const res = await driver.instructor(`/api/classes/${klass.id}/broadcast`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'snippet', name: 'hello.py', language: 'python', code: 'print("hi class")' }),
    });
    expect(await res.json()).toMatchObject({ ok: true, learners: 2 });
    for (const c of [adaWs, boWs]) {
      await c.until(() =>
        c.messages.some(
          (m) => m.type === 'broadcast' && m.event.kind === 'snippet' && m.event.code === 'print("hi class")',
        ),
      );
    }
  });

  it('resets one learner’s workspace and removes another', async () => {
    await boWs.run('redis', 'SET keep me');
    await adaWs.run('redis', 'SET gone soon');
    const reset = await driver.instructor(`/api/classes/${klass.id}/learners/${ada.id}/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(await adaWs.run('redis', 'DBSIZE')).toContain('(integer) 0');
    expect(await boWs.run('redis', 'GET keep')).toContain('"me"');
    await adaWs.until(() => adaWs.messages.some((m) => m.type === 'notice' && /reset/.test(m.message)));

    const removed = await driver.instructor(`/api/classes/${klass.id}/learners/${bo.id}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    await boWs.until(() => boWs.closed !== null);
    expect(boWs.closed?.code).toBe(4403);
    expect(await (await bo.fetch('/api/session')).json()).toEqual({ mode: 'classroom', role: null });
    const again = await bo.connect();
    await again.until(() => again.closed !== null);
    expect(again.closed?.code).toBe(4401);
  });
});
