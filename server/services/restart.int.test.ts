// The restart control against real servers: POST /api/services/:name/restart and the terminals'
// `:restart`, clean and as a crash; what each service keeps across it (Redis: its snapshot taken at
// a clean stop; memcached: nothing; RabbitMQ: durable queues' persistent messages, exactly the
// work-queues lesson's table, across a broker restart and across `npm start` again).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlaygroundServer, type PlaygroundServer } from '../app.ts';
import { countCases, publishCases } from '../testing/durability.ts';
import { testEndpoint } from '../testing/endpoints.ts';
import { PlaygroundClient } from '../ws/playground-client.ts';
import { memcached } from './memcached/index.ts';
import { rabbitmq } from './rabbitmq/index.ts';
import { redis } from './redis/index.ts';
import { Supervisor } from './supervisor.ts';

const ADAPTERS = [memcached, redis, rabbitmq];
/** The broker boots in ~6 s on a quiet machine, more under a parallel test run. */
const BROKER_MS = 90_000;

let dir: string;
let supervisor: Supervisor;
let app: PlaygroundServer;
let baseUrl: string;

async function startPlayground(): Promise<void> {
  supervisor = new Supervisor({ adapters: ADAPTERS, dataDir: dir, env: {} });
  await supervisor.startAll();
  app = await createPlaygroundServer({ supervisor, lessonsDir: 'lessons', clientDir: '/nonexistent' });
  baseUrl = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
}

async function stopPlayground(): Promise<void> {
  await app?.close();
  await supervisor?.stopAll();
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-restart-'));
  await startPlayground();
  for (const a of ADAPTERS) expect(supervisor.status(a.name).state, a.name).toBe('ready');
}, BROKER_MS);

afterAll(async () => {
  await stopPlayground();
  await fs.rm(dir, { recursive: true, force: true });
}, 60_000);

