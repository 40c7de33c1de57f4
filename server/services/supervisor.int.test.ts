// The supervisor against real binaries: private instances on free loopback ports, a restart after
// kill -9 that open terminals hear about, a missing binary reported with its install command, the
// URL path against an already running server, and nothing left running after stopAll().
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlaygroundServer, type PlaygroundServer } from '../app.ts';
import { testEndpoint } from '../testing/endpoints.ts';
import { PlaygroundClient } from '../ws/playground-client.ts';
import { memcached } from './memcached/index.ts';
import { redis } from './redis/index.ts';
import { mysql } from './mysql/index.ts';
import { rabbitmq } from './rabbitmq/index.ts';
import { Supervisor } from './supervisor.ts';
import type { ServiceAdapter } from './types.ts';
import { isAlive } from '../util/process.ts';

describe('a supervisor with private memcached and redis', () => {
  let dir: string;
  let supervisor: Supervisor;
  let app: PlaygroundServer;
  let baseUrl: string;
  const missing: ServiceAdapter = {
    ...mysql,
    managed: { ...mysql.managed, binaries: ['/nonexistent/mariadbd'], aptPackages: ['mariadb-server'] },
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-sup-'));
    supervisor = new Supervisor({ adapters: [memcached, redis, missing], dataDir: dir, env: {} });
    await supervisor.startAll();
    app = await createPlaygroundServer({ supervisor, lessonsDir: 'lessons', clientDir: '/nonexistent' });
    baseUrl = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  });

  afterAll(async () => {
    await app?.close();
    await supervisor?.stopAll();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('starts private instances on loopback ports that are not the standard ones', () => {
    for (const name of ['memcached', 'redis'] as const) {
      const s = supervisor.status(name);
      expect(s).toMatchObject({ ok: true, state: 'ready', managed: true });
      expect(s.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(s.address).not.toMatch(/:(11211|6379)$/);
      expect(s.readyMs).toBeGreaterThan(0);
    }
  });

  it('reports a missing binary with the command that installs it, while the others work', async () => {
    expect(supervisor.status('mysql')).toMatchObject({
      ok: false,
      state: 'unavailable',
      message: '/nonexistent/mariadbd not found',
      install: expect.stringMatching(/apt-get install -y mariadb-server$/),
    });
    const c = await PlaygroundClient.connect(baseUrl);
    c.send({ type: 'open', id: 'db', kind: 'terminal', service: 'mysql' });
    await c.until(() => c.terminal('db').exited !== null);
    expect(c.terminal('db').errors[0]).toBe('MySQL is not available right now');
    expect(c.terminal('db').exited).toBe(1);
    await c.open('r', 'redis');
    expect(await c.run('r', 'PING')).toContain('PONG');
    c.close();
  });

  it('restarts an instance killed with SIGKILL; the open terminal says so and reconnects', async () => {
    const c = await PlaygroundClient.connect(baseUrl);
    await c.open('r', 'redis');
    expect(await c.run('r', 'SET survivor 1')).toContain('OK');
    const pid = supervisor.pid('redis')!;
    const from = c.terminal('r').output.length;
    const promptsBefore = c.terminal('r').prompts.length;
    process.kill(pid, 'SIGKILL');
    await c.waitForOutput('r', /Redis stopped: killed by SIGKILL/, from);
    await c.waitForOutput('r', /Redis is back; reconnected/, from, 15_000);
    expect(supervisor.pid('redis')).not.toBe(pid);
    await c.until(() => c.terminal('r').prompts.length > promptsBefore);
    expect(await c.run('r', 'PING')).toContain('PONG');
    const statuses = c.messages.filter((m) => m.type === 'service' && m.service === 'redis');
    expect(statuses.map((m) => (m.type === 'service' ? m.status.state : ''))).toEqual(['restarting', 'ready']);
    c.close();
  });

  it('stops every process it started', async () => {
    const pids = [supervisor.pid('memcached')!, supervisor.pid('redis')!];
    expect(pids.every((p) => isAlive(p))).toBe(true);
    await supervisor.stopAll();
    expect(pids.some((p) => isAlive(p))).toBe(false);
  });
});

describe('services given by URL', () => {
  it('uses the running servers named by the environment and leaves them running', async () => {
    const env = {
      MEMCACHED_SERVERS: testEndpoint('memcached').url,
      REDIS_URL: testEndpoint('redis').url,
      AMQP_URL: testEndpoint('rabbitmq').url,
      MYSQL_URL: testEndpoint('mysql').url,
    };
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-url-'));
    const supervisor = new Supervisor({ adapters: [memcached, redis, rabbitmq, mysql], dataDir: dir, env });
    const statuses = await supervisor.startAll();
    for (const s of Object.values(statuses)) expect(s).toMatchObject({ ok: true, state: 'ready', managed: false });
    expect(statuses.redis.address).toBe(testEndpoint('redis').address);
    expect(statuses.mysql.version).toMatch(/MariaDB/);
    const app = await createPlaygroundServer({ supervisor, lessonsDir: 'lessons', clientDir: '/nonexistent' });
    const c = await PlaygroundClient.connect(`http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`);
    await c.open('q', 'mysql');
    expect(await c.run('q', 'SELECT 40+2 AS answer;')).toContain('| answer |');
    c.close();
    await app.close();
    await supervisor.stopAll();
    // Stopping a playground that only used the URLs stops nothing.
    expect((await redis.probe(testEndpoint('redis'))).version).toBe(statuses.redis.version);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reports a malformed URL and an unreachable server in plain words', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-url-'));
    const supervisor = new Supervisor({
      adapters: [memcached, redis],
      dataDir: dir,
      env: { MEMCACHED_SERVERS: 'localhost', REDIS_URL: 'redis://127.0.0.1:1' },
    });
    const statuses = await supervisor.startAll();
    expect(statuses.memcached).toMatchObject({
      ok: false,
      state: 'failed',
      message: expect.stringContaining('expected host:port'),
    });
    expect(statuses.redis).toMatchObject({
      ok: false,
      state: 'failed',
      message: expect.stringMatching(/REDIS_URL \(127\.0\.0\.1:1\) does not answer/),
    });
    await supervisor.stopAll();
    await fs.rm(dir, { recursive: true, force: true });
  });
});
