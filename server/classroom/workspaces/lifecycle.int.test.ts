// A workspace's life on the real services: the warm pool, shared starts, idle reclaim (Redis's keys
// come back), holds, reset, destroy, and a learner's Redis that dies being restarted.
import fs from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from '../../util/process.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceState } from '../../../shared/classroom-api.ts';
import { memcachedCommand } from '../../services/memcached/request.ts';
import { parseAmqpTarget } from '../../services/rabbitmq/amqp-url.ts';
import { readBindings, type RabbitmqAdmin } from '../../services/rabbitmq/admin.ts';
import { MysqlAccounts } from '../../services/mysql/classroom.ts';
import { RabbitmqAccounts } from '../../services/rabbitmq/classroom.ts';
import { amqpOpen } from '../../testing/workspaces/amqp-open.ts';
import { testSharedAdmin } from '../../testing/workspaces/shared-admin-context.ts';
import {
  amqpConnection,
  connectedRedis,
  eventually,
  mysqlConnection,
  testManager,
  type TestManager,
} from '../../testing/workspaces/test-manager.ts';

/** Short enough to watch a reclaim happen, long enough not to race the test's own steps. */
const IDLE_MS = 400;

let t: TestManager;

beforeAll(async () => {
  t = await testManager({ prewarm: 2, idleReclaimMs: IDLE_MS });
});

afterAll(async () => {
  await t?.cleanup();
});

function states(id: string): WorkspaceState[] {
  const seen: WorkspaceState[] = [];
  t.manager.on('state', (w, s) => {
    if (w === id) seen.push(s);
  });
  return seen;
}

describe('the warm pool', () => {
  it('holds `prewarm` running workspaces after start(), hands one out at claim() and refills', async () => {
    expect(t.manager.stats()).toMatchObject({ total: 2, running: 2, warm: 2 });
    const began = performance.now();
    const id = await t.manager.claim('learner-warm');
    const endpoints = await t.manager.ensure(id);
    const claimToReady = performance.now() - began;
    // From the pool no instance has to start: only the store write remains.
    expect(claimToReady).toBeLessThan(1_000);
    expect((await t.store.workspaceById(id))?.learnerId).toBe('learner-warm');
    const redis = await connectedRedis(endpoints.redis);
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
    await eventually('the pool is full again', () => t.manager.stats().warm === 2);
    expect(t.manager.stats()).toMatchObject({ total: 3, running: 3 });
  });
});

