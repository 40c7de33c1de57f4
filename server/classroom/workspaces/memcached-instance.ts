// A learner's own memcached. memcached has no tenants (ASCII auth gates the door but everyone behind
// it shares one keyspace), so isolation is a small process per learner: ~1–3 MB, ~20 ms to start.
import { memcachedCommand } from '../../services/memcached/index.ts';
import type { Endpoint } from '../../services/types.ts';
import type { WorkspaceLimits } from './types.ts';
import type { InstanceSpec } from './supervised-process.ts';

export const MEMCACHED = '/usr/bin/memcached';

export function memcachedEndpoint(port: number): Endpoint {
  const address = `127.0.0.1:${port}`;
  return { url: address, address };
}

export function memcachedSpec(limits: WorkspaceLimits, isRoot: boolean): InstanceSpec {
  return {
    command: MEMCACHED,
    // Its items go when it stops anyway, and on SIGTERM it waits ~0.7 s for its threads.
    stopSignal: 'SIGKILL',
    async prepare(port) {
      // prettier-ignore
      const args = [
        '-l', '127.0.0.1',
        '-p', String(port),
        '-U', '0', // no UDP
        '-m', String(limits.memcachedMemoryMb),
        '-c', String(limits.memcachedConnections),
        // One worker thread: a learner's traffic is a few commands a second, and each thread costs memory.
        '-t', '1',
      ];
      // memcached refuses to run as root unless told which user to become.
      if (isRoot) args.push('-u', 'nobody');
      return args;
    },
    async probe(port, pid) {
      // `stats` names the pid: a port someone else took in the meantime does not pass for ours.
      const reply = await memcachedCommand(memcachedEndpoint(port), 'stats', /^END\r\n/m);
      const answered = Number(/^STAT pid (\d+)\r$/m.exec(reply)?.[1]);
      if (answered !== pid) throw new Error(`port ${port} is answered by pid ${answered}, not ${pid}`);
    },
  };
}

/** flush_all: every item is gone at once (reset). */
export async function flushMemcached(port: number): Promise<void> {
  const reply = await memcachedCommand(memcachedEndpoint(port), 'flush_all', /^(OK|ERROR.*)\r\n/m);
  if (!reply.startsWith('OK')) throw new Error(`memcached flush_all answered ${JSON.stringify(reply.trim())}`);
}
