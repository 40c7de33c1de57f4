// Terminal round trip: `input` → complete reply through the playground, against the same command
// sent by a direct Node client, for redis PING, memcached get, mysql SELECT 1 and rabbitmq
// basic.get. The goal: the playground adds ≤ 0.3 ms at p50 and ≤ 1 ms at p99.
//   npx tsx bench/roundtrip.ts [iterations]
import { spawn } from 'node:child_process';
import net from 'node:net';
import readline from 'node:readline';
import amqp from 'amqplib';
import mysql from 'mysql2/promise';
import type { ServiceName } from '../shared/protocol.ts';
import type { Endpoint } from '../server/services/endpoint.ts';
import { PlaygroundClient } from '../server/ws/playground-client.ts';
import { ms, summarize } from './stats.ts';

const ITERATIONS = Number(process.argv[2] ?? 2000);
const WARMUP = 200;

const server = spawn(
  process.execPath,
  [...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'bench/serve.ts'],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const first = await new Promise<string>((resolve, reject) => {
  readline.createInterface({ input: server.stdout! }).once('line', resolve);
  server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
});
const { baseUrl, endpoints } = JSON.parse(first) as { baseUrl: string; endpoints: Record<ServiceName, Endpoint> };

/** Sends `request` on a raw socket and resolves when the reply ends with `end`. */
function rawRoundTrip(socket: net.Socket, request: string, end: string): Promise<void> {
  return new Promise((resolve) => {
    let got = '';
    const onData = (chunk: Buffer) => {
      got += chunk.toString('latin1');
      if (got.endsWith(end)) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
    socket.write(request);
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const client = await PlaygroundClient.connect(baseUrl);
const rows: string[][] = [
  ['command', 'direct p50', 'direct p99', 'playground p50', 'playground p99', 'added p50', 'added p99'],
];

async function compare(label: string, direct: () => Promise<unknown>, proxied: () => Promise<unknown>) {
  for (let i = 0; i < WARMUP; i++) {
    await direct();
    await proxied();
  }
  // Alternate one of each, so both see the same machine weather from moment to moment.
  const d: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    d.push(await timed(direct));
    p.push(await timed(proxied));
  }
  const ds = summarize(d);
  const ps = summarize(p);
  rows.push([label, ms(ds.p50), ms(ds.p99), ms(ps.p50), ms(ps.p99), ms(ps.p50 - ds.p50), ms(ps.p99 - ds.p99)]);
  console.log(rows.at(-1)!.join('  '));
}

function proxiedUntil(id: string, line: string, done: (output: string) => boolean): () => Promise<void> {
  return async () => {
    const t = client.terminal(id);
    const from = t.chunks.length;
    const prompts = t.prompts.length;
    client.send({ type: 'input', id, data: line + '\r' });
    await client.until(() => t.prompts.length > prompts && done(t.since(from)));
  };
}

// redis PING
{
  const [host, port] = endpoints.redis.address.split(':');
  const socket = net.connect(Number(port), host);
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  await client.open('redis', 'redis');
  await compare(
    'redis PING',
    () => rawRoundTrip(socket, '*1\r\n$4\r\nPING\r\n', '+PONG\r\n'),
    proxiedUntil('redis', 'PING', () => true),
  );
  socket.destroy();
}
// memcached get (telnet-like: no prompt marks the end, the reply's END does)
{
  const [host, port] = endpoints.memcached.address.split(':');
  const socket = net.connect(Number(port), host);
  socket.setNoDelay(true);
  await new Promise((r) => socket.once('connect', r));
  await rawRoundTrip(socket, 'set bench 0 0 5\r\nhello\r\n', 'STORED\r\n');
  await client.open('mc', 'memcached');
  await compare(
    'memcached get',
    () => rawRoundTrip(socket, 'get bench\r\n', 'END\r\n'),
    proxiedUntil('mc', 'get bench', (o) => o.endsWith('END\r\n')),
  );
  socket.destroy();
}
// mysql SELECT 1
{
  const conn = await mysql.createConnection(endpoints.mysql.url);
  await client.open('db', 'mysql');
  await compare(
    'mysql SELECT 1;',
    () => conn.query('SELECT 1'),
    proxiedUntil('db', 'SELECT 1;', () => true),
  );
  await conn.end();
}
// rabbitmq basic.get
{
  const conn = await amqp.connect(endpoints.rabbitmq.url);
  const ch = await conn.createChannel();
  await ch.assertQueue('bench');
  await client.open('mq', 'rabbitmq');
  await compare(
    'rabbitmq basic.get',
    () => ch.get('bench'),
    proxiedUntil('mq', 'basic.get queue=bench', () => true),
  );
  await conn.close();
}

client.close();
server.stdin!.end();
await new Promise((r) => server.once('exit', r));
console.log(
  `\n${ITERATIONS} round trips each, after ${WARMUP} warm-up ones; goal: added ≤ 0.300 ms at p50, ≤ 1.000 ms at p99\n`,
);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
