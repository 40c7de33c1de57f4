// Two learners' workspaces, A and B, on the real services: whatever A types cannot read, change or
// stop anything of B's, nor lift A's own limits; each refusal is the service's own error.
import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceName } from '../../../shared/protocol.ts';
import { memcachedCommand } from '../../services/memcached/request.ts';
import { parseAmqpTarget } from '../../services/rabbitmq/amqp-url.ts';
import { readBindings, type RabbitmqAdmin } from '../../services/rabbitmq/admin.ts';
import type { Endpoint } from '../../services/endpoint.ts';
import { amqpOpen } from '../../testing/workspaces/amqp-open.ts';
import { testSharedAdmin } from '../../testing/workspaces/shared-admin-context.ts';
import {
  amqpConnection,
  connectedRedis,
  mysqlConnection,
  testManager,
  type TestManager,
} from '../../testing/workspaces/test-manager.ts';

const LIMITS = { redis: { memoryMb: 4 }, rabbitmq: { maxQueues: 5, maxConnections: 3 }, mysql: { maxConnections: 3 } };

let t: TestManager;
let A: string;
let B: string;
let a: Record<ServiceName, Endpoint>;
let b: Record<ServiceName, Endpoint>;

beforeAll(async () => {
  t = await testManager({ limits: LIMITS });
  [A, B] = await Promise.all([t.manager.claim('learner-a'), t.manager.claim('learner-b')]);
  [a, b] = await Promise.all([t.manager.ensure(A), t.manager.ensure(B)]);
});

afterAll(async () => {
  await t?.cleanup();
});

function port(endpoint: Endpoint): string {
  return endpoint.address.split(':').pop()!;
}

