// What copying a learner's Redis for failover costs (server/services/redis/snapshot.ts): the DUMP
// copy against the SAVE it replaced, on a redis-server started with the classroom's own config,
// filled to a few sizes up to the 32 MB a learner may hold. Prints wall time and this process's
// CPU for each, and the file sizes; the same Redis for both, one after the other.
//   npx tsx bench/redis-snapshot.ts [rounds=5]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { REDIS_ADMIN_USER, redisLearners } from '../server/services/redis/classroom.ts';
import { startLearnerRedis } from '../server/testing/learner-redis.ts';
import type { InstanceContext } from '../server/services/classroom-types.ts';
import { summarize } from './stats.ts';

const ROUNDS = Number(process.argv[2] ?? 5);
/** Keys of 1 KB values: ~0.2, ~2 and ~24 MB of the 32 MB maxmemory. */
const SIZES = [100, 1_000, 20_000];

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-redis-snapshot-'));
const ctx: InstanceContext = { dir, limits: { memoryMb: 32, connections: 64 }, secret: 'bench', isRoot: true };
const { port, child } = await startLearnerRedis(ctx);
try {
  const admin = new Redis({ port, username: REDIS_ADMIN_USER, password: ctx.secret });
  console.log('keys     copy p50 / p99 (CPU p50)           SAVE p50 / p99 (CPU p50)         file: copy / SAVE');
  for (const keys of SIZES) {
    await admin.flushall();
    const pipeline = admin.pipeline();
    for (let i = 0; i < keys; i++) pipeline.set(`key:${i}`, 'v'.repeat(1024));
    await pipeline.exec();
    const copy: number[] = [];
    const copyCpu: number[] = [];
    const save: number[] = [];
    const saveCpu: number[] = [];
    let copyBytes = 0;
    let saveBytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let cpu = process.cpuUsage();
      let start = performance.now();
      const taken = await redisLearners.snapshot!(port, ctx, null);
      copy.push(performance.now() - start);
      cpu = process.cpuUsage(cpu);
      copyCpu.push((cpu.user + cpu.system) / 1000);
      copyBytes = taken!.bytes.length;

      cpu = process.cpuUsage();
      start = performance.now();
      await admin.save();
      saveBytes = (await fs.readFile(path.join(dir, 'dump.rdb'))).length;
      save.push(performance.now() - start);
      cpu = process.cpuUsage(cpu);
      saveCpu.push((cpu.user + cpu.system) / 1000);
    }
    const [c, cc, s, sc] = [copy, copyCpu, save, saveCpu].map(summarize);
    console.log(
      `${String(keys).padEnd(8)} ${c.p50.toFixed(1)} / ${c.p99.toFixed(1)} ms (${cc.p50.toFixed(1)} ms)`.padEnd(44) +
        `${s.p50.toFixed(1)} / ${s.p99.toFixed(1)} ms (${sc.p50.toFixed(1)} ms)`.padEnd(33) +
        `${(copyBytes / 1e6).toFixed(2)} / ${(saveBytes / 1e6).toFixed(2)} MB`,
    );
  }
  admin.disconnect();
} finally {
  child.kill('SIGKILL');
  await fs.rm(dir, { recursive: true, force: true });
}
