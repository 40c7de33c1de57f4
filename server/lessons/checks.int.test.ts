// Every kind of check, passing and failing, against the live services of the test playground.
import amqp, { type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memcachedCommand } from '../services/memcached/request.ts';
import { parseMysqlUrl } from '../services/mysql/mysql-url.ts';
import { connectOptions } from '../services/rabbitmq/amqp-url.ts';
import { SERVICES } from '../services/registry.ts';
import type { Endpoint } from '../services/endpoint.ts';
import { testEndpoint, testTargets } from '../testing/endpoints.ts';
import type { LearnerTargets } from './check-scopes.ts';
import { parseCheckBlock } from './parse-check.ts';
import { runChecks, type CheckOutcome } from './run-checks.ts';

/** Names of this file's keys, queues and tables: other test files share the services. */
const T = `chk${process.pid}`;

async function check(yaml: string, targets: LearnerTargets = testTargets()): Promise<CheckOutcome[]> {
  const problems: string[] = [];
  const defs = parseCheckBlock(yaml, 1, 1, SERVICES, (line, message) => problems.push(`${line}: ${message}`));
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return runChecks(defs, { targets });
}

/** The one outcome of a one-check block. */
async function one(yaml: string): Promise<CheckOutcome> {
  const [outcome] = await check(yaml);
  return outcome;
}

const passes = (message: string | RegExp) => ({ ok: true, message: typeof message === 'string' ? message : expect.stringMatching(message) });
const fails = (message: string | RegExp) => ({ ok: false, message: typeof message === 'string' ? message : expect.stringMatching(message) });

let redis: Redis;
let broker: ChannelModel;
let db: mysql.Connection;

beforeAll(async () => {
  redis = new Redis(testEndpoint('redis').url, { protocol: 2 });
  broker = await amqp.connect(connectOptions(testEndpoint('rabbitmq')));
  const target = parseMysqlUrl(testEndpoint('mysql').url);
  db = await mysql.createConnection({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.database ?? undefined });
});

afterAll(async () => {
  const keys = await redis.keys(`${T}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await broker.close();
  await db.query(`DROP TABLE IF EXISTS ${T}_users`);
  await db.end();
});

describe('memcached checks', () => {
  const key = `${T}:greeting`;
  beforeAll(async () => {
    await memcachedCommand(testEndpoint('memcached'), `set ${key} 0 0 5\r\nhello`, /^STORED\r\n/m);
    await memcachedCommand(testEndpoint('memcached'), `delete ${T}:nothing`, /^(DELETED|NOT_FOUND)\r\n/m);
  });

  it('key exists, or not', async () => {
    expect(await one(`memcached: {key: "${key}"}`)).toEqual(passes(`memcached has key "${key}"`));
    expect(await one(`memcached: {key: "${T}:nothing"}`)).toEqual(fails(`memcached has no key "${T}:nothing"`));
  });
  it('equals', async () => {
    expect(await one(`memcached: {key: "${key}", equals: hello}`)).toEqual(passes(`memcached key "${key}" holds "hello"`));
    expect(await one(`memcached: {key: "${key}", equals: hullo}`)).toEqual(fails(`memcached key "${key}" holds "hello", not "hullo"`));
  });
  it('absent', async () => {
    expect(await one(`memcached: {key: "${T}:nothing", absent: true}`)).toEqual(passes(`memcached has no key "${T}:nothing"`));
    expect(await one(`memcached: {key: "${key}", absent: true}`)).toEqual(fails(`memcached still has key "${key}"`));
  });
  it('adds the hint to a failure', async () => {
    expect(await one(`memcached: {key: "${T}:nothing"}\nhint: Use set.`)).toEqual(fails(`memcached has no key "${T}:nothing". Use set.`));
  });
  it('asks whether a key is there without moving the counters a lesson watches', async () => {
    const stats = async () => {
      const reply = await memcachedCommand(testEndpoint('memcached'), 'stats', /^END\r\n/m);
      const stat = (name: string) => Number(new RegExp(`^STAT ${name} (\\d+)`, 'm').exec(reply)?.[1]);
      return { cmd_get: stat('cmd_get'), get_hits: stat('get_hits'), get_misses: stat('get_misses') };
    };
    const before = await stats();
    await one(`memcached: {key: "${key}"}`);
    await one(`memcached: {key: "${T}:nothing", absent: true}`);
    expect(await stats()).toEqual(before);
  });
  it('a counter of stats', async () => {
    expect(await one(`memcached: {stat: curr_items, min: 1}`)).toEqual(passes(/^memcached's curr_items is \d+$/));
    expect(await one(`memcached: {stat: curr_items, equals: 0}`)).toEqual(fails(/^memcached's curr_items is \d+, not 0$/));
    expect(await one(`memcached: {stat: no_such_counter, min: 0}`)).toEqual(fails(`memcached's stats have no counter "no_such_counter"`));
  });
});

