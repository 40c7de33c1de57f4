// `npm start` on a machine already set up → all four services ready. Goal: ≤ 8 s.
// The first run in a fresh data directory also initialises MariaDB's datadir; it is reported
// apart, then RUNS more starts are timed.
//   npx tsx bench/startup.ts [runs]
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { freePort } from '../server/services/net-util.ts';
import { ROOT } from '../server/stack.ts';

const RUNS = Number(process.argv[2] ?? 3);
const DATA_DIR = path.join(ROOT, '.playground', 'bench-startup');
/** A start that takes longer than this has failed. */
const GIVE_UP_MS = 120_000;

async function oneStart(): Promise<{ ms: number; table: string[] }> {
  const port = await freePort();
  const began = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), PLAYGROUND_DATA_DIR: DATA_DIR },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group, so Ctrl-C reaches npm and the server under it, as in a terminal.
    detached: true,
  });
  const table: string[] = [];
  const ms = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no readiness within 120 s')), GIVE_UP_MS);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (process.env.BENCH_VERBOSE) console.log(`  | ${line}`);
      if (/^\s{2}\S+\s+\S+\s+127\.0\.0\.1:|^\s{2}service\s/.test(line)) table.push(line);
      if (line.startsWith('Playground ready at')) {
        clearTimeout(timer);
        resolve(performance.now() - began);
      }
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before it was ready`)));
  });
  const health = (await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()) as { ok: boolean };
  if (!health.ok) throw new Error(`ready line printed but /api/health says ${JSON.stringify(health)}`);
  process.kill(-child.pid!, 'SIGINT');
  await new Promise((r) => child.once('exit', r));
  return { ms, table };
}

const first = await oneStart();
console.log(`first start (may include MariaDB's one-time datadir setup): ${(first.ms / 1000).toFixed(2)} s`);
const times: number[] = [];
let last = first;
for (let i = 0; i < RUNS; i++) {
  last = await oneStart();
  times.push(last.ms);
  console.log(`start ${i + 1}: ${(last.ms / 1000).toFixed(2)} s`);
}
console.log(last.table.join('\n'));
times.sort((a, b) => a - b);
console.log(
  `\nnpm start → all four ready: median ${(times[Math.floor(times.length / 2)] / 1000).toFixed(2)} s over ${RUNS} starts (goal ≤ 8 s)`,
);
