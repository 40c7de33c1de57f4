// "Start this lesson fresh" against the live services: exactly what `reset` lists goes, the rest stays.
import amqp, { type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memcachedCommand } from '../services/memcached/request.ts';
import { parseMysqlUrl } from '../services/mysql/mysql-url.ts';
import { connectOptions } from '../services/rabbitmq/amqp-url.ts';
import { testEndpoint, testTargets } from '../testing/endpoints.ts';
import { resetLesson } from './reset.ts';

const T = `rst${process.pid}`;
const options = { targets: testTargets() };

let redis: Redis;
let broker: ChannelModel;
let db: mysql.Connection;

const mc = (command: string) => memcachedCommand(testEndpoint('memcached'), command, /^(STORED|END|DELETED|NOT_FOUND)\r\n/m);

beforeAll(async () => {
  redis = new Redis(testEndpoint('redis').url);
  broker = await amqp.connect(connectOptions(testEndpoint('rabbitmq')));
  const target = parseMysqlUrl(testEndpoint('mysql').url);
  db = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.database ?? undefined });
});

afterAll(async () => {
  const keys = await redis.keys(`${T}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await broker.close();
  await db.query(`DROP TABLE IF EXISTS ${T}_keep`);
  await db.end();
});

describe('resetLesson', () => {
  it('clears exactly what is listed, and says what was there', async () => {
    await mc(`set ${T}:a 0 0 1\r\n1`);
    await mc(`set ${T}:keep 0 0 1\r\n1`);
    for (let i = 0; i < 700; i++) await redis.set(`${T}:lesson:${i}`, 'x'); // more than one SCAN round
    await redis.set(`${T}:plain`, 'x');
    await redis.set(`${T}:keep`, 'x');
    const ch = await broker.createChannel();
    await ch.assertQueue(`${T}_q`);
    await ch.assertQueue(`${T}_keep`);
    await ch.assertExchange(`${T}_x`, 'fanout');
    await db.query(`CREATE TABLE ${T}_parent (id INT PRIMARY KEY) ENGINE=InnoDB`);
    await db.query(`CREATE TABLE ${T}_child (id INT PRIMARY KEY, parent INT, FOREIGN KEY (parent) REFERENCES ${T}_parent(id)) ENGINE=InnoDB`);
    await db.query(`CREATE TABLE ${T}_keep (id INT)`);

    const result = await resetLesson(
      {
        memcached: [`${T}:a`, `${T}:never-set`],
        redis: [`${T}:lesson:*`, `${T}:plain`, `${T}:nothing:*`],
        rabbitmq: { queues: [`${T}_q`, `${T}_no_queue`], exchanges: [`${T}_x`, `${T}_no_exchange`] },
        // The parent first: foreign keys must not block the drop.
        mysql: { tables: [`${T}_parent`, `${T}_child`, `${T}_no_table`] },
      },
      options,
    );
    expect(result).toEqual({
      ok: true,
      cleared: [
        `memcached key "${T}:a"`,
        `700 Redis keys matching "${T}:lesson:*"`,
        `Redis key "${T}:plain"`,
        `queue "${T}_q"`,
        `exchange "${T}_x"`,
        `table "${T}_parent"`,
        `table "${T}_child"`,
      ],
      errors: [],
    });

    expect(await mc(`get ${T}:a`)).toBe('END\r\n');
    expect(await mc(`get ${T}:keep`)).toMatch(/^VALUE/);
    expect(await redis.keys(`${T}:lesson:*`)).toEqual([]);
    expect(await redis.exists(`${T}:plain`, `${T}:keep`)).toBe(1);
    await expect(ch.checkQueue(`${T}_keep`)).resolves.toMatchObject({ queue: `${T}_keep` });
    const check = await broker.createChannel();
    check.on('error', () => {});
    await expect(check.checkQueue(`${T}_q`)).rejects.toMatchObject({ code: 404 });
    const [tables] = await db.query(`SHOW TABLES LIKE '${T}%'`);
    expect((tables as Record<string, string>[]).map((r) => Object.values(r)[0])).toEqual([`${T}_keep`]);
    await ch.deleteQueue(`${T}_keep`);
  });

  it('a second reset finds nothing to clear', async () => {
    const result = await resetLesson({ redis: [`${T}:lesson:*`], rabbitmq: { queues: [`${T}_q`] } }, options);
    expect(result).toEqual({ ok: true, cleared: [], errors: [] });
  });

  it('an unreachable service is reported, not thrown', async () => {
    const result = await resetLesson({ redis: ['x'], memcached: ['y'] }, { targets: { endpoint: () => null } });
    expect(result).toEqual({
      ok: false,
      cleared: [],
      errors: ['memcached key "y": memcached is not running right now, so it cannot be asked', 'Redis keys "x": Redis is not running right now, so it cannot be asked'],
    });
  });
});