describe('redis key checks', () => {
  beforeAll(async () => {
    await redis.set(`${T}:s`, '1');
    await redis.rpush(`${T}:l`, 'resize', 'crop', 'upload');
    await redis.sadd(`${T}:set`, 'a', 'b', 'c');
    await redis.hset(`${T}:h`, { name: 'ann', age: '42' });
    await redis.zadd(`${T}:z`, 120, 'ana', 95, 'ben');
    await redis.set(`${T}:ttl`, 'x', 'EX', 300);
  });

  it('exists, absent', async () => {
    expect(await one(`redis: {key: "${T}:s"}`)).toEqual(passes(`Redis has key "${T}:s" (a string)`));
    expect(await one(`redis: {key: "${T}:none"}`)).toEqual(fails(`Redis has no key "${T}:none"`));
    expect(await one(`redis: {key: "${T}:none", absent: true}`)).toEqual(passes(`Redis has no key "${T}:none"`));
    expect(await one(`redis: {key: "${T}:s", absent: true}`)).toEqual(fails(`Redis still has key "${T}:s"`));
  });
  it('type', async () => {
    expect(await one(`redis: {key: "${T}:l", type: list}`)).toMatchObject({ ok: true });
    expect(await one(`redis: {key: "${T}:set", type: list}`)).toEqual(fails(`Redis key "${T}:set" is a set, not a list`));
  });
  it('equals: string (numbers as text), list in order, set in any order', async () => {
    expect(await one(`redis: {key: "${T}:s", equals: 1}`)).toEqual(passes(`Redis has key "${T}:s" (a string, holding "1")`));
    expect(await one(`redis: {key: "${T}:s", equals: 2}`)).toEqual(fails(`Redis key "${T}:s" holds "1", not 2`));
    expect(await one(`redis: {key: "${T}:l", type: list, equals: [resize, crop, upload]}`)).toMatchObject({ ok: true });
    expect(await one(`redis: {key: "${T}:l", equals: [crop, resize, upload]}`)).toEqual(
      fails(`Redis list "${T}:l" holds ["resize", "crop", "upload"], not ["crop", "resize", "upload"]`),
    );
    expect(await one(`redis: {key: "${T}:set", type: set, equals: [c, a, b]}`)).toMatchObject({ ok: true });
    expect(await one(`redis: {key: "${T}:set", equals: [a, b]}`)).toEqual(fails(`Redis set "${T}:set" holds ["a", "b", "c"], not ["a", "b"]`));
  });
  it('equals: hash and zset', async () => {
    expect(await one(`redis: {key: "${T}:h", type: hash, equals: {age: 42, name: ann}}`)).toMatchObject({ ok: true });
    expect(await one(`redis: {key: "${T}:h", equals: {name: ann}}`)).toEqual(fails(`Redis hash "${T}:h" holds {name: "ann", age: "42"}, not {name: "ann"}`));
    expect(await one(`redis: {key: "${T}:z", type: zset, equals: [[ana, 120], [ben, 95]]}`)).toMatchObject({ ok: true });
    expect(await one(`redis: {key: "${T}:z", equals: [[ana, 95], [ben, 120]]}`)).toEqual(
      fails(`Redis zset "${T}:z" holds [["ben", 95], ["ana", 120]], not [["ana", 95], ["ben", 120]]`),
    );
  });
  it('length and ttl', async () => {
    expect(await one(`redis: {key: "${T}:l", length: 3}`)).toEqual(passes(`Redis has key "${T}:l" (a list, 3 elements)`));
    expect(await one(`redis: {key: "${T}:set", length: 2}`)).toEqual(fails(`Redis key "${T}:set" has 3 members, not 2`));
    expect(await one(`redis: {key: "${T}:s", length: 2}`)).toEqual(fails(`Redis key "${T}:s" is 1 byte long, not 2`));
    expect(await one(`redis: {key: "${T}:ttl", ttl: true}`)).toMatchObject({ ok: true, message: expect.stringMatching(/expiring in \d+ s/) });
    expect(await one(`redis: {key: "${T}:s", ttl: true}`)).toEqual(fails(`Redis key "${T}:s" has no expiry (TTL); it should expire`));
    expect(await one(`redis: {key: "${T}:ttl", ttl: false}`)).toEqual(fails(/^Redis key ".*:ttl" expires in \d+ s; it should not expire$/));
  });
});

