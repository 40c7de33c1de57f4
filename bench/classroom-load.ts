// A class on one machine: N simulated learners join a classroom-mode server, each with four
// terminals sending a command a second, and the class starts R snippet runs a second between them
// (3.33: each learner every 30 s), for M minutes. Prints the join → ready times, terminal round
// trips (p50/p99/max), errors, runs (ended well, waited in the queue, how long from Run to start),
// the server's event-loop delay (from /api/health), the machine's busy cores (learners per core),
// its memory per learner beyond their own service instances, and the executor's (with its zygote and sandboxes). With `burst`, every
// learner also presses Run within one second, BURST_AFTER_MS into the measurement: the terminals'
// round trips during the burst and whether all its runs finished are printed apart. Loopback
// only; it stops by itself.
// With TRACE=1 the terminals and runs are opened with `trace: true`, as the page opens them.
//   [TRACE=1] npx tsx bench/classroom-load.ts [learners=100] [minutes=10] [runs-per-second=learners/30] [burst]
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { ServiceName } from '../shared/protocol.ts';
import { SERVICES } from '../server/services/registry.ts';
import type { ServerMessage } from '../shared/protocol.ts';
import { WS_PATH } from '../shared/protocol.ts';
import { freePort } from '../server/services/net-util.ts';
import { ROOT, freshTestDataDir } from '../server/stack.ts';
import { ClassroomDriver } from '../server/testing/classroom-client.ts';
import { machineBusyMs, treePssKb } from './proc.ts';
import { percentile } from './stats.ts';

const LEARNERS = Number(process.argv[2] ?? 100);
const MINUTES = Number(process.argv[3] ?? 10);
const RUNS_PER_SECOND = Number(process.argv[4] ?? LEARNERS / 30);
const BURST = process.argv[5] === 'burst';
const TRACE = process.env.TRACE === '1' ? { trace: true } : {};
/** The burst comes this long after the commands and runs start, and is watched this long. */
const BURST_AFTER_MS = 30_000;
const BURST_WINDOW_MS = 15_000;
const SECRET = 'bench-instructor-secret';
const COMMAND_EVERY_MS = 1000;
/** Each learner's run interval, so that the class together starts RUNS_PER_SECOND. */
const RUN_EVERY_MS = RUNS_PER_SECOND > 0 ? (LEARNERS / RUNS_PER_SECOND) * 1000 : Infinity;
/** A command without a prompt back after this long counts as an error. */
const COMMAND_TIMEOUT_MS = 10_000;
const COMMANDS: Record<ServiceName, string> = {
  memcached: 'version',
  redis: 'INCR bench:counter',
  rabbitmq: 'queue.declare queue=bench',
  mysql: 'SELECT 1;',
};
const SNIPPET = [
  'import os, redis',
  'r = redis.Redis.from_url(os.environ["REDIS_URL"])',
  'print("runs:", r.incr("bench:runs"))',
].join('\n');

function rssKb(pid: number): Promise<number> {
  return fs.readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0));
}

