// Re-attach after a reload, over the protocol: a session with a Redis and a MySQL terminal (each
// with a screenful of output) and a run still printing; the socket is dropped as a reload drops
// it, and a new socket names the session (`reattach`). Measured: new socket → every screen
// replayed (the server's share of "reload → screens restored"; the browser's page load comes on
// top, see e2e/reload.e2e.ts for the whole figure).
//   npx tsx bench/reload.ts [reloads]
import { PlaygroundClient } from '../server/ws/playground-client.ts';
import { ms, summarize } from './stats.ts';
import { startBenchServer } from './serve-process.ts';

const RELOADS = Number(process.argv[2] ?? 20);

const server = await startBenchServer();
const { baseUrl } = server;

const page = await PlaygroundClient.connect(baseUrl);
await page.open('redis-1', 'redis');
await page.open('mysql-2', 'mysql');
for (let i = 0; i < 40; i++) await page.run('redis-1', `ECHO "line ${i} of a screenful"`);
await page.run('mysql-2', 'SELECT table_name FROM information_schema.tables LIMIT 40;');
await page.run('mysql-2', "SELECT 'half' AS");
page.send({
  type: 'open',
  id: 'run-3',
  kind: 'run',
  language: 'python',
  code: 'import time\nfor i in range(10**6):\n    print("tick", i, flush=True)\n    time.sleep(0.05)\n',
  name: 'ticker.py',
});
await page.until(() => page.terminal('run-3').output.includes('tick 5'), 20_000);

let session = page.session;
let current = page;
const samples: number[] = [];
const bytes: number[] = [];
for (let i = 0; i < RELOADS; i++) {
  await current.drop();
  const t0 = performance.now();
  const next = await PlaygroundClient.connect(baseUrl, { reattach: session });
  if (!next.reattached?.found) throw new Error(`reload ${i}: the session was not found: ${next.reattached?.reason}`);
  // Replayed: both terminals' prompts back, and the run's output up to now.
  await next.until(
    () =>
      next.terminal('redis-1').prompts.length > 0 &&
      next.terminal('mysql-2').prompts.length > 0 &&
      next.terminal('run-3').chunks.length > 0,
  );
  samples.push(performance.now() - t0);
  bytes.push(['redis-1', 'mysql-2', 'run-3'].reduce((n, id) => n + next.terminal(id).chunks[0].length, 0));
  session = next.session;
  current = next;
}
current.send({ type: 'close', id: 'run-3' });
current.close();

const { p50, p99 } = summarize(samples);
console.log(`re-attach → every screen replayed (2 terminals, 1 live run), ${RELOADS} reloads:`);
console.log(
  `  p50 ${ms(p50)}   p99 ${ms(p99)}   replayed ${Math.round(summarize(bytes).p50 / 1024)} KiB per reload (p50)`,
);

await server.stop();
