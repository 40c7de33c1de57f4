// The Inspect views' latency through the playground: open → first state for each service, and a
// write → the state that shows it (Redis pushed by keyspace notifications, memcached by `watch`,
// RabbitMQ by its event exchange and firehose, MySQL looked at every second), measured from the
// client's side of the socket. Goals: open → first state ≤ 300 ms p50; a Redis write → its state
// ≤ 100 ms p50, ≤ 250 ms p99; memcached, RabbitMQ and MySQL ≤ 1 s p99.
//   npx tsx bench/inspect.ts [writes=100]
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import type {
  MemcachedInspectState,
  MysqlInspectState,
  RabbitmqInspectState,
  RedisInspectState,
} from '../shared/inspect.ts';
import { memcachedCommand } from '../server/services/memcached/request.ts';
import { openMysql } from '../server/services/mysql/own-client.ts';
import { connectOptions } from '../server/services/rabbitmq/amqp-url.ts';
import { PlaygroundClient } from '../server/ws/playground-client.ts';
import { ms, summarize } from './stats.ts';
import { startBenchServer } from './serve-process.ts';

const WRITES = Number(process.argv[2] ?? 100);
const OPENS = 20;

const server = await startBenchServer();
const { baseUrl, endpoints } = server;

let n = 0;
async function open(c: PlaygroundClient, service: string): Promise<{ id: string; ms: number }> {
  const id = `i${++n}`;
  const t = performance.now();
  c.send({ type: 'open', id, kind: 'inspect', service });
  await c.until(() => c.inspectState(id) !== null, 10_000);
  return { id, ms: performance.now() - t };
}

/** Time from `write` resolving… to the state `shows` it; `write` starts the clock itself. */
async function timeWrites(
  c: PlaygroundClient,
  id: string,
  write: (i: number) => Promise<void>,
  shows: (i: number) => boolean,
  count: number,
) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await write(i);
    await c.until(() => shows(i), 10_000);
    times.push(performance.now() - t);
  }
  return summarize(times);
}

const c = await PlaygroundClient.connect(baseUrl);
const tag = `bench${Date.now().toString(36)}`;
const redis = new Redis(endpoints.redis.url);
// As the learner's account, on their database (the views' own way in).
const { conn: db } = await openMysql(endpoints.mysql);
try {
  for (const service of ['redis', 'memcached', 'rabbitmq', 'mysql']) {
    const times: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      const { id, ms: took } = await open(c, service);
      times.push(took);
      c.send({ type: 'close', id });
    }
    const s = summarize(times);
    console.log(`open → first state, ${service}: p50 ${ms(s.p50)}, p99 ${ms(s.p99)} (goal p50 ≤ 300 ms)`);
  }

  const r = await open(c, 'redis');
  const rs = await timeWrites(
    c,
    r.id,
    (i) => redis.set(`${tag}:${i}`, 'v').then(() => {}),
    (i) => !!c.inspectState<RedisInspectState>(r.id)?.keys.some((k) => k.key === `${tag}:${i}`),
    WRITES,
  );
  console.log(`Redis SET → the state that shows it: p50 ${ms(rs.p50)}, p99 ${ms(rs.p99)} (goal ≤ 100 / ≤ 250 ms)`);

  const m = await open(c, 'memcached');
  const ms_ = await timeWrites(
    c,
    m.id,
    (i) => memcachedCommand(endpoints.memcached, `set ${tag}_${i} 0 300 1\r\nv`, /STORED\r\n/).then(() => {}),
    (i) => !!c.inspectState<MemcachedInspectState>(m.id)?.keys.some((k) => k.key === `${tag}_${i}`),
    Math.min(WRITES, 50),
  );
  console.log(`memcached set → the state that shows it: p50 ${ms(ms_.p50)}, p99 ${ms(ms_.p99)} (goal p99 ≤ 1 s)`);

  const broker = await amqp.connect(connectOptions(endpoints.rabbitmq));
  const channel = await broker.createChannel();
  const b = await open(c, 'rabbitmq');
  const bq = await timeWrites(
    c,
    b.id,
    (i) => channel.assertQueue(`${tag}.${i}`, { autoDelete: true }).then(() => {}),
    (i) => !!c.inspectState<RabbitmqInspectState>(b.id)?.queues.some((q) => q.name === `${tag}.${i}`),
    Math.min(WRITES, 30),
  );
  console.log(
    `RabbitMQ queue.declare → the state that shows it: p50 ${ms(bq.p50)}, p99 ${ms(bq.p99)} (goal p99 ≤ 1 s)`,
  );
  const bp = await timeWrites(
    c,
    b.id,
    async (i) => {
      channel.sendToQueue(`${tag}.0`, Buffer.from(String(i)));
    },
    (i) => c.inspectState<RabbitmqInspectState>(b.id)?.queues.find((q) => q.name === `${tag}.0`)?.ready === i + 1,
    Math.min(WRITES, 30),
  );
  console.log(
    `RabbitMQ publish → the state with the queue's new depth: p50 ${ms(bp.p50)}, p99 ${ms(bp.p99)} (goal p99 ≤ 1 s)`,
  );
  await broker.close();

  await db.query(`CREATE TABLE ${tag} (n INT)`);
  const q = await open(c, 'mysql');
  const qs = await timeWrites(
    c,
    q.id,
    (i) => db.query(`INSERT INTO ${tag} VALUES (${i})`).then(() => {}),
    (i) => c.inspectState<MysqlInspectState>(q.id)?.tables.find((t) => t.name === tag)?.rows === i + 1,
    Math.min(WRITES, 20),
  );
  console.log(
    `MySQL INSERT from another client → the state that shows it: p50 ${ms(qs.p50)}, p99 ${ms(qs.p99)} (goal p99 ≤ 1 s)`,
  );
  await c.open('db', 'mysql');
  const ts = await timeWrites(
    c,
    q.id,
    (i) => c.run('db', `INSERT INTO ${tag} VALUES (${i});`).then(() => {}),
    (i) =>
      c.inspectState<MysqlInspectState>(q.id)?.tables.find((t) => t.name === tag)?.rows ===
      Math.min(WRITES, 20) + i + 1,
    Math.min(WRITES, 20),
  );
  console.log(`MySQL INSERT typed in the terminal → the state that shows it: p50 ${ms(ts.p50)}, p99 ${ms(ts.p99)}`);
} finally {
  await db.query(`DROP TABLE IF EXISTS ${tag}`).catch(() => {});
  await db.end();
  const keys = await redis.keys(`${tag}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  c.close();
  await server.stop();
}
