// Classroom joins: how long from claim() to ensure() resolved — a learner's four services ready —
// with no warm pool (cold) and from a warm pool, one join at a time and all at once (a class
// arriving); how much memory a workspace's own processes take; what the broker pays per vhost; and
// how long restoring every account at start() takes. Figures only, no pass/fail (target: cold
// claim→ready p50 ≤ 300 ms).
//   npx tsx bench/classroom-join.ts [N=30]
import fs from 'node:fs/promises';
import path from 'node:path';
import { openClassroomStore } from '../server/classroom/store/index.ts';
import type { ClassroomStore } from '../server/classroom/store/types.ts';
import { WorkspaceManager } from '../server/classroom/workspaces/manager.ts';
import { sharedAdminFromSupervisor } from '../server/classroom/workspaces/shared-admin.ts';
import type { SharedAdmin } from '../server/classroom/workspaces/types.ts';
import { mysql } from '../server/services/mysql/index.ts';
import { rabbitmq } from '../server/services/rabbitmq/index.ts';
import { Supervisor } from '../server/services/supervisor.ts';
import { freshTestDataDir } from '../server/stack.ts';
import { percentile } from './stats.ts';

const N = Number(process.argv[2] ?? 30);
/** Let freshly started daemons settle (lazy allocations, a first snapshot) before reading memory. */
const SETTLE_MS = 2_000;
/** How long idle instances are watched for the CPU they use doing nothing. */
const IDLE_CPU_MS = 10_000;
/** USER_HZ: the unit of /proc/<pid>/stat's times on Linux. */
const CLOCK_TICKS = 100;

function line(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (v: number) => `${v.toFixed(0).padStart(5)} ms`;
  return `  ${label.padEnd(34)} p50 ${f(percentile(sorted, 50))}  p99 ${f(percentile(sorted, 99))}  max ${f(sorted[sorted.length - 1])}  (n=${sorted.length})`;
}

async function kb(pid: number, field: 'Pss' | 'Rss'): Promise<number> {
  const text = await fs.readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
}

function perPid(manager: WorkspaceManager, ids: string[]): number[] {
  return ids.flatMap((id) => Object.values(manager.pids(id)).filter((pid): pid is number => pid !== undefined));
}

/** utime + stime of the processes, in clock ticks (/proc/<pid>/stat fields 14 and 15). */
async function cpuTicks(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += Number(fields[11]) + Number(fields[12]);
  }
  return total;
}

async function joinOne(manager: WorkspaceManager, learner: string): Promise<{ id: string; ms: number }> {
  const began = performance.now();
  const id = await manager.claim(learner);
  await manager.ensure(id);
  return { id, ms: performance.now() - began };
}

async function newManager(
  admin: SharedAdmin,
  store: ClassroomStore,
  dataDir: string,
  prewarm: number,
): Promise<WorkspaceManager> {
  // Nothing is reclaimed while the benchmark runs.
  const manager = new WorkspaceManager({ admin, store, dataDir, prewarm, idleReclaimMs: 3_600_000 });
  await manager.start();
  return manager;
}

const dataDir = await freshTestDataDir('bench');
const env = { ...process.env };
for (const a of [rabbitmq, mysql]) delete env[a.urlEnv];
const supervisor = new Supervisor({ adapters: [rabbitmq, mysql], dataDir, env, classroom: true });
const statuses = await supervisor.startAll();
if (!statuses.rabbitmq?.ok || !statuses.mysql?.ok) {
  throw new Error(`shared services did not start: ${JSON.stringify(statuses)}`);
}
const admin = sharedAdminFromSupervisor(supervisor, {});
// Two managers at once need a directory each: a manager's start() stops the instances that the pid
// files of its directory name.
const coldDir = path.join(dataDir, 'cold');
const warmDir = path.join(dataDir, 'warm');
const coldStore = await openClassroomStore({ dataDir: coldDir });
const warmStore = await openClassroomStore({ dataDir: warmDir });
const brokerPid = supervisor.pid('rabbitmq')!;
const brokerBefore = await kb(brokerPid, 'Pss');
console.log(
  `classroom joins, N=${N} (RabbitMQ ${statuses.rabbitmq.version} with management, ${statuses.mysql.version})\n`,
);