describe('redis command checks', () => {
  beforeAll(async () => {
    await redis.sadd(`${T}:cs`, 'x', 'y');
  });
  it('compares the answer as text', async () => {
    expect(await one(`redis: {command: [SCARD, "${T}:cs"], equals: 2}`)).toEqual(passes(`SCARD ${T}:cs answered 2`));
    expect(await one(`redis: {command: [SCARD, "${T}:cs"], equals: 3}`)).toEqual(fails(`SCARD ${T}:cs answered 2, not 3`));
    expect(await one(`redis: {command: "SISMEMBER ${T}:cs x", equals: 1}`)).toMatchObject({ ok: true });
    expect(await one(`redis: {command: [GET, "${T}:none"], equals: null}`)).toEqual(passes(`GET ${T}:none answered (nil)`));
  });
  it('an error reply is an answer', async () => {
    expect(await one(`redis: {command: [LLEN, "${T}:cs"], equals: 0}`)).toEqual(fails(/^LLEN .* answered an error: WRONGTYPE/));
  });
});

describe('rabbitmq queue checks', () => {
  const q = `${T}_q`;
  beforeAll(async () => {
    const ch = await broker.createChannel();
    await ch.deleteQueue(`${T}_none`);
    await ch.assertQueue(q, { durable: true });
    await ch.assertQueue(`${T}_transient`, { durable: false });
    await ch.assertQueue(`${T}_consumed`, { durable: false });
    await ch.consume(`${T}_consumed`, () => {});
    for (const body of ['a', 'b', 'c']) ch.sendToQueue(q, Buffer.from(body));
    await ch.checkQueue(q); // a round trip: the messages are in
  });

  it('exists, absent', async () => {
    expect(await one(`rabbitmq: {queue: ${q}}`)).toEqual(passes(`queue "${q}" exists (3 messages, 0 consumers)`));
    expect(await one(`rabbitmq: {queue: ${T}_none}`)).toEqual(fails(`there is no queue "${T}_none"`));
    expect(await one(`rabbitmq: {queue: ${T}_none, absent: true}`)).toEqual(passes(`there is no queue "${T}_none"`));
    expect(await one(`rabbitmq: {queue: ${q}, absent: true}`)).toEqual(fails(`queue "${q}" still exists`));
  });
  it('messages and consumers', async () => {
    expect(await one(`rabbitmq: {queue: ${q}, messages: 3}`)).toMatchObject({ ok: true });
    expect(await one(`rabbitmq: {queue: ${q}, messages: 2}`)).toEqual(fails(`queue "${q}" holds 3 messages, not 2`));
    expect(await one(`rabbitmq: {queue: ${q}, min_messages: 4}`)).toEqual(fails(`queue "${q}" holds 3 messages; expected at least 4`));
    expect(await one(`rabbitmq: {queue: ${T}_consumed, consumers: 1}`)).toMatchObject({ ok: true });
    expect(await one(`rabbitmq: {queue: ${q}, consumers: 1}`)).toEqual(fails(`queue "${q}" has 0 consumers, not 1`));
    expect(await one(`rabbitmq: {queue: ${q}, min_consumers: 1}`)).toEqual(fails(`queue "${q}" has 0 consumers; expected at least 1`));
  });
  it('persistent messages and the prefetch of consumers, read with the playground access', async () => {
    const ch = await broker.createChannel();
    await ch.assertQueue(`${T}_persist`, { durable: true });
    await ch.purgeQueue(`${T}_persist`);
    ch.sendToQueue(`${T}_persist`, Buffer.from('kept'), { persistent: true });
    ch.sendToQueue(`${T}_persist`, Buffer.from('kept too'), { persistent: true });
    ch.sendToQueue(`${T}_persist`, Buffer.from('lost on a restart'));
    await ch.checkQueue(`${T}_persist`);
    expect(await one(`rabbitmq: {queue: ${T}_persist, persistent: 2}`)).toEqual(
      passes(`queue "${T}_persist" exists (3 messages, 0 consumers, 2 persistent messages of 3)`),
    );
    expect(await one(`rabbitmq: {queue: ${T}_persist, min_persistent: 3}`)).toEqual(
      fails(`queue "${T}_persist" holds 2 persistent messages of 3; expected at least 3 persistent`),
    );
    expect(await one(`rabbitmq: {queue: ${q}, persistent: 3}`)).toEqual(fails(`queue "${q}" holds 0 persistent messages of 3, not 3 persistent`));

    expect(await one(`rabbitmq: {queue: ${T}_consumed, prefetch: 1}`)).toEqual(
      fails(`queue "${T}_consumed" has consumers with prefetch unlimited, not all 1`),
    );
    expect(await one(`rabbitmq: {queue: ${q}, prefetch: 1}`)).toEqual(fails(`queue "${q}" has no consumer, so no prefetch to compare`));
    const fair = await broker.createChannel();
    await fair.prefetch(1);
    await fair.assertQueue(`${T}_fair`, { durable: false });
    await fair.consume(`${T}_fair`, () => {});
    expect(await one(`rabbitmq: {queue: ${T}_fair, prefetch: 1}`)).toEqual(
      passes(`queue "${T}_fair" exists (0 messages, 1 consumer, prefetch 1 on every consumer)`),
    );
    await fair.close();
  });
  it('durable, without changing the queue', async () => {
    expect(await one(`rabbitmq: {queue: ${q}, durable: true}`)).toEqual(passes(`queue "${q}" exists (3 messages, 0 consumers, durable)`));
    expect(await one(`rabbitmq: {queue: ${T}_transient, durable: true}`)).toEqual(fails(`queue "${T}_transient" is not durable`));
    expect(await one(`rabbitmq: {queue: ${T}_none, durable: true}`)).toEqual(fails(`there is no queue "${T}_none"`));
    // The failed check declared nothing.
    expect(await one(`rabbitmq: {queue: ${T}_none, absent: true}`)).toMatchObject({ ok: true });
    expect(await one(`rabbitmq: {queue: ${q}, messages: 3}`)).toMatchObject({ ok: true });
  });
  it('an exclusive queue of another connection exists but cannot be counted', async () => {
    const other = await amqp.connect(connectOptions(testEndpoint('rabbitmq')));
    try {
      const ch = await other.createChannel();
      await ch.assertQueue(`${T}_mine`, { exclusive: true });
      expect(await one(`rabbitmq: {queue: ${T}_mine}`)).toMatchObject({ ok: true });
      expect(await one(`rabbitmq: {queue: ${T}_mine, messages: 0}`)).toEqual(fails(/exclusive to another connection/));
    } finally {
      await other.close();
    }
  });
});