describe('one workspace', () => {
  let id: string;
  beforeAll(async () => {
    id = await t.manager.claim('learner-1');
  });

  it('shares one start among concurrent ensure() calls', async () => {
    const release = t.manager.hold(id);
    try {
      const all = await Promise.all([t.manager.ensure(id), t.manager.ensure(id), t.manager.ensure(id)]);
      expect(all[1]).toEqual(all[0]);
      expect(all[2]).toEqual(all[0]);
      expect(t.manager.state(id)).toBe('ready');
    } finally {
      release();
    }
  });

  it('is reclaimed when idle: instances stop, vhost and database stay, and ensure() brings Redis’s keys back', async () => {
    const release = t.manager.hold(id);
    const before = await t.manager.ensure(id);
    const redis = await connectedRedis(before.redis);
    await redis.set('kept', 'across reclaim');
    await redis.select(3);
    await redis.set('kept-in-db3', 'too');
    redis.disconnect();
    const pids = t.manager.pids(id);
    const seen = states(id);
    // Held: the idle clock does not run.
    await new Promise((r) => setTimeout(r, IDLE_MS * 2));
    expect(t.manager.state(id)).toBe('ready');
    release();
    await eventually('it is reclaimed', () => t.manager.state(id) === 'reclaimed');
    expect(seen).toEqual(['reclaimed']);
    expect(isAlive(pids.redis)).toBe(false);
    expect(isAlive(pids.memcached)).toBe(false);
    expect(Object.keys(t.manager.endpoints(id)).sort()).toEqual(['mysql', 'rabbitmq']);
    expect(t.manager.stats().reclaimed).toBeGreaterThanOrEqual(1);

    const after = await t.manager.ensure(id);
    expect(seen).toEqual(['reclaimed', 'provisioning', 'ready']);
    const again = await connectedRedis(after.redis);
    expect(await again.get('kept')).toBe('across reclaim');
    await again.select(3);
    expect(await again.get('kept-in-db3')).toBe('too');
    again.disconnect();
    expect(after.rabbitmq).toEqual(before.rabbitmq);
    expect(after.mysql).toEqual(before.mysql);
  });

  it('reset empties all four and keeps the accounts and instances', async () => {
    const release = t.manager.hold(id);
    try {
      const e = await t.manager.ensure(id);
      const pids = t.manager.pids(id);
      await memcachedCommand(e.memcached, 'set m 0 0 1\r\nx', /^STORED\r\n/m);
      const redis = await connectedRedis(e.redis);
      await redis.set('r', '1');
      await redis.select(1);
      await redis.set('r1', '1');
      redis.disconnect();
      const amqp = await amqpConnection(e.rabbitmq);
      const channel = await amqp.createChannel();
      await channel.assertExchange('orders', 'direct');
      await channel.assertQueue('jobs', { durable: true });
      await channel.bindQueue('jobs', 'orders', 'new');
      channel.sendToQueue('jobs', Buffer.from('work'));
      await channel.close();
      const sql = await mysqlConnection(e.mysql);
      await sql.query('CREATE TABLE t (x INT)');
      await sql.query('INSERT INTO t VALUES (1)');
      // Left open: an open session must not hold the reset up.
      await sql.query('BEGIN');
      await sql.query('SELECT * FROM t');

      await t.manager.reset(id);

      expect(await memcachedCommand(e.memcached, 'get m')).toBe('END\r\n');
      const redisAfter = await connectedRedis(e.redis);
      expect(await redisAfter.dbsize()).toBe(0);
      await redisAfter.select(1);
      expect(await redisAfter.dbsize()).toBe(0);
      redisAfter.disconnect();
      await amqp.close().catch(() => {});
      const amqpAfter = await amqpConnection(e.rabbitmq);
      const ch = await amqpAfter.createChannel();
      ch.on('error', () => {});
      await expect(ch.checkQueue('jobs')).rejects.toThrow(/404 \(NOT-FOUND\)/);
      await amqpAfter.close().catch(() => {});
      expect(await readBindings(e.rabbitmq, t.manager.checkAdmin('rabbitmq') as RabbitmqAdmin)).toEqual([]);
      await sql.destroy();
      const sqlAfter = await mysqlConnection(e.mysql);
      const [tables] = await sqlAfter.query('SHOW TABLES');
      expect(tables).toEqual([]);
      await sqlAfter.end();
      expect(t.manager.pids(id)).toEqual(pids);
      expect(t.manager.endpoints(id)).toEqual(e);
    } finally {
      release();
    }
  });

  it('reset of a reclaimed workspace drops its Redis snapshot', async () => {
    const e = await t.manager.ensure(id);
    const redis = await connectedRedis(e.redis);
    await redis.set('k', 'v');
    redis.disconnect();
    await eventually('it is reclaimed', () => t.manager.state(id) === 'reclaimed');
    await t.manager.reset(id);
    const after = await t.manager.ensure(id);
    const again = await connectedRedis(after.redis);
    expect(await again.dbsize()).toBe(0);
    again.disconnect();
  });

  it('restarts a learner’s Redis that dies (down, then up on a fresh endpoint)', async () => {
    const release = t.manager.hold(id);
    try {
      await t.manager.ensure(id);
      const events: string[] = [];
      const up = new Promise<string>((resolve) => {
        t.manager.on('down', (w, service, reason) => {
          if (w === id) events.push(`down ${service} ${reason}`);
        });
        t.manager.on('up', (w, service, endpoint) => {
          if (w !== id) return;
          events.push(`up ${service}`);
          resolve(endpoint.url);
        });
      });
      process.kill(t.manager.pids(id).redis!, 'SIGKILL');
      const url = await up;
      expect(events).toEqual(['down redis killed by SIGKILL', 'up redis']);
      const endpoints = await t.manager.ensure(id);
      expect(endpoints.redis.url).toBe(url);
      const redis = await connectedRedis(endpoints.redis);
      expect(await redis.ping()).toBe('PONG');
      redis.disconnect();
      expect(t.manager.state(id)).toBe('ready');
    } finally {
      release();
    }
  });

  it('destroy stops the instances, drops the accounts, the files and the record', async () => {
    const e = await t.manager.ensure(id);
    const pids = t.manager.pids(id);
    await t.manager.destroy(id);
    expect(isAlive(pids.redis)).toBe(false);
    expect(isAlive(pids.memcached)).toBe(false);
    expect(await t.store.workspaceById(id)).toBeNull();
    await expect(fs.stat(path.join(t.dataDir, 'workspaces', id))).rejects.toThrow(/ENOENT/);
    expect(t.manager.state(id)).toBe('failed');
    await expect(t.manager.ensure(id)).rejects.toThrow(/no workspace/);

    const admin = testSharedAdmin();
    expect(await new RabbitmqAccounts(admin.rabbitmq, {}).exists(id)).toEqual({ vhost: false, user: false });
    const creds = parseAmqpTarget(e.rabbitmq.url);
    expect(
      await amqpOpen({
        host: creds.hostname,
        port: creds.port,
        user: creds.username!,
        password: creds.password!,
        vhost: id,
      }),
    ).toMatchObject({
      ok: false,
      stage: 'login',
      code: 403,
    });
    const mysql = new MysqlAccounts(admin.mysql, {});
    try {
      expect(await mysql.accountsOf(id)).toEqual([]);
      expect(await mysql.databaseExists(id)).toBe(false);
    } finally {
      await mysql.close();
    }
    await expect(mysqlConnection(e.mysql)).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
  });
});
