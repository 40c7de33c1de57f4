// What a Python run costs the machine, end to end through the runner (queue, sandbox, program,
// teardown, and the pool's refill where there is a pool): RUNS sequential runs of the load bench's
// seed snippet, in the same run: through the executor process as the web server asks for them,
// and in this process's own runner with Python from the zygote and from the pool of bubblewrap
// sandboxes. CPU is the whole machine's busy time from /proc/stat over the runs (keep it otherwise quiet),
// less what the machine does when idle (measured just before), plus the time to the first output
// line. Goal: ≤ 30 ms of CPU a run from the zygote.
//   npx tsx bench/run-cpu.ts [runs=30] [ways=executor,zygote,pool,javascript]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CapturedRun } from '../server/runner/captured-run.ts';
import { childrenOf } from '../server/runner/proc-scan.ts';
import { startExecutor } from '../server/executor/supervise.ts';
import { createSnippetRunner, type PlaygroundSnippetRunner } from '../server/runner/index.ts';
import { freshTestDataDir, startStack } from '../server/stack.ts';
import { machineBusyMs } from './proc.ts';
import { ms, summarize } from './stats.ts';

const RUNS = Number(process.argv[2] ?? 30);
type Way = 'executor' | 'zygote' | 'pool' | 'javascript';
const WAYS = (process.argv[3] ?? 'executor,zygote,pool,javascript').split(',') as Way[];
const SNIPPET = [
  'import os, redis',
  'r = redis.Redis.from_url(os.environ["REDIS_URL"])',
  'print("runs:", r.incr("bench:runs"))',
].join('\n');
/** The same for JavaScript (node-redis), whose runs come from the executor's bubblewrap pool. */
const JS_SNIPPET = [
  "import { createClient } from 'redis';",
  'const r = createClient({ url: process.env.REDIS_URL });',
  'await r.connect();',
  "console.log('runs:', await r.incr('bench:runs'));",
  'await r.quit();',
].join('\n');
/** The idle measure before the runs, and the pool's refill after them (its cost counts). */
const SETTLE_MS = 3000;
const TICK_MS = 10;

/**
 * CPU of a process, in ms; with `children`, also of the children it waited for (a zygote reaps
 * every run).
 */
async function processMs(pid: number, children: boolean): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return (f[11] + f[12] + (children ? f[13] + f[14] : 0)) * TICK_MS;
}

/** The zygotes whose parent is `parent` (the stack's executor has one too). */
async function zygotePids(parent: number): Promise<number[]> {
  const found: number[] = [];
  for (const pid of await childrenOf(parent)) {
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('zygote.py')) found.push(pid);
  }
  return found;
}

const dataDir = await freshTestDataDir('bench');
const stack = await startStack(dataDir, () => {});
const results: string[] = [];
try {
  for (const way of WAYS) {
    const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-bench-cpu-'));
    let runner: PlaygroundSnippetRunner;
    let executorPid: number | null = null;
    let stop: () => Promise<void>;
    if (way === 'executor' || way === 'javascript') {
      // PLAYGROUND_BENCH_EXECUTOR_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the executor.
      const nodeOptions = process.env.PLAYGROUND_BENCH_EXECUTOR_NODE_OPTIONS;
      const executor = startExecutor({ workDir, log: () => {}, env: nodeOptions ? { NODE_OPTIONS: nodeOptions } : {} });
      await executor.started;
      runner = executor.client;
      executorPid = executor.state().pid;
      stop = () => executor.stop();
    } else {
      runner = await createSnippetRunner({ workDir, python: way, log: () => {} });
      stop = () => runner.close();
    }
    await runner.warm();
    const zygote = (await zygotePids(executorPid ?? process.pid))[0] ?? null;
    // What the machine does anyway (the services idle, the other processes): taken off below.
    const idle0 = await machineBusyMs();
    const idleAt = performance.now();
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const idlePerMs = ((await machineBusyMs()) - idle0) / (performance.now() - idleAt);
    const firstOutput: number[] = [];
    const zygote0 = zygote ? await processMs(zygote, true) : 0;
    const executor0 = executorPid ? await processMs(executorPid, false) : 0;
    const server0 = process.cpuUsage();
    const busy0 = await machineBusyMs();
    const at0 = performance.now();
    for (let i = 0; i < RUNS; i++) {
      const output = new CapturedRun();
      const began = performance.now();
      const js = way === 'javascript';
      await runner.start(
        {
          language: js ? 'javascript' : 'python',
          code: js ? JS_SNIPPET : SNIPPET,
          files: [],
          endpoints: stack.endpoints,
        },
        output,
      );
      const code = await output.exited;
      if (code !== 0) throw new Error(`run ${i} (${way}) exited ${code}:\n${output.text}`);
      firstOutput.push(output.firstWriteAt! - began);
    }
    // The pool refills after the last run: its cost belongs to the runs.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const cpu = ((await machineBusyMs()) - busy0 - idlePerMs * (performance.now() - at0)) / RUNS;
    const serverUsage = process.cpuUsage(server0);
    const serverMs = (serverUsage.user + serverUsage.system) / 1000 / RUNS;
    const zygoteMs = zygote ? ((await processMs(zygote, true)) - zygote0) / RUNS : null;
    const executorMs = executorPid ? ((await processMs(executorPid, false)) - executor0) / RUNS : null;
    const first = summarize(firstOutput);
    const parts = [
      `${executorPid ? 'the web server (its client)' : "the runner's own process"} ${serverMs.toFixed(1)} ms`,
      ...(executorMs === null ? [] : [`the executor process ${executorMs.toFixed(1)} ms`]),
      ...(zygoteMs === null ? [] : [`the zygote and its clones ${zygoteMs.toFixed(1)} ms`]),
    ];
    const label = {
      executor: 'Python, executor (zygote)',
      zygote: 'Python, in-process zygote',
      pool: 'Python, in-process pool  ',
      javascript: 'JavaScript, executor pool',
    }[way];
    results.push(
      `${label}: ${cpu.toFixed(1)} ms of CPU a run (${parts.join(', ')}); first output p50 ${ms(first.p50)}, p99 ${ms(first.p99)}`,
    );
    await stop();
    await fs.rm(workDir, { recursive: true, force: true });
  }
} finally {
  await stack.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
console.log(`Runs of the seed snippet, ${RUNS} one after another (machine CPU from /proc/stat):`);
for (const line of results) console.log(`  ${line}`);
