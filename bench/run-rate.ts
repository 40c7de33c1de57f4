// How many Python runs a second this machine sustains through the executor, the way the web
// server asks for them (its client, over the executor's socket): for each rate, runs of the load
// bench's seed snippet are started at that rate for a while, spread over 100 learners, and the
// step counts as sustained when every run ended well and the slowest (p99) took under
// SUSTAINED_P99_MS from Run to exit (the queue did not grow). Then a burst of 20 runs at once:
// their first output p50/p99. Prints the machine's CPU per run and the RSS of the executor with
// its zygote and sandboxes.
//   npx tsx bench/run-rate.ts [seconds-per-step=10] [rates=5,10,15,20,25,30,40]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CapturedRun } from '../server/runner/captured-run.ts';
import { startExecutor } from '../server/executor/supervise.ts';
import { freshTestDataDir, startStack } from '../server/stack.ts';
import { summarize } from './stats.ts';
import { machineBusyMs, treePssKb } from './proc.ts';

const STEP_SECONDS = Number(process.argv[2] ?? 10);
const RATES = (process.argv[3] ?? '5,10,15,20,25,30,40').split(',').map(Number);
const LEARNERS = 100;
const BURST = 20;
/** Run → exit p99 under this: the runs kept up with the rate. */
const SUSTAINED_P99_MS = 1_000;
const SNIPPET = [
  'import os, redis',
  'r = redis.Redis.from_url(os.environ["REDIS_URL"])',
  'print("runs:", r.incr("bench:runs"))',
].join('\n');

const dataDir = await freshTestDataDir('bench');
const stack = await startStack(dataDir, () => {});
const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-bench-rate-'));
const executor = startExecutor({ workDir, log: () => {} });
await executor.started;
await executor.client.warm();
const executorPid = executor.state().pid!;

interface Outcome {
  code: number;
  firstMs: number;
  totalMs: number;
}

async function oneRun(learner: string): Promise<Outcome> {
  const output = new CapturedRun();
  const began = performance.now();
  try {
    await executor.client.start(
      { language: 'python', code: SNIPPET, files: [], endpoints: stack.endpoints, learner },
      output,
    );
  } catch {
    return { code: -1, firstMs: NaN, totalMs: performance.now() - began };
  }
  const code = await output.exited;
  return { code, firstMs: (output.firstWriteAt ?? NaN) - began, totalMs: performance.now() - began };
}

const rows: string[] = [];
let ceiling = 0;
let peakPssKb = 0;
try {
  for (const rate of RATES) {
    const runs: Promise<Outcome>[] = [];
    const busy0 = await machineBusyMs();
    const at0 = performance.now();
    const count = Math.round(rate * STEP_SECONDS);
    for (let i = 0; i < count; i++) {
      const due = at0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      runs.push(oneRun(`learner-${i % LEARNERS}`));
      if (i % Math.max(1, Math.round(rate)) === 0) peakPssKb = Math.max(peakPssKb, await treePssKb(executorPid));
    }
    const outcomes = await Promise.all(runs);
    const cpuPerRun = ((await machineBusyMs()) - busy0) / count;
    const ok = outcomes.filter((o) => o.code === 0).length;
    const total = summarize(outcomes.map((o) => o.totalMs));
    const first = summarize(outcomes.filter((o) => o.code === 0).map((o) => o.firstMs));
    const sustained = ok === count && total.p99 < SUSTAINED_P99_MS;
    if (sustained) ceiling = rate;
    rows.push(
      `${String(rate).padStart(4)}/s  ${ok}/${count} ended well  Run→exit p50 ${total.p50.toFixed(0)} ms p99 ${total.p99.toFixed(0)} ms  first output p50 ${first.p50.toFixed(0)} ms p99 ${first.p99.toFixed(0)} ms  machine CPU ${cpuPerRun.toFixed(0)} ms/run  ${sustained ? 'sustained' : 'NOT sustained'}`,
    );
    console.log(rows.at(-1));
    if (!sustained && rate > ceiling * 1.5 && ceiling > 0) break;
    await new Promise((r) => setTimeout(r, 2_000));
  }

  // 20 learners press Run at the same moment.
  const burst = await Promise.all(Array.from({ length: BURST }, (_, i) => oneRun(`burst-${i}`)));
  peakPssKb = Math.max(peakPssKb, await treePssKb(executorPid));
  const first = summarize(burst.filter((o) => o.code === 0).map((o) => o.firstMs));
  const idlePssKb = await treePssKb(executorPid);
  console.log(
    `\nPython runs of the seed snippet through the executor, ${STEP_SECONDS} s a rate, ${LEARNERS} learners:`,
  );
  for (const row of rows) console.log(`  ${row}`);
  console.log(
    `  sustained ceiling: ${ceiling} runs/s (goal ≥ 20; every run ended well, Run→exit p99 < ${SUSTAINED_P99_MS} ms)`,
  );
  console.log(
    `  ${BURST} runs at once: ${burst.filter((o) => o.code === 0).length} ended well, first output p50 ${first.p50.toFixed(0)} ms, p99 ${first.p99.toFixed(0)} ms (goal p99 ≤ 150 ms)`,
  );
  console.log(
    `  memory (PSS) of the executor, its zygote and sandboxes: ${(idlePssKb / 1024).toFixed(0)} MB idle, peak ${(peakPssKb / 1024).toFixed(0)} MB under load`,
  );
} finally {
  await executor.stop();
  await fs.rm(workDir, { recursive: true, force: true });
  await stack.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
