// The hint under Redis' "OOM command not allowed when used memory > 'maxmemory'": how much this
// Redis may hold and why it refuses instead of making room, read from the server itself (CONFIG
// GET, on a short-lived connection of the playground's own). In the classroom every learner's
// Redis has maxmemory set to their limit with maxmemory-policy noeviction (classroom.ts); on the
// single-user playground only a learner's own CONFIG SET brings the error about.
import type { Endpoint } from '../endpoint.ts';
import { askBriefly } from './own-client.ts';
import { formatSize } from '../../util/sizes.ts';

/** The terminal's prompt waits for the hint: not longer than this. */
const EXPLAIN_TIMEOUT_MS = 1500;

/** The hint's text for a server with these settings. */
export function oomHint(maxmemory: number, policy: string): string {
  const room = 'make room with DEL or UNLINK of keys you no longer need, or FLUSHDB';
  const limit = `this Redis may hold ${formatSize(maxmemory)} (maxmemory)`;
  if (policy === 'noeviction') {
    return `${limit} and is full; with maxmemory-policy noeviction it refuses writes rather than drop keys by itself: ${room}`;
  }
  if (policy.startsWith('volatile-')) {
    return `${limit} and is full; maxmemory-policy ${policy} evicts only keys with a TTL, and none is left to evict: ${room}, or EXPIRE some`;
  }
  return `${limit} and is full, and maxmemory-policy ${policy} found nothing to evict: ${room}`;
}

/** The hint for the server behind `endpoint`; null when it cannot be asked. Never throws. */
export async function explainOom(endpoint: Endpoint): Promise<string | null> {
  return askBriefly(endpoint, 'playground-oom-hint', EXPLAIN_TIMEOUT_MS, async (redis) => {
    const [maxmemory, policy] = await Promise.all([
      redis.config('GET', 'maxmemory'),
      redis.config('GET', 'maxmemory-policy'),
    ]);
    const bytes = Number((maxmemory as string[])[1]);
    const name = (policy as string[])[1];
    if (!(bytes > 0) || !name) return null;
    return oomHint(bytes, name);
  });
}