function post(service: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}/api/services/${service}/restart`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('POST /api/services/:name/restart', () => {
  it('restarts Redis cleanly: 202, the terminal says so and reconnects, and the keys are kept', async () => {
    const c = await PlaygroundClient.connect(baseUrl);
    await c.open('r', 'redis');
    expect(await c.run('r', 'SET kept "before the restart"')).toContain('OK');
    const pid = supervisor.pid('redis');
    const from = c.terminal('r').output.length;
    const prompts = c.terminal('r').prompts.length;
    const res = await post('redis', {});
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ service: 'redis', mode: 'clean' });
    await c.waitForOutput('r', /Redis stopped: a restart was asked for/, from);
    await c.waitForOutput('r', /Redis is back; reconnected/, from, 15_000);
    await c.until(() => c.terminal('r').prompts.length > prompts);
    expect(supervisor.pid('redis')).not.toBe(pid);
    // The playground's Redis writes a snapshot when it is stopped (shutdown-on-sigterm save).
    expect(await c.run('r', 'GET kept')).toContain('"before the restart"');
    const states = c.messages.flatMap((m) => (m.type === 'service' && m.service === 'redis' ? [m.status.state] : []));
    expect(states).toEqual(['restarting', 'ready']);
    c.close();
  });

  it('says what is wrong with a request, and restarts nothing', async () => {
    const pid = supervisor.pid('redis');
    const bad = await post('redis', { mode: 'gently' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/"clean".*"crash"/);
    const unknown = await post('postgres', {});
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe(
      'no service "postgres": the services are memcached, redis, rabbitmq',
    );
    // Another site's page, in the learner's browser, may not restart their services.
    const foreign = await post('redis', {}, { origin: 'https://elsewhere.example' });
    expect(foreign.status).toBe(403);
    expect(supervisor.pid('redis')).toBe(pid);
  });
});

describe('`:restart` in a terminal', () => {
  it('`:restart crash` kills Redis with SIGKILL: the snapshot comes back, what changed after it does not', async () => {
    const c = await PlaygroundClient.connect(baseUrl);
    await c.open('r', 'redis');
    await c.run('r', 'SET snap:early "in the snapshot"');
    expect(await c.run('r', 'SAVE')).toContain('OK');
    await c.run('r', 'SET snap:late "after the snapshot"');
    const from = c.terminal('r').output.length;
    const prompts = c.terminal('r').prompts.length;
    c.send({ type: 'input', id: 'r', data: ':restart crash\r' });
    await c.waitForOutput('r', /killing Redis with SIGKILL/, from);
    await c.waitForOutput('r', /Redis stopped: killed with SIGKILL on request/, from);
    await c.waitForOutput('r', /Redis is back; reconnected/, from, 15_000);
    await c.until(() => c.terminal('r').prompts.length > prompts);
    expect(await c.run('r', 'GET snap:early')).toContain('"in the snapshot"');
    expect(await c.run('r', 'GET snap:late')).toContain('(nil)');
    c.close();
  });

  it('`:restart` empties memcached: a cache keeps nothing across a restart', async () => {
    const c = await PlaygroundClient.connect(baseUrl);
    await c.open('m', 'memcached');
    c.send({ type: 'input', id: 'm', data: 'set volatile 0 0 2\r\nhi\r\n' });
    await c.waitForOutput('m', /STORED/);
    const from = c.terminal('m').output.length;
    c.send({ type: 'input', id: 'm', data: ':restart\r' });
    await c.waitForOutput('m', /memcached is back; reconnected/, from, 15_000);
    const after = c.terminal('m').output.length;
    c.send({ type: 'input', id: 'm', data: 'get volatile\r' });
    const reply = await c.waitForOutput('m', /END/, after);
    expect(reply).not.toContain('VALUE volatile');
    c.close();
  });

  it('inside a memcached data block, `:restart` is data like any other line', async () => {
    const c = await PlaygroundClient.connect(baseUrl);
    await c.open('m', 'memcached');
    const pid = supervisor.pid('memcached');
    c.send({ type: 'input', id: 'm', data: 'set literal 0 0 8\r\n:restart\r\nget literal\r\n' });
    await c.waitForOutput('m', /VALUE literal 0 8\r\n:restart\r\nEND/);
    expect(supervisor.pid('memcached')).toBe(pid);
    c.close();
  });

  it('answers a usage line for anything else after :restart, and sends nothing to the server', async () => {
    const c = await PlaygroundClient.connect(baseUrl);
    await c.open('r', 'redis');
    const pid = supervisor.pid('redis');
    const out = await c.run('r', ':restart now');
    expect(out).toContain('usage: :restart (stop Redis cleanly and start it again) or :restart crash');
    expect(out).not.toContain('ERR');
    expect(supervisor.pid('redis')).toBe(pid);
    c.close();
  });
});

describe('RabbitMQ keeps durable queues and persistent messages', () => {
  const COUNT = 50;
  const expected = new Map([
    ['dur_persistent', COUNT],
    // A durable queue comes back, but only with its persistent messages.
    ['dur_transient', 0],
    // A transient queue is gone, whatever its messages were.
    ['tmp_persistent', null],
    ['tmp_transient', null],
  ]);

  it(
    'across a restart of the broker',
    async () => {
      const url = supervisor.endpoint('rabbitmq')!.url;
      await publishCases(url, COUNT);
      const pid = supervisor.pid('rabbitmq');
      const res = await post('rabbitmq', { mode: 'clean' });
      expect(res.status).toBe(202);
      const deadline = Date.now() + BROKER_MS;
      while (supervisor.pid('rabbitmq') === pid || supervisor.status('rabbitmq').state !== 'ready') {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await countCases(supervisor.endpoint('rabbitmq')!.url)).toEqual(expected);
    },
    BROKER_MS * 2,
  );

  it(
    'across a crash of the broker (`:restart crash`: SIGKILL), for the messages it confirmed',
    async () => {
      await publishCases(supervisor.endpoint('rabbitmq')!.url, COUNT);
      await supervisor.restart('rabbitmq', 'crash');
      expect(await countCases(supervisor.endpoint('rabbitmq')!.url)).toEqual(expected);
    },
    BROKER_MS * 2,
  );

  it(
    'across `npm start` again (a new supervisor on the same data directory, on new ports)',
    async () => {
      await publishCases(supervisor.endpoint('rabbitmq')!.url, COUNT);
      const before = supervisor.endpoint('rabbitmq')!.address;
      await stopPlayground();
      await startPlayground();
      expect(supervisor.endpoint('rabbitmq')!.address).not.toBe(before);
      expect(await countCases(supervisor.endpoint('rabbitmq')!.url)).toEqual(expected);
    },
    BROKER_MS * 2,
  );
});

describe('a service the playground did not start', () => {
  it('is not restarted: the answer names the variable that points at it', async () => {
    // A directory of its own: a supervisor's start stops what another left in its pid directory.
    const otherDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-restart-url-'));
    const other = new Supervisor({
      adapters: [redis],
      dataDir: otherDir,
      env: { REDIS_URL: testEndpoint('redis').url },
    });
    await other.startAll();
    expect(other.restartRefusal('redis')).toBe(
      'Redis was not started by the playground (REDIS_URL names it): restart it where it runs',
    );
    await expect(other.restart('redis', 'clean')).rejects.toThrow(/REDIS_URL/);
    await other.stopAll();
    await fs.rm(otherDir, { recursive: true, force: true });
  });
});