try {
  // ---- cold: every join provisions on the spot ----
  const cold = await newManager(admin, coldStore, coldDir, 0);
  const coldSerial: number[] = [];
  for (let i = 0; i < N; i++) coldSerial.push((await joinOne(cold, `cold-${i}`)).ms);
  const burstBegan = performance.now();
  const coldBurst = (await Promise.all(Array.from({ length: N }, (_, i) => joinOne(cold, `burst-${i}`)))).map(
    (r) => r.ms,
  );
  const coldBurstWall = performance.now() - burstBegan;

  // ---- warm: the pool holds N ----
  const poolBegan = performance.now();
  const warm = await newManager(admin, warmStore, warmDir, N);
  const poolFill = performance.now() - poolBegan;
  const warmSerial: number[] = [];
  for (let i = 0; i < Math.ceil(N / 2); i++) warmSerial.push((await joinOne(warm, `warm-${i}`)).ms);
  const warmBurst = (
    await Promise.all(Array.from({ length: Math.floor(N / 2) }, (_, i) => joinOne(warm, `warm-burst-${i}`)))
  ).map((r) => r.ms);

  // Vhost creation slows as the broker holds more of them: once more, with the whole class on it.
  const vhostsNow = (await coldStore.workspaces()).length + (await warmStore.workspaces()).length;
  const coldLater: number[] = [];
  for (let i = 0; i < 10; i++) coldLater.push((await joinOne(cold, `later-${i}`)).ms);

  console.log('claim() → ensure() resolved:');
  console.log(line('cold, one at a time', coldSerial));
  console.log(line(`cold, ${N} at once`, coldBurst) + `  wall ${(coldBurstWall / 1000).toFixed(2)} s`);
  console.log(line(`cold, with ${vhostsNow} vhosts on the broker`, coldLater));
  console.log(line('warm pool, one at a time', warmSerial));
  console.log(line(`warm pool, ${Math.floor(N / 2)} at once`, warmBurst));
  console.log(`  filling a pool of ${N} at start(): ${(poolFill / 1000).toFixed(2)} s`);

  // ---- memory of the running workspaces' own processes ----
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const coldIds = (await coldStore.workspaces()).map((w) => w.id);
  const warmIds = (await warmStore.workspaces()).map((w) => w.id);
  const perService = {
    memcached: { pss: [] as number[], rss: [] as number[] },
    redis: { pss: [] as number[], rss: [] as number[] },
  };
  for (const [manager, ids] of [
    [cold, coldIds],
    [warm, warmIds],
  ] as const) {
    for (const id of ids) {
      const pids = manager.pids(id);
      for (const service of ['memcached', 'redis'] as const) {
        const pid = pids[service];
        if (!pid) continue;
        perService[service].pss.push(await kb(pid, 'Pss'));
        perService[service].rss.push(await kb(pid, 'Rss'));
      }
    }
  }
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length / 1024;
  const pair = avg(perService.memcached.pss) + avg(perService.redis.pss);
  const brokerAfter = await kb(brokerPid, 'Pss');
  const allPids = [...perPid(cold, coldIds), ...perPid(warm, warmIds)];
  const cpuBefore = await cpuTicks(allPids);
  await new Promise((r) => setTimeout(r, IDLE_CPU_MS));
  const cpuAfter = await cpuTicks(allPids);
  const cpuPercent = ((cpuAfter - cpuBefore) / CLOCK_TICKS / (IDLE_CPU_MS / 1000)) * 100;
  const vhosts = coldIds.length + warmIds.length;
  console.log(`\nmemory of an idle workspace (${perService.redis.pss.length} running):`);
  console.log(
    `  memcached  PSS ${avg(perService.memcached.pss).toFixed(2)} MB  RSS ${avg(perService.memcached.rss).toFixed(2)} MB`,
  );
  console.log(
    `  redis      PSS ${avg(perService.redis.pss).toFixed(2)} MB  RSS ${avg(perService.redis.rss).toFixed(2)} MB`,
  );
  console.log(`  pair       PSS ${pair.toFixed(2)} MB  → 100 workspaces ≈ ${(pair * 100).toFixed(0)} MB`);
  console.log(
    `  broker     PSS ${(brokerBefore / 1024).toFixed(0)} MB → ${(brokerAfter / 1024).toFixed(0)} MB with ${vhosts} vhosts ` +
      `(≈ ${((brokerAfter - brokerBefore) / 1024 / vhosts).toFixed(2)} MB a vhost)`,
  );
  console.log(`  idle CPU of all ${allPids.length} instance processes: ${cpuPercent.toFixed(1)} % of one core`);

  // ---- reset, reclaim + ensure, restore at start(), destroy ----
  const sample = coldIds.slice(0, Math.min(10, coldIds.length));
  const resetMs: number[] = [];
  for (const id of sample) {
    const began = performance.now();
    await cold.reset(id);
    resetMs.push(performance.now() - began);
  }
  await cold.close();
  const restoreBegan = performance.now();
  const restored = await newManager(admin, coldStore, coldDir, 0);
  const restoreMs = performance.now() - restoreBegan;
  const reensure: number[] = [];
  for (const id of sample) {
    const began = performance.now();
    await restored.ensure(id);
    reensure.push(performance.now() - began);
  }
  const destroyMs: number[] = [];
  for (const [manager, ids] of [
    [restored, coldIds],
    [warm, warmIds],
  ] as const) {
    for (const id of ids) {
      const began = performance.now();
      await manager.destroy(id);
      destroyMs.push(performance.now() - began);
    }
  }
  console.log('\nother operations:');
  console.log(line('reset (all four)', resetMs));
  console.log(line('ensure() of a stopped workspace', reensure));
  console.log(line('destroy', destroyMs));
  console.log(`  start() restoring ${coldIds.length} workspaces' accounts: ${restoreMs.toFixed(0)} ms`);
  await Promise.all([restored.close(), warm.close()]);
} finally {
  await Promise.all([coldStore.close(), warmStore.close()]);
  await supervisor.stopAll();
  await fs.rm(dataDir, { recursive: true, force: true });
}
