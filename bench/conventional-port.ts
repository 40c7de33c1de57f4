// What reaching a service on its conventional port inside a run (localhost:6379) adds to a
// redis-py round trip, against the variable's address (REDIS_URL), in the same run, interleaved:
// one snippet times N PINGs on each connection, alternating. Goal: ≤ 0.1 ms more at p50.
//   npx tsx bench/conventional-port.ts [pings=2000]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CapturedRun } from '../server/runner/captured-run.ts';
import { startExecutor } from '../server/executor/supervise.ts';
import { freshTestDataDir, startStack } from '../server/stack.ts';

const PINGS = Number(process.argv[2] ?? 2000);
const SNIPPET = `
import os, time, redis
conventional = redis.Redis(host="localhost", port=6379)
variable = redis.Redis.from_url(os.environ["REDIS_URL"])
times = {"conventional": [], "variable": []}
for r in (conventional, variable):
    r.ping()  # connected before the clock starts
for i in range(${PINGS}):
    for name, r in (("conventional", conventional), ("variable", variable)) if i % 2 else (("variable", variable), ("conventional", conventional)):
        t = time.perf_counter()
        r.ping()
        times[name].append((time.perf_counter() - t) * 1000)
for name, xs in times.items():
    xs.sort()
    print(f"{name} p50 {xs[len(xs) // 2]:.3f} p99 {xs[int(len(xs) * 0.99)]:.3f}")
`;

const dataDir = await freshTestDataDir('bench');
const stack = await startStack(dataDir, () => {});
const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-bench-conventional-'));
const executor = startExecutor({ workDir, log: () => {}, options: { wallTimeMs: 60_000 } });
try {
  await executor.started;
  await executor.client.warm();
  const output = new CapturedRun();
  await executor.client.start({ language: 'python', code: SNIPPET, files: [], endpoints: stack.endpoints }, output);
  const code = await output.exited;
  if (code !== 0) throw new Error(`the run exited ${code}:\n${output.text}`);
  const p50 = (name: string) => Number(new RegExp(`${name} p50 ([\\d.]+)`).exec(output.text)![1]);
  console.log(`redis-py PING round trips inside a run, ${PINGS} each, interleaved (ms):`);
  console.log(output.text.trim().replace(/^/gm, '  '));
  console.log(`  localhost:6379 adds ${(p50('conventional') - p50('variable')).toFixed(3)} ms at p50 (goal ≤ 0.1)`);
} finally {
  await executor.stop();
  await stack.stop();
  await fs.rm(workDir, { recursive: true, force: true });
}