describe('rabbitmq exchange checks', () => {
  const x = `${T}_direct`;
  beforeAll(async () => {
    const ch = await broker.createChannel();
    await ch.deleteExchange(`${T}_none`);
    await ch.assertExchange(x, 'direct', { durable: false });
    await ch.assertExchange(`${T}_fanout`, 'fanout', { durable: true });
    await ch.assertExchange(`${T}_topic`, 'topic', { durable: false });
    await ch.assertExchange(`${T}_headers`, 'headers', { durable: false });
    for (const q of ['errors', 'all', 'animals', 'archive']) await ch.assertQueue(`${T}_${q}`, { durable: false });
    await ch.bindQueue(`${T}_errors`, x, 'error');
    await ch.bindQueue(`${T}_all`, `${T}_fanout`, '');
    await ch.bindQueue(`${T}_animals`, `${T}_topic`, '*.orange.*');
    await ch.bindQueue(`${T}_animals`, `${T}_topic`, 'lazy.#');
    await ch.bindExchange(`${T}_fanout`, x, 'audit');
  });

  it('exists, absent', async () => {
    expect(await one(`rabbitmq: {exchange: ${x}}`)).toEqual(passes(`exchange "${x}" exists`));
    expect(await one(`rabbitmq: {exchange: ${T}_none}`)).toEqual(fails(`there is no exchange "${T}_none"`));
    expect(await one(`rabbitmq: {exchange: ${T}_none, absent: true}`)).toMatchObject({ ok: true });
    expect(await one(`rabbitmq: {exchange: ""}`)).toMatchObject({ ok: true });
  });
  it('type and durable', async () => {
    expect(await one(`rabbitmq: {exchange: ${x}, type: direct}`)).toEqual(passes(`exchange "${x}" exists (direct, transient)`));
    expect(await one(`rabbitmq: {exchange: ${x}, type: fanout}`)).toEqual(fails(`exchange "${x}" is a direct exchange, not fanout`));
    expect(await one(`rabbitmq: {exchange: ${T}_fanout, type: fanout, durable: true}`)).toMatchObject({ ok: true });
    expect(await one(`rabbitmq: {exchange: ${T}_topic, durable: true}`)).toEqual(fails(`exchange "${T}_topic" is not durable`));
    expect(await one(`rabbitmq: {exchange: ${T}_topic, type: topic}`)).toMatchObject({ ok: true });
  });
  it('routes: direct, fanout, topic, exchange to exchange, the default exchange', async () => {
    expect(await one(`rabbitmq: {exchange: ${x}, routes: {routing_key: error, to: ${T}_errors}}`)).toEqual(
      passes(`exchange "${x}" exists (routes "error" to queue "${T}_errors")`),
    );
    expect(await one(`rabbitmq: {exchange: ${x}, routes: {routing_key: info, to: ${T}_errors}}`)).toEqual(
      fails(`exchange "${x}" does not route "info" to queue "${T}_errors" (queue "${T}_errors" is bound with "error")`),
    );
    expect(await one(`rabbitmq: {exchange: ${T}_fanout, routes: {routing_key: any, to: ${T}_all}}`)).toMatchObject({ ok: true });
    expect(await one(`rabbitmq: {exchange: ${T}_fanout, routes: {routing_key: any, to: ${T}_errors}}`)).toEqual(
      fails(`exchange "${T}_fanout" does not route "any" to queue "${T}_errors" (queue "${T}_errors" is not bound to it)`),
    );
    expect(await one(`rabbitmq: {exchange: ${T}_topic, routes: {routing_key: quick.orange.fox, to: ${T}_animals}}`)).toMatchObject({ ok: true });
    expect(await one(`rabbitmq: {exchange: ${T}_topic, routes: {routing_key: lazy.brown.dog.x, to: ${T}_animals}}`)).toMatchObject({ ok: true });
    expect(await one(`rabbitmq: {exchange: ${T}_topic, routes: {routing_key: quick.brown.fox, to: ${T}_animals}}`)).toMatchObject({ ok: false });
    expect(await one(`rabbitmq: {exchange: ${x}, routes: {routing_key: audit, to: ${T}_all}}`)).toMatchObject({ ok: true });
    expect(await one(`rabbitmq: {exchange: "", routes: {routing_key: ${T}_all, to: ${T}_all}}`)).toMatchObject({ ok: true });
    expect(await one(`rabbitmq: {exchange: ${x}, routes: {routing_key: error, to: ${T}_none}}`)).toEqual(
      fails(`there is no queue "${T}_none" for exchange "${x}" to route to`),
    );
    expect(await one(`rabbitmq: {exchange: ${T}_headers, routes: {routing_key: x, to: ${T}_all}}`)).toEqual(fails(/routes checks cover direct, fanout and topic/));
  });
  it('routes on a broker whose bindings cannot be read', async () => {
    // No access of the playground's own: only the URL's guess at a management API, which does not answer.
    const blind: LearnerTargets = { endpoint: testEndpoint, admin: () => null };
    const [outcome] = await check(`rabbitmq: {exchange: ${x}, routes: {routing_key: error, to: ${T}_errors}}`, blind);
    expect(outcome).toEqual(fails(/^cannot inspect bindings on this server \(127\.0\.0\.1:\d+\)/));
  });
});

