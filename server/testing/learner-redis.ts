// A learner's redis-server as the classroom starts one (the adapter's config, its readiness probe),
// for tests and benches that need one of their own rather than the workspace manager's.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import type { InstanceContext } from '../services/classroom-types.ts';
import { freePort } from '../services/net-util.ts';
import { REDIS_SERVER, redisLearners } from '../services/redis/classroom.ts';

const START_TIMEOUT_MS = 10_000;

/** Starts it in `ctx.dir` (made if missing) and waits until it answers; the caller kills `child`. */
export async function startLearnerRedis(ctx: InstanceContext): Promise<{ port: number; child: ChildProcess }> {
  await fs.mkdir(ctx.dir, { recursive: true });
  const port = await freePort();
  const child = spawn(REDIS_SERVER, await redisLearners.prepare(port, ctx), { stdio: 'ignore' });
  for (const deadline = Date.now() + START_TIMEOUT_MS; ;) {
    try {
      await redisLearners.probe(port, child.pid!);
      return { port, child };
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw err;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
