// Nothing lost, measured on the four private servers of a playground of its own:
// - the work-queues lesson's table: COUNT messages of each kind (durable or transient queue,
//   persistent or transient message), then a broker restart and `npm start` again (a new supervisor
//   on the same data directory): the share of each kind still there;
// - kill -9 of each server under an open terminal, RUNS times: signal → the terminal says so
//   (notified), → it is back and answers (back), and the server's own start time for comparison.
//   npx tsx bench/faults.ts [--runs 3] [--count 1000]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPlaygroundServer, type PlaygroundServer } from '../server/app.ts';
import { SERVICES } from '../server/services/registry.ts';
import { Supervisor } from '../server/services/supervisor.ts';
import { DURABILITY_CASES, countCases, publishCases } from '../server/testing/durability.ts';
import { killAndTime } from '../server/testing/faults.ts';
import { PlaygroundClient } from '../server/ws/playground-client.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const RUNS = arg('runs', 3);
const COUNT = arg('count', 1000);

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-faults-'));
let supervisor!: Supervisor;
let app!: PlaygroundServer;
let baseUrl = '';

async function start(): Promise<void> {
  supervisor = new Supervisor({ adapters: SERVICES.adapters, dataDir: dir, env: {} });
  await supervisor.startAll();
  app = await createPlaygroundServer({ supervisor, lessonsDir: 'lessons', dataDir: dir, clientDir: '/nonexistent' });
  baseUrl = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
}

async function stop(): Promise<void> {
  await app.close();
  await supervisor.stopAll();
}

function share(counts: Map<string, number | null>): string {
  return DURABILITY_CASES.map((c) => {
    const left = counts.get(c.queue) ?? null;
    const kind = `${c.durable ? 'durable' : 'transient'} queue, ${c.persistent ? 'persistent' : 'transient'} messages`;
    const text = left === null ? 'queue gone' : `${left} of ${COUNT} kept`;
    return `    ${kind.padEnd(46)} ${text.padEnd(20)} ${(((left ?? 0) / COUNT) * 100).toFixed(0)}%`;
  }).join('\n');
}

async function waitForNewPid(service: string, old: number | undefined): Promise<void> {
  while (supervisor.pid(service) === old || supervisor.status(service).state !== 'ready') {
    await new Promise((r) => setTimeout(r, 50));
  }
}

try {
  await start();
  console.log(`RabbitMQ durability (${COUNT} messages of each kind, published with confirms):`);
  await publishCases(supervisor.endpoint('rabbitmq')!.url, COUNT);
  const pid = supervisor.pid('rabbitmq');
  await supervisor.restart('rabbitmq', 'clean');
  await waitForNewPid('rabbitmq', pid);
  console.log(
    `  after a restart of the broker (the restart control):\n${share(await countCases(supervisor.endpoint('rabbitmq')!.url))}`,
  );
  await publishCases(supervisor.endpoint('rabbitmq')!.url, COUNT);
  await supervisor.restart('rabbitmq', 'crash');
  console.log(
    `  after a crash of the broker (kill -9):\n${share(await countCases(supervisor.endpoint('rabbitmq')!.url))}`,
  );
  await publishCases(supervisor.endpoint('rabbitmq')!.url, COUNT);
  await stop();
  await start();
  console.log(`  after \`npm start\` again:\n${share(await countCases(supervisor.endpoint('rabbitmq')!.url))}`);

  console.log(`\nkill -9 under an open terminal (${RUNS} runs each; medians):`);
  console.log(
    `  ${'service'.padEnd(10)} ${'notified'.padStart(10)} ${'back'.padStart(10)} ${'own start'.padStart(10)} ${'overhead'.padStart(10)}`,
  );
  for (const adapter of SERVICES.adapters) {
    const notified: number[] = [];
    const back: number[] = [];
    const own: number[] = [];
    const c = await PlaygroundClient.connect(baseUrl);
    await c.open('t', adapter.name, 60_000);
    for (let i = 0; i < RUNS; i++) {
      const timing = await killAndTime(c, 't', adapter.name, adapter.title, supervisor.pid(adapter.name)!);
      notified.push(timing.notifiedMs);
      back.push(timing.backMs);
      own.push(supervisor.lastStartMs(adapter.name) ?? NaN);
    }
    c.close();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const cells = [median(notified), median(back), median(own), median(back.map((b, i) => b - own[i]))];
    console.log(`  ${adapter.name.padEnd(10)} ${cells.map((v) => `${v.toFixed(0)} ms`.padStart(10)).join(' ')}`);
  }
} finally {
  await stop().catch(() => {});
  await fs.rm(dir, { recursive: true, force: true });
}
