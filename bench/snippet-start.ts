// Snippet start-up: from runner.start() ("open") to the first output line of a Python snippet that
// imports redis, pika, sqlalchemy and memcache, against a cold `/usr/bin/python3 snippet.py`
// measured in the same run. Goal: p50 ≤ 0.6 × the cold run (the warm pool makes it possible).
// A sandbox started cold (no pool) is shown as well, for what the pool saves.
//   npx tsx bench/snippet-start.ts [samples]
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CapturedRun } from '../server/runner/captured-run.ts';
import { createSnippetRunner, type PlaygroundSnippetRunner } from '../server/runner/index.ts';
import { freshTestDataDir, startStack } from '../server/stack.ts';
import { ms, summarize } from './stats.ts';

const SAMPLES = Number(process.argv[2] ?? 20);
/** Quiet time between samples, as between a learner's clicks; the pool refills meanwhile. */
const PAUSE_MS = 300;
const GOAL_RATIO = 0.6;

const SNIPPET = [
  'import os',
  'import redis, pika, sqlalchemy, memcache',
  'print("first line", flush=True)',
  'r = redis.Redis.from_url(os.environ["REDIS_URL"])',
  'print("ping", r.ping())',
].join('\n');

const dataDir = await freshTestDataDir('bench');
const stack = await startStack(dataDir, () => {});
const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-bench-runner-'));
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-bench-cold-'));
const snippetFile = path.join(scratch, 'snippet.py');
await fs.writeFile(snippetFile, SNIPPET);
const quiet = () => {};
const warmRunner = await createSnippetRunner({ workDir, log: quiet });
const coldRunner = await createSnippetRunner({
  workDir: `${workDir}-cold`,
  poolSize: { python: 0, javascript: 0 },
  log: quiet,
});

/** ms from start() to the first output, for one run that must end with exit code 0. */
async function sandboxed(runner: PlaygroundSnippetRunner): Promise<number> {
  const output = new CapturedRun();
  const began = performance.now();
  await runner.start({ language: 'python', code: SNIPPET, files: [], endpoints: stack.endpoints }, output);
  const code = await output.exited;
  if (code !== 0 || !output.text.startsWith('first line\r\nping True')) {
    throw new Error(`the snippet failed (${code}):\n${output.text}`);
  }
  return output.firstWriteAt! - began;
}

/** ms from spawn to the first output line of a plain, unsandboxed `/usr/bin/python3 snippet.py`. */
function plainPython(): Promise<number> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    let first = 0;
    const child = spawn('/usr/bin/python3', [snippetFile], {
      cwd: scratch,
      env: { PATH: '/usr/bin:/bin', REDIS_URL: stack.endpoints.redis.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.once('data', () => (first = performance.now() - began));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(first) : reject(new Error(`python3 exited with ${code}`))));
  });
}

const pause = () => new Promise((r) => setTimeout(r, PAUSE_MS));
const warm: number[] = [];
const cold: number[] = [];
const coldSandbox: number[] = [];
try {
  // One of each first: page cache, bytecode, the services' first connections.
  await warmRunner.warm();
  await sandboxed(warmRunner);
  await plainPython();
  await sandboxed(coldRunner);
  for (let i = 0; i < SAMPLES; i++) {
    await warmRunner.warm();
    await pause();
    warm.push(await sandboxed(warmRunner));
    await pause();
    cold.push(await plainPython());
    await pause();
    coldSandbox.push(await sandboxed(coldRunner));
  }
} finally {
  await warmRunner.close();
  await coldRunner.close();
  await stack.stop();
  for (const dir of [workDir, `${workDir}-cold`, scratch, dataDir]) await fs.rm(dir, { recursive: true, force: true });
}

const w = summarize(warm);
const c = summarize(cold);
const s = summarize(coldSandbox);
console.log(
  `Python snippet importing redis, pika, sqlalchemy, memcache: open → first output line (${SAMPLES} samples each)`,
);
console.log(`  plain /usr/bin/python3 snippet.py (cold, no sandbox):  p50 ${ms(c.p50)}  p99 ${ms(c.p99)}`);
console.log(`  sandboxed, started cold (no pool):                     p50 ${ms(s.p50)}  p99 ${ms(s.p99)}`);
console.log(`  sandboxed, from the warm pool:                         p50 ${ms(w.p50)}  p99 ${ms(w.p99)}`);
const ratio = w.p50 / c.p50;
console.log(
  `  ratio warm / plain cold at p50: ${ratio.toFixed(3)} (goal ≤ ${GOAL_RATIO}) ${ratio <= GOAL_RATIO ? 'OK' : 'MISSED'}`,
);
