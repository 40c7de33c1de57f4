// An idle class with the Inspect tab open: N learners' sockets (default 100), each with all four
// views open, then nothing changes for a while. Prints the CPU the playground's process used (goal:
// under 10% of one core), each service's CPU, and the requests the views made of Redis and MySQL
// per learner and second (goal: at most one). memcached's and RabbitMQ's views are pushed by the
// services and run no timer while nothing happens; their servers' CPU shows it.
//   npx tsx bench/inspect-idle.ts [learners=100] [seconds=10]
import fs from 'node:fs/promises';
import { Redis } from 'ioredis';
import { openMysql } from '../server/services/mysql/own-client.ts';
import { PlaygroundClient } from '../server/ws/playground-client.ts';
import { processTree } from './proc.ts';
import { startBenchServer } from './serve-process.ts';

const LEARNERS = Number(process.argv[2] ?? 100);
const SECONDS = Number(process.argv[3] ?? 10);
const SERVICES = ['redis', 'memcached', 'rabbitmq', 'mysql'];
const TICK_MS = 10;

const server = await startBenchServer();
const { baseUrl, endpoints } = server;

/** CPU time (ms) of each process of the server's tree, by name. */
async function cpuByName(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const pid of await processTree(server.process.pid!)) {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    const name =
      pid === server.process.pid ? 'playground (node)' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(name, (out.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * TICK_MS);
  }
  return out;
}

const redis = new Redis(endpoints.redis.url);
// As the learner's account, on their database (the views' own way in).
const { conn: db } = await openMysql(endpoints.mysql);
const redisCommands = async () => Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))![1]);
const mysqlQuestions = async () =>
  Number(((await db.query("SHOW GLOBAL STATUS LIKE 'Questions'"))[0] as Array<{ Value: string }>)[0].Value);

const clients: PlaygroundClient[] = [];
try {
  const t0 = performance.now();
  for (let i = 0; i < LEARNERS; i++) {
    const c = await PlaygroundClient.connect(baseUrl);
    clients.push(c);
    for (const service of SERVICES) c.send({ type: 'open', id: service, kind: 'inspect', service });
  }
  for (const c of clients) await c.until(() => SERVICES.every((s) => c.inspectState(s) !== null), 60_000);
  console.log(`${LEARNERS} sockets × ${SERVICES.length} views open in ${Math.round(performance.now() - t0)} ms`);
  // The views' follow-up reads of their opening settle first.
  await new Promise((r) => setTimeout(r, 4_000));

  const [cpu0, r0, q0] = [await cpuByName(), await redisCommands(), await mysqlQuestions()];
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const [cpu1, r1, q1] = [await cpuByName(), await redisCommands(), await mysqlQuestions()];
  // Our own two INFO calls, and SHOW STATUS twice.
  const perLearner = (d: number) => (d / LEARNERS / SECONDS).toFixed(3);
  console.log(`idle for ${SECONDS} s:`);
  for (const [name, after] of cpu1) {
    const used = after - (cpu0.get(name) ?? 0);
    console.log(`  CPU ${name}: ${((100 * used) / (SECONDS * 1000)).toFixed(1)}% of one core`);
  }
  console.log(`  Redis commands from the views: ${perLearner(r1 - r0 - 1)} per learner per second (goal ≤ 1)`);
  console.log(`  MySQL statements from the views: ${perLearner(q1 - q0 - 1)} per learner per second (goal ≤ 1)`);
  console.log('  (goal for the playground process: under 10% of one core)');
} finally {
  for (const c of clients) c.close();
  redis.disconnect();
  await db.end();
  await server.stop();
}