describe('ids and endpoints', () => {
  it('gives each workspace a short random id and endpoints in the adapters’ formats, with its own credentials', () => {
    expect(A).toMatch(/^w[a-z0-9]{8}$/);
    expect(B).not.toBe(A);
    expect(a.memcached.url).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(a.redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(a.rabbitmq.url).toMatch(new RegExp(`^amqp://${A}:[\\w-]+@127\\.0\\.0\\.1:\\d+/${A}$`));
    expect(a.mysql.url).toMatch(new RegExp(`^mysql://${A}:[\\w-]+@127\\.0\\.0\\.1:\\d+/ws_${A}$`));
    expect(a.memcached.address).not.toBe(b.memcached.address);
    expect(a.redis.address).not.toBe(b.redis.address);
    expect(a.rabbitmq.url).not.toContain(testSharedAdmin().rabbitmq.password);
  });
});

describe('Redis', () => {
  let ra: Redis;
  let rb: Redis;
  beforeAll(async () => {
    [ra, rb] = await Promise.all([connectedRedis(a.redis), connectedRedis(b.redis)]);
  });
  afterAll(() => {
    ra?.disconnect();
    rb?.disconnect();
  });

  it("A's FLUSHALL leaves B's keys", async () => {
    await ra.set('k', 'from A');
    await rb.set('k', 'from B');
    expect(await ra.flushall()).toBe('OK');
    expect(await ra.dbsize()).toBe(0);
    expect(await rb.get('k')).toBe('from B');
  });

  it('A cannot reach B, nor change its own limits: MIGRATE, REPLICAOF, CONFIG SET, ACL, SHUTDOWN… are refused', async () => {
    await ra.set('secret-of-a', '1');
    const refused: Array<[string[], RegExp]> = [
      [['MIGRATE', '127.0.0.1', port(b.redis), 'secret-of-a', '0', '1000'], /^NOPERM .*'migrate' command/],
      [['REPLICAOF', '127.0.0.1', port(b.redis)], /^NOPERM .*'replicaof' command/],
      [['SLAVEOF', '127.0.0.1', port(b.redis)], /^NOPERM .*'slaveof' command/],
      [['FAILOVER'], /^NOPERM .*'failover' command/],
      [['PSYNC', '?', '-1'], /^NOPERM .*'psync' command/],
      [['CONFIG', 'SET', 'maxmemory', '1gb'], /^NOPERM .*'config\|set' command/],
      [['CONFIG', 'SET', 'dir', '/tmp'], /^NOPERM .*'config\|set' command/],
      [['CONFIG', 'REWRITE'], /^NOPERM .*'config\|rewrite' command/],
      [['CONFIG', 'RESETSTAT'], /^NOPERM .*'config\|resetstat' command/],
      [['ACL', 'SETUSER', 'default', 'on', '+@all'], /^NOPERM .*'acl\|setuser' command/],
      [['ACL', 'LIST'], /^NOPERM .*'acl\|list' command/],
      [['ACL', 'DELUSER', 'manager'], /^NOPERM .*'acl\|deluser' command/],
      [['SHUTDOWN', 'NOSAVE'], /^NOPERM .*'shutdown' command/],
      // Off by configuration as well, which Redis checks before the ACL.
      [['DEBUG', 'SLEEP', '0'], /^(NOPERM .*'debug' command|ERR DEBUG command not allowed)/],
      [['MODULE', 'LOAD', '/tmp/x.so'], /^(NOPERM .*'module\|load' command|ERR MODULE command not allowed)/],
      [['AUTH', 'manager', 'guessed'], /^WRONGPASS/],
    ];
    for (const [command, error] of refused) {
      await expect(ra.call(command[0], ...command.slice(1)), command.join(' ')).rejects.toThrow(error);
    }
    // Nothing moved: B never got A's key, and both are still masters on their own.
    expect(await rb.exists('secret-of-a')).toBe(0);
    expect(await ra.call('ROLE')).toEqual(['master', 0, []]);
    expect(await rb.call('ROLE')).toEqual(['master', 0, []]);
    expect(await ra.config('GET', 'maxmemory')).toEqual(['maxmemory', String(LIMITS.redis.memoryMb * 1024 * 1024)]);
  });

  it('keeps the commands the lessons use working', async () => {
    await ra.flushall();
    await ra.set('basics:greeting', 'hello', 'EX', 100);
    await ra.rpush('club', '3', '1', '2');
    expect(await ra.keys('*')).toHaveLength(2);
    expect((await ra.scan('0'))[1]).toHaveLength(2);
    expect(await ra.ttl('basics:greeting')).toBeGreaterThan(90);
    expect(await ra.object('ENCODING', 'basics:greeting')).toBe('embstr');
    expect(await ra.sort('club')).toEqual(['1', '2', '3']);
    expect(await ra.info('server')).toMatch(/redis_version:7/);
    expect(await ra.client('LIST')).toMatch(/user=default/);
    expect(typeof (await ra.client('ID'))).toBe('number');
    expect(await ra.config('GET', 'save')).toEqual(['save', '']);
    expect(await ra.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    expect(await ra.call('ACL', 'WHOAMI')).toBe('default');
    expect(await ra.bgsave()).toMatch(/Background saving started|scheduled/);
    expect(typeof (await ra.lastsave())).toBe('number');
    expect(await ra.select(1)).toBe('OK');
    expect(await ra.flushdb()).toBe('OK');
    await ra.select(0);

    const monitor = await ra.monitor();
    const seen = new Promise<string[]>((resolve) =>
      monitor.on('monitor', (_time: string, args: string[]) => {
        if (args[0]?.toLowerCase() === 'publish') resolve(args);
      }),
    );
    const subscriber = await connectedRedis(a.redis);
    const message = new Promise<string>((resolve) =>
      subscriber.once('message', (_channel: string, m: string) => resolve(m)),
    );
    await subscriber.subscribe('news');
    expect(await ra.publish('news', 'hi')).toBe(1);
    expect(await message).toBe('hi');
    expect(await seen).toContain('news');
    monitor.disconnect();
    subscriber.disconnect();
  });

  it("over maxmemory, writes fail with Redis's own OOM error and nothing is evicted", async () => {
    await ra.flushall();
    const value = 'x'.repeat(256 * 1024);
    let error: Error | null = null;
    let written = 0;
    for (; written < 100 && !error; written++) {
      await ra.set(`big:${written}`, value).catch((err: Error) => {
        error = err;
      });
    }
    expect(String(error)).toMatch(/OOM command not allowed when used memory > 'maxmemory'/);
    expect(await ra.exists('big:0')).toBe(1);
    await ra.flushall();
  });
});

describe('memcached', () => {
  it("is a process of its own: A's items and flush_all never reach B", async () => {
    await memcachedCommand(a.memcached, 'set k 0 0 1\r\na', /^STORED\r\n/m);
    await memcachedCommand(b.memcached, 'set k 0 0 1\r\nb', /^STORED\r\n/m);
    await memcachedCommand(a.memcached, 'flush_all', /^OK\r\n/m);
    expect(await memcachedCommand(a.memcached, 'get k')).toBe('END\r\n');
    expect(await memcachedCommand(b.memcached, 'get k')).toBe('VALUE k 0 1\r\nb\r\nEND\r\n');
  });
});

describe('RabbitMQ', () => {
  const login = (endpoint: Endpoint) => parseAmqpTarget(endpoint.url);
  const open = (user: string, password: string, vhost: string) => {
    const { hostname, port } = login(a.rabbitmq);
    return amqpOpen({ host: hostname, port, user, password, vhost });
  };

  it("A's credentials open A's vhost and no other (530 NOT_ALLOWED)", async () => {
    const creds = login(a.rabbitmq);
    expect(await open(creds.username!, creds.password!, A)).toEqual({ ok: true });
    for (const vhost of [B, '/']) {
      expect(await open(creds.username!, creds.password!, vhost)).toEqual({
        ok: false,
        stage: 'open',
        code: 530,
        text: `NOT_ALLOWED - access to vhost '${vhost}' refused for user '${A}'`,
      });
    }
  });

  it('refuses guest, the administrator without its password, and B with A’s password (403 ACCESS_REFUSED)', async () => {
    const admin = testSharedAdmin().rabbitmq;
    for (const [user, password] of [
      ['guest', 'guest'],
      [admin.user, 'guessed'],
      [admin.user, ''],
      [B, login(a.rabbitmq).password!],
    ]) {
      const result = await open(user, password, '/');
      expect(result, user).toMatchObject({ ok: false, stage: 'login', code: 403 });
      expect(result.ok === false && result.text).toMatch(/^ACCESS_REFUSED - Login was refused/);
    }
    // guest does not exist at all on the playground's broker.
    const res = await fetch(`${admin.managementUrl}/api/users/guest`, {
      headers: { authorization: `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}` },
    });
    expect(res.status).toBe(404);
  });

  it("a learner's account cannot use the management API (no tags)", async () => {
    const creds = login(a.rabbitmq);
    const res = await fetch(`${testSharedAdmin().rabbitmq.managementUrl}/api/overview`, {
      headers: { authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` },
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toMatch(/Not management user/);
  });

  it("queue.delete in A leaves B's queue of the same name", async () => {
    const [ma, mb] = await Promise.all([amqpConnection(a.rabbitmq), amqpConnection(b.rabbitmq)]);
    try {
      const [ca, cb] = await Promise.all([ma.createChannel(), mb.createChannel()]);
      await ca.assertQueue('jobs');
      await cb.assertQueue('jobs');
      cb.sendToQueue('jobs', Buffer.from('for B'));
      await ca.deleteQueue('jobs');
      expect((await cb.checkQueue('jobs')).messageCount).toBe(1);
      const bindings = await readBindings(b.rabbitmq, t.manager.checkAdmin('rabbitmq') as RabbitmqAdmin);
      expect(bindings).toContainEqual({
        source: '',
        destination: 'jobs',
        destinationKind: 'queue',
        routingKey: 'jobs',
      });
      expect(await readBindings(a.rabbitmq, t.manager.checkAdmin('rabbitmq') as RabbitmqAdmin)).toEqual([]);
    } finally {
      await Promise.all([ma.close(), mb.close()]);
    }
  });

  it(`refuses queue ${LIMITS.rabbitmq.maxQueues + 1} and connection ${LIMITS.rabbitmq.maxConnections + 1} of a vhost`, async () => {
    const models = [await amqpConnection(a.rabbitmq)];
    try {
      const channel = await models[0].createChannel();
      channel.on('error', () => {});
      for (let i = 0; i < LIMITS.rabbitmq.maxQueues; i++) await channel.assertQueue(`limit-${i}`);
      await expect(channel.assertQueue('one-too-many')).rejects.toThrow(
        `406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - cannot declare queue 'one-too-many': queue limit in vhost '${A}' (${LIMITS.rabbitmq.maxQueues}) is reached"`,
      );
      while (models.length < LIMITS.rabbitmq.maxConnections) models.push(await amqpConnection(a.rabbitmq));
      const creds = login(a.rabbitmq);
      expect(await open(creds.username!, creds.password!, A)).toEqual({
        ok: false,
        stage: 'open',
        code: 530,
        text: `NOT_ALLOWED - access to vhost '${A}' refused for user '${A}': connection limit (${LIMITS.rabbitmq.maxConnections}) is reached`,
      });
    } finally {
      await Promise.all(models.map((m) => m.close().catch(() => {})));
    }
  });
});

describe('MySQL', () => {
  let ma: Connection;
  let mb: Connection;
  beforeAll(async () => {
    [ma, mb] = await Promise.all([mysqlConnection(a.mysql), mysqlConnection(b.mysql)]);
    await mb.query('CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)');
    await mb.query("INSERT INTO notes VALUES (1, 'only for B')");
  });
  afterAll(async () => {
    await ma?.end();
    await mb?.end();
  });

  it("logs in over TCP from 127.0.0.1, as the sandbox's forwarder does, into its own database", async () => {
    const [rows] = await ma.query('SELECT CURRENT_USER() AS who, DATABASE() AS db');
    expect(rows).toEqual([{ who: `${A}@127.0.0.1`, db: `ws_${A}` }]);
  });

  it("cannot read, see or use B's database, make databases, or read mysql.user", async () => {
    await expect(ma.query(`SELECT * FROM ws_${B}.notes`)).rejects.toMatchObject({
      code: 'ER_TABLEACCESS_DENIED_ERROR',
      message: expect.stringMatching(
        new RegExp(`^SELECT command denied to user '${A}'@'127\\.0\\.0\\.1' for table \`ws_${B}\`\\.\`notes\``),
      ),
    });
    await expect(ma.query(`USE ws_${B}`)).rejects.toMatchObject({
      code: 'ER_DBACCESS_DENIED_ERROR',
      message: `Access denied for user '${A}'@'127.0.0.1' to database 'ws_${B}'`,
    });
    const [databases] = await ma.query('SHOW DATABASES');
    expect((databases as Array<{ Database: string }>).map((r) => r.Database).sort()).toEqual([
      'information_schema',
      `ws_${A}`,
    ]);
    await expect(ma.query('CREATE DATABASE mine')).rejects.toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' });
    await expect(ma.query(`CREATE DATABASE ws_${B}x`)).rejects.toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' });
    await expect(ma.query('SELECT * FROM mysql.user')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    await expect(ma.query('SET GLOBAL max_connections = 10000')).rejects.toMatchObject({
      code: 'ER_SPECIFIC_ACCESS_DENIED_ERROR',
    });
    await expect(ma.query(`GRANT ALL ON ws_${A}.* TO '${B}'@'127.0.0.1'`)).rejects.toMatchObject({
      code: 'ER_DBACCESS_DENIED_ERROR',
    });
  });

  it('DROP DATABASE of its own hurts only A, and A may make it again', async () => {
    await ma.query('CREATE TABLE t (x INT)');
    await ma.query(`DROP DATABASE ws_${A}`);
    const [rows] = await mb.query('SELECT body FROM notes');
    expect(rows).toEqual([{ body: 'only for B' }]);
    await ma.query(`CREATE DATABASE ws_${A}`);
    await ma.query(`USE ws_${A}`);
  });

  it(`refuses connection ${LIMITS.mysql.maxConnections + 1} of a learner (max_user_connections)`, async () => {
    const more: Connection[] = [];
    try {
      while (more.length < LIMITS.mysql.maxConnections - 1) more.push(await mysqlConnection(a.mysql));
      await expect(mysqlConnection(a.mysql)).rejects.toMatchObject({
        code: 'ER_USER_LIMIT_REACHED',
        message: `User '${A}' has exceeded the 'max_user_connections' resource (current value: ${LIMITS.mysql.maxConnections})`,
      });
    } finally {
      await Promise.all(more.map((c) => c.end()));
    }
  });
});
