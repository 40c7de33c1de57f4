// What showing the wire costs. Three figures, interleaved in one run on one machine:
//   1. five seed-style snippet runs (python-memcached, redis-py, pika, SQLAlchemy, cache-aside),
//      each with `trace: true` and without: wall time from `open` to `exit` (goal: ratio ≤ 1.10);
//   2. a terminal round trip (Redis PING) with the trace off, against the playground at `--base`
//      (a commit before traces existed, checked out beside this one): goal, unchanged;
//   3. the same round trip with the trace on, for the record.
//   npx tsx bench/wire.ts [--base <git ref>] [--runs N] [--pings N]
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { PlaygroundClient } from '../server/ws/playground-client.ts';
import { startBenchServer } from './serve-process.ts';
import { ms, summarize } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const BASE = option('--base', '');
const RUNS = Number(option('--runs', '8'));
const PINGS = Number(option('--pings', '2000'));

const SNIPPETS: Record<string, string> = {
  'python-memcached': `
import os, memcache
mc = memcache.Client(os.environ["MEMCACHED_SERVERS"].split(","))
mc.set_multi({"bench:a": "1", "bench:b": "2", "bench:c": "3"})
print(mc.get_multi(["bench:a", "bench:b", "bench:c"]))
mc.incr("bench:a")
mc.delete("bench:b")`,
  'redis-py': `
import os, redis
r = redis.Redis.from_url(os.environ["REDIS_URL"])
p = r.pipeline()
for i in range(5):
    p.set(f"bench:{i}", i)
p.execute()
print(r.mget([f"bench:{i}" for i in range(5)]))`,
  pika: `
import os, pika
conn = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"]))
ch = conn.channel()
ch.queue_declare(queue="bench.wire", durable=True)
for i in range(10):
    ch.basic_publish("", "bench.wire", f"job {i}".encode(), pika.BasicProperties(delivery_mode=2))
ch.basic_qos(prefetch_count=1)
got = 0
for method, props, body in ch.consume("bench.wire", inactivity_timeout=1):
    if method is None:
        break
    ch.basic_ack(method.delivery_tag)
    got += 1
    if got == 10:
        break
ch.cancel()
conn.close()
print(got)`,
  sqlalchemy: `
import os
from sqlalchemy import create_engine, Column, Integer, String
from sqlalchemy.orm import declarative_base, Session
Base = declarative_base()
class BenchUser(Base):
    __tablename__ = "bench_users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
engine = create_engine(os.environ["SQLALCHEMY_URL"])
Base.metadata.create_all(engine)
with Session(engine) as s:
    s.add(BenchUser(name="Ada"))
    s.commit()
    print(s.query(BenchUser).filter_by(name="Ada").count())`,
  'cache-aside': `
import os, json, memcache
from sqlalchemy import create_engine, text
mc = memcache.Client(os.environ["MEMCACHED_SERVERS"].split(","))
engine = create_engine(os.environ["SQLALCHEMY_URL"])
def user(uid):
    hit = mc.get(f"user:{uid}")
    if hit is not None:
        return json.loads(hit)
    with engine.connect() as c:
        row = c.execute(text("SELECT 1 AS id, 'Ada' AS name")).mappings().first()
    mc.set(f"user:{uid}", json.dumps(dict(row)), time=60)
    return dict(row)
mc.delete("user:1")
print(user(1), user(1))`,
};

async function runOnce(client: PlaygroundClient, id: string, code: string, trace: boolean): Promise<number> {
  const t = performance.now();
  client.send({ type: 'open', id, kind: 'run', language: 'python', code, ...(trace ? { trace: true } : {}) });
  await client.until(() => client.terminal(id).exited !== null, 60_000);
  const took = performance.now() - t;
  const run = client.terminal(id);
  if (run.exited !== 0) throw new Error(`${id} exited ${run.exited}: ${run.output}`);
  if (trace && run.trace.size === 0) throw new Error(`${id}: traced, but no trace came`);
  client.send({ type: 'close', id });
  return took;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The playground at `ref`, checked out beside this one, with this checkout's node_modules. */
async function startBase(ref: string): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wire-bench-base-'));
  execFileSync('git', ['worktree', 'add', '--detach', dir, ref], { stdio: 'ignore' });
  fs.symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/serve.ts'], {
    cwd: dir,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`base server exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    baseUrl: (JSON.parse(first) as { baseUrl: string }).baseUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      execFileSync('git', ['worktree', 'remove', '--force', dir], { stdio: 'ignore' });
    },
  };
}

const server = await startBenchServer();
const base = BASE ? await startBase(BASE) : null;
try {
  const client = await PlaygroundClient.connect(server.baseUrl);
  console.log(`snippet runs, trace on vs off, ${RUNS} of each interleaved (median wall time, open → exit):`);
  const rows = [['snippet', 'off', 'on', 'on / off']];
  let n = 0;
  for (const [name, code] of Object.entries(SNIPPETS)) {
    await runOnce(client, `warm${n++}`, code, true);
    const off: number[] = [];
    const on: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? [false, true] : [true, false];
      for (const trace of order) (trace ? on : off).push(await runOnce(client, `r${n++}`, code, trace));
    }
    rows.push([name, ms(median(off)), ms(median(on)), (median(on) / median(off)).toFixed(3)]);
  }
  for (const r of rows)
    console.log(
      `  ${r[0].padEnd(18)}${r
        .slice(1)
        .map((c) => c.padStart(13))
        .join('')}`,
    );

  const terminals: { label: string; client: PlaygroundClient; id: string }[] = [];
  if (base)
    terminals.push({ label: `base ${BASE}, no trace`, client: await PlaygroundClient.connect(base.baseUrl), id: 'b' });
  terminals.push({ label: 'this one, trace off', client, id: 'off' });
  terminals.push({ label: 'this one, trace on', client, id: 'on' });
  for (const t of terminals) await t.client.open(t.id, 'redis', 10_000, t.id === 'on');
  const times = new Map<string, number[]>(terminals.map((t) => [t.label, []]));
  for (let i = 0; i < PINGS + 200; i++) {
    for (const t of i % 2 ? terminals : [...terminals].reverse()) {
      const start = performance.now();
      await t.client.run(t.id, 'PING');
      if (i >= 200) times.get(t.label)!.push(performance.now() - start);
    }
  }
  console.log(`\nterminal round trip, Redis PING, ${PINGS} each, interleaved:`);
  for (const [label, values] of times) {
    const s = summarize(values);
    console.log(`  ${label.padEnd(34)} p50 ${ms(s.p50)}  p99 ${ms(s.p99)}`);
  }
  for (const t of terminals) t.client.close();
} finally {
  await base?.stop();
  await server.stop();
}
