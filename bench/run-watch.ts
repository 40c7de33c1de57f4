// What a run's watchers (what changed while it ran) cost: Run → first output through the socket,
// for a snippet whose text mentions the four services (all four watchers take their first look
// before it starts) against the same program with no service named in it (no watcher),
// alternating in one sitting.
//   npx tsx bench/run-watch.ts [runs=20]
import { PlaygroundClient } from '../server/ws/playground-client.ts';
import { ms, summarize } from './stats.ts';
import { startBenchServer } from './serve-process.ts';

const RUNS = Number(process.argv[2] ?? 20);

const server = await startBenchServer();
const { baseUrl } = server;

// The same program both ways; only the comment names the services.
const PROGRAM = 'print("hello")';
const WATCHED = `# redis memcached pika sqlalchemy\n${PROGRAM}`;

const c = await PlaygroundClient.connect(baseUrl);
try {
  const times = { watched: [] as number[], plain: [] as number[] };
  for (let i = 0; i < RUNS * 2; i++) {
    const watched = i % 2 === 0;
    const id = `r${i}`;
    const start = performance.now();
    c.send({ type: 'open', id, kind: 'run', language: 'python', code: watched ? WATCHED : PROGRAM });
    await c.until(() => c.terminal(id).output.includes('hello'), 20_000);
    (watched ? times.watched : times.plain).push(performance.now() - start);
    await c.until(() => c.terminal(id).exited !== null, 20_000);
    c.send({ type: 'close', id });
  }
  const w = summarize(times.watched);
  const p = summarize(times.plain);
  console.log(`Run → first output, no service named (no watcher): p50 ${ms(p.p50)}, p99 ${ms(p.p99)}`);
  console.log(`Run → first output, four services named (four watchers): p50 ${ms(w.p50)}, p99 ${ms(w.p99)}`);
  console.log(`the watchers' first look adds p50 ${ms(w.p50 - p.p50)}`);
} finally {
  c.close();
  await server.stop();
}