const dataDir = path.join(await freshTestDataDir('bench'), 'classroom');
await fs.mkdir(dataDir, { recursive: true });
const port = await freePort();
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: String(port),
  HOST: '127.0.0.1',
  PLAYGROUND_DATA_DIR: dataDir,
  INSTRUCTOR_SECRET: SECRET,
  CLASSROOM_PREWARM: String(LEARNERS),
};
for (const a of SERVICES.adapters) delete env[a.urlEnv];
console.log(`starting a classroom server with ${LEARNERS} pre-warmed workspaces…`);
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--classroom'], {
  cwd: ROOT,
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
let serverOut = '';
await new Promise<void>((resolve, reject) => {
  server.stdout!.on('data', (d: Buffer) => {
    serverOut += d.toString();
    if (serverOut.includes('Playground ready at')) resolve();
  });
  server.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${serverOut}`)));
});
const baseUrl = `http://127.0.0.1:${port}`;
await new Promise((r) => setTimeout(r, 3000));
const baselineKb = await rssKb(server.pid!);
console.log(`server ready; its RSS before anyone joins: ${(baselineKb / 1024).toFixed(1)} MB`);

const driver = new ClassroomDriver(baseUrl, SECRET);
const klass = await driver.createClass('Load test');

interface Sim {
  ws: WebSocket;
  sentAt: Map<string, number>;
  openedAt: Map<string, number>;
}
const rtt: number[] = [];
const rttByService: Record<ServiceName, number[]> = { memcached: [], redis: [], rabbitmq: [], mysql: [] };
const joinMs: number[] = [];
const errors: string[] = [];
let runsStarted = 0;
let runsOk = 0;
/** Runs told to wait for a slot at least once. */
const queuedRuns = new Set<string>();
/** Run pressed → `started`, per run: the queue's wait plus the sandbox's start. */
const runStartMs: number[] = [];
const runOpenedAt = new Map<string, number>();
/** Run pressed → the first output of the run, per run that printed. */
const firstOutputMs: number[] = [];
const printed = new Set<string>();
/** Round trips of the commands sent during the burst, and the burst's runs. */
const burstRtt: number[] = [];
let burstAt = Infinity;
const burstRuns = new Set<string>();
let burstOk = 0;
const loopP99: number[] = [];
let stopping = false;
const sims: Sim[] = [];
const timers: NodeJS.Timeout[] = [];

async function joinOne(i: number): Promise<Sim> {
  const began = performance.now();
  const learner = await driver.join(klass.code, `Learner ${i}`);
  const ws = new WebSocket(baseUrl.replace('http', 'ws') + WS_PATH, { headers: { cookie: learner.cookie } });
  const sim: Sim = { ws, sentAt: new Map(), openedAt: new Map() };
  const ready = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => {
      for (const s of SERVICES.names)
        ws.send(JSON.stringify({ type: 'open', id: s, kind: 'terminal', service: s, ...TRACE }));
    });
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as ServerMessage;
      if (m.type === 'prompt') {
        if (!ready.has(m.id)) {
          ready.add(m.id);
          if (ready.size === SERVICES.names.length) resolve();
          return;
        }
        const at = sim.sentAt.get(m.id);
        if (at !== undefined) {
          const d = performance.now() - at;
          rtt.push(d);
          rttByService[m.id as ServiceName]?.push(d);
          if (at >= burstAt && at < burstAt + BURST_WINDOW_MS) burstRtt.push(d);
          sim.sentAt.delete(m.id);
        }
      } else if (m.type === 'queued') {
        queuedRuns.add(m.id);
      } else if (m.type === 'started') {
        const at = runOpenedAt.get(m.id);
        if (at !== undefined) runStartMs.push(performance.now() - at);
      } else if (m.type === 'error') {
        errors.push(`learner ${i}: ${m.id ?? ''} ${m.message}`);
      } else if (m.type === 'output' && runOpenedAt.has(m.id) && !printed.has(m.id)) {
        printed.add(m.id);
        firstOutputMs.push(performance.now() - runOpenedAt.get(m.id)!);
      } else if (m.type === 'exit' && m.id.startsWith('run')) {
        if (m.code === 0) runsOk++;
        else errors.push(`learner ${i}: run exited ${m.code}`);
        if (m.code === 0 && burstRuns.has(m.id)) burstOk++;
      }
    });
    ws.on('close', (code) => {
      if (!stopping) errors.push(`learner ${i}: socket closed (${code})`);
      reject(new Error(`socket closed ${code}`));
    });
  });
  joinMs.push(performance.now() - began);
  return sim;
}

// Join in small waves, as a class does when the code goes up on the projector.
for (let i = 0; i < LEARNERS; i += 10) {
  const wave = await Promise.all(Array.from({ length: Math.min(10, LEARNERS - i) }, (_, k) => joinOne(i + k)));
  sims.push(...wave);
}
const sortedJoin = [...joinMs].sort((a, b) => a - b);
console.log(
  `join → four terminals ready: p50 ${percentile(sortedJoin, 50).toFixed(0)} ms, p99 ${percentile(sortedJoin, 99).toFixed(0)} ms, max ${sortedJoin.at(-1)!.toFixed(0)} ms (${LEARNERS} learners)`,
);
const joinedKb = await rssKb(server.pid!);

let runSeq = 0;
for (const sim of sims) {
  for (const s of SERVICES.names) {
    const tick = () => {
      if (sim.sentAt.has(s)) {
        if (performance.now() - sim.sentAt.get(s)! > COMMAND_TIMEOUT_MS)
          errors.push(`${s}: no prompt within ${COMMAND_TIMEOUT_MS} ms`);
        return;
      }
      sim.sentAt.set(s, performance.now());
      sim.ws.send(JSON.stringify({ type: 'input', id: s, data: COMMANDS[s] + '\r' }));
    };
    timers.push(setTimeout(() => timers.push(setInterval(tick, COMMAND_EVERY_MS)), Math.random() * COMMAND_EVERY_MS));
  }
  const run = (burst = false) => {
    runsStarted++;
    const id = `run${runSeq++}`;
    if (burst) burstRuns.add(id);
    runOpenedAt.set(id, performance.now());
    sim.ws.send(JSON.stringify({ type: 'open', id, kind: 'run', language: 'python', code: SNIPPET, ...TRACE }));
  };
  if (Number.isFinite(RUN_EVERY_MS)) {
    timers.push(setTimeout(() => timers.push(setInterval(run, RUN_EVERY_MS)), Math.random() * RUN_EVERY_MS));
  }
  if (BURST) timers.push(setTimeout(() => run(true), BURST_AFTER_MS + Math.random() * 1000));
}
if (BURST) burstAt = performance.now() + BURST_AFTER_MS;

