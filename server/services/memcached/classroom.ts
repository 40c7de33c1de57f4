// Classroom mode: each learner's own memcached. memcached has no tenants (ASCII auth gates the door
// but everyone behind it shares one keyspace), so isolation is a small process per learner: ~1–3 MB,
// ~20 ms to start.
import type { LearnerInstances } from '../classroom-types.ts';
import type { Endpoint } from '../endpoint.ts';
import { memcachedCommand } from './request.ts';

export const MEMCACHED = '/usr/bin/memcached';

function endpoint(port: number): Endpoint {
  const address = `127.0.0.1:${port}`;
  return { url: address, address };
}

export const memcachedLearners: LearnerInstances = {
  kind: 'instance',
  aptPackages: ['memcached'],
  binaries: [MEMCACHED],
  limits: {
    /** -m (MB). */
    memoryMb: { env: 'CLASSROOM_MEMCACHED_MEMORY_MB', default: 16, min: 1, max: 4096 },
    /** -c. */
    connections: { default: 64, min: 1, max: 10_000 },
  },
  command: MEMCACHED,
  // Its items go when it stops anyway, and on SIGTERM it waits ~0.7 s for its threads.
  stopSignal: 'SIGKILL',
  async prepare(port, ctx) {
    // prettier-ignore
    const args = [
      '-l', '127.0.0.1',
      '-p', String(port),
      '-U', '0', // no UDP
      '-m', String(ctx.limits.memoryMb),
      '-c', String(ctx.limits.connections),
      // One worker thread: a learner's traffic is a few commands a second, and each thread costs memory.
      '-t', '1',
    ];
    // memcached refuses to run as root unless told which user to become.
    if (ctx.isRoot) args.push('-u', 'nobody');
    return args;
  },
  async probe(port, pid) {
    // `stats` names the pid: a port someone else took in the meantime does not pass for ours.
    const reply = await memcachedCommand(endpoint(port), 'stats', /^END\r\n/m);
    const answered = Number(/^STAT pid (\d+)\r$/m.exec(reply)?.[1]);
    if (answered !== pid) throw new Error(`port ${port} is answered by pid ${answered}, not ${pid}`);
  },
  endpoint,
  async flush(port) {
    // flush_all: every item is gone at once.
    const reply = await memcachedCommand(endpoint(port), 'flush_all', /^(OK|ERROR.*)\r\n/m);
    if (!reply.startsWith('OK')) throw new Error(`memcached flush_all answered ${JSON.stringify(reply.trim())}`);
  },
};