describe('mysql checks', () => {
  const t = `${T}_users`;
  beforeAll(async () => {
    await db.query(`DROP TABLE IF EXISTS ${t}`);
    await db.query(`CREATE TABLE ${t} (id INT PRIMARY KEY, name VARCHAR(20), joined DATE, score DECIMAL(5,2))`);
    await db.query(`INSERT INTO ${t} VALUES (1, 'ann', '2024-01-02', 1.50), (2, 'bob', NULL, 3)`);
  });

  it('table exists, absent, rows, columns', async () => {
    expect(await one(`mysql: {table: ${t}}`)).toEqual(passes(`table "${t}" exists`));
    expect(await one(`mysql: {table: ${T}_none}`)).toEqual(fails(`there is no table "${T}_none"`));
    expect(await one(`mysql: {table: ${T}_none, absent: true}`)).toMatchObject({ ok: true });
    expect(await one(`mysql: {table: ${t}, absent: true}`)).toEqual(fails(`table "${t}" still exists`));
    expect(await one(`mysql: {table: ${t}, rows: 2, columns: [id, NAME]}`)).toEqual(passes(`table "${t}" exists (columns id, name, joined, score; 2 rows)`));
    expect(await one(`mysql: {table: ${t}, rows: 3}`)).toEqual(fails(`table "${t}" has 2 rows, not 3`));
    expect(await one(`mysql: {table: ${t}, columns: [id, email]}`)).toEqual(fails(`table "${t}" has no column "email" (it has id, name, joined, score)`));
  });
  it('query rows, compared as text', async () => {
    expect(await one(`mysql: {query: "SELECT id, name, joined, score FROM ${t} ORDER BY id", rows: [[1, ann, "2024-01-02", "1.50"], [2, bob, null, "3.00"]]}`)).toMatchObject({ ok: true });
    expect(await one(`mysql: {query: "SELECT name FROM ${t} ORDER BY id", rows: [[ann]]}`)).toEqual(fails(`SELECT name FROM ${t} ORDER BY id returned 2 rows; expected 1`));
    expect(await one(`mysql: {query: "SELECT name FROM ${t} ORDER BY id", rows: [[ann], [bill]]}`)).toEqual(
      fails(`SELECT name FROM ${t} ORDER BY id returned row 2 as (bob); expected (bill)`),
    );
    expect(await one(`mysql: {query: "SELECT * FROM ${t}", min_rows: 2}`)).toMatchObject({ ok: true });
    expect(await one(`mysql: {query: "SELECT * FROM ${t}", min_rows: 5}`)).toEqual(fails(`SELECT * FROM ${t} returned 2 rows; expected at least 5`));
    expect(await one(`mysql: {query: "SELECT * FROM ${T}_none", min_rows: 1}`)).toEqual(fails(/failed: Table '.*' doesn't exist$/));
  });
});

describe('a check that cannot reach its service fails with the reason', () => {
  it('service not running', async () => {
    const outcomes = await check(`- redis: {key: x}\n- memcached: {key: y}`, { endpoint: () => null });
    expect(outcomes).toEqual([
      fails('Redis is not running right now, so it cannot be asked'),
      fails('memcached is not running right now, so it cannot be asked'),
    ]);
  });
  it('nothing listening at the address', async () => {
    const dead = (s: string): Endpoint | null =>
      ({
        redis: { url: 'redis://127.0.0.1:1', address: '127.0.0.1:1' },
        rabbitmq: { url: 'amqp://u:p@127.0.0.1:1', address: '127.0.0.1:1' },
        mysql: { url: 'mysql://u:p@127.0.0.1:1/db', address: '127.0.0.1:1' },
        memcached: { url: '127.0.0.1:1', address: '127.0.0.1:1' },
      })[s] ?? null;
    const outcomes = await check(`- redis: {key: x}\n- rabbitmq: {queue: q}\n- mysql: {table: t}\n- memcached: {key: k}`, { endpoint: dead });
    expect(outcomes.map((o) => o.ok)).toEqual([false, false, false, false]);
    expect(outcomes.map((o) => o.message.split(':')[0])).toEqual(['could not ask Redis', 'could not ask RabbitMQ', 'could not ask MySQL', 'could not ask memcached']);
  });
});