const began = Date.now();
const busyBefore = await machineBusyMs();
let peakKb = joinedKb;
let executorPid = 0;
let windowStart = 0;
let executorPeakKb = 0;
while (Date.now() - began < MINUTES * 60_000) {
  await new Promise((r) => setTimeout(r, 10_000));
  peakKb = Math.max(peakKb, await rssKb(server.pid!));
  const health = (await (await fetch(`${baseUrl}/api/health`)).json()) as {
    runs: { busy: number; live: number; queued: number } | null;
    executor: { pid: number | null } | null;
    eventLoopDelayMs: { p99: number };
  };
  loopP99.push(health.eventLoopDelayMs.p99);
  if (health.executor?.pid) {
    executorPid = health.executor.pid;
    executorPeakKb = Math.max(executorPeakKb, await treePssKb(executorPid));
  }
  // This window's round trips only: the whole run's come at the end.
  const sorted = rtt.slice(windowStart).sort((a, b) => a - b);
  windowStart = rtt.length;
  console.log(
    `  ${((Date.now() - began) / 1000).toFixed(0)} s: ${rtt.length} commands, last 10 s p99 ${percentile(sorted, 99).toFixed(1)} ms, runs ${runsOk}/${runsStarted} (now ${health.runs?.busy ?? '?'} busy, ${health.runs?.queued ?? '?'} queued), event loop p99 ${health.eventLoopDelayMs.p99.toFixed(1)} ms, errors ${errors.length}, server RSS ${(peakKb / 1024).toFixed(0)} MB`,
  );
}
// The whole machine's: the server, the executor, every learner's servers, RabbitMQ, MariaDB, and
// this bench's simulated learners too (their share is small: a socket each).
const busyCores = ((await machineBusyMs()) - busyBefore) / (Date.now() - began);
const endKb = await rssKb(server.pid!);
const executorEndKb = executorPid ? await treePssKb(executorPid) : 0;
stopping = true;
for (const t of timers) clearInterval(t);
await new Promise((r) => setTimeout(r, 2000));
for (const sim of sims) sim.ws.close();
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
await fs.rm(dataDir, { recursive: true, force: true });

const sorted = [...rtt].sort((a, b) => a - b);
console.log(`\n${LEARNERS} learners × 4 terminals, ${MINUTES} min, ${RUNS_PER_SECOND.toFixed(2)} runs/s`);
console.log(
  `terminal round trip: p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${sorted.at(-1)?.toFixed(1)} ms over ${sorted.length} commands (goal p99 ≤ 50 ms)`,
);
for (const s of SERVICES.names) {
  const x = [...rttByService[s]].sort((a, b) => a - b);
  console.log(`  ${s.padEnd(9)} p50 ${percentile(x, 50).toFixed(2)} ms, p99 ${percentile(x, 99).toFixed(2)} ms`);
}
const startSorted = [...runStartMs].sort((a, b) => a - b);
console.log(
  `snippet runs: ${runsOk} ok of ${runsStarted} pressed (${(runsOk / (MINUTES * 60)).toFixed(2)} ended well a second); ${queuedRuns.size} waited in the queue; Run → started p50 ${percentile(startSorted, 50).toFixed(0)} ms, p99 ${percentile(startSorted, 99).toFixed(0)} ms`,
);
const firstSorted = [...firstOutputMs].sort((a, b) => a - b);
console.log(
  `first output of a run: p50 ${percentile(firstSorted, 50).toFixed(0)} ms, p99 ${percentile(firstSorted, 99).toFixed(0)} ms (Run pressed → first line, queue wait included)`,
);
if (BURST) {
  const b = [...burstRtt].sort((x, y) => x - y);
  console.log(
    `burst: ${LEARNERS} learners pressed Run within 1 s: ${burstOk} of ${burstRuns.size} ended well; terminals during the burst (${BURST_WINDOW_MS / 1000} s) p50 ${percentile(b, 50).toFixed(1)} ms, p99 ${percentile(b, 99).toFixed(1)} ms, max ${b.at(-1)?.toFixed(0)} ms (goal p99 ≤ 100 ms)`,
  );
}
const loopSorted = [...loopP99].sort((a, b) => a - b);
console.log(
  `server event loop delay, p99 of each 10 s: median ${percentile(loopSorted, 50).toFixed(1)} ms, worst ${loopSorted.at(-1)?.toFixed(1)} ms (goal ≤ 20 ms)`,
);
console.log(
  `machine CPU busy: ${busyCores.toFixed(2)} of ${os.availableParallelism()} cores, ${(LEARNERS / busyCores).toFixed(0)} learners per busy core at this load (the bench's simulated learners included)`,
);
console.log(`errors: ${errors.length}${errors.length ? `\n  ${[...new Set(errors)].slice(0, 10).join('\n  ')}` : ''}`);
// RSS moves with garbage collection: the peak under load, less the start, is the upper bound.
console.log(
  `server RSS: ${(baselineKb / 1024).toFixed(1)} MB before joins, ${(joinedKb / 1024).toFixed(1)} MB after, peak ${(peakKb / 1024).toFixed(1)} MB, ${(endKb / 1024).toFixed(1)} MB at the end: (peak − before) / learners = ${((peakKb - baselineKb) / 1024 / LEARNERS).toFixed(2)} MB per learner (goal ≤ 10 MB)`,
);
console.log(
  `executor with its zygote and sandboxes (PSS): peak ${(executorPeakKb / 1024).toFixed(0)} MB, ${(executorEndKb / 1024).toFixed(0)} MB at the end`,
);
process.exit(0);
