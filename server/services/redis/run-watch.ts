// What a run did to the learner's Redis: the keys it added, changed, removed and let expire, and
// the hits and misses of its reads. Before the run, the key names (SCAN, up to KEY_LIMIT) and the
// server's counters; during it, the keyspace notifications (the playground's instances have them
// on) say which keys were touched and how; after it, the names again. Without notifications only
// what was added and removed is told.
import type { Redis } from 'ioredis';
import { plural, someNames, type RunWatcher } from '../run-watch-types.ts';
import { notificationsOn } from './inspect.ts';
import { openRedis, redisDb } from './own-client.ts';

/** Above this many keys the names are not compared (the counters still are). */
export const KEY_LIMIT = 10_000;
const CONNECTION_NAME = 'playground-run-watch';

async function keyNames(redis: Redis): Promise<Set<string> | null> {
  if ((await redis.dbsize()) > KEY_LIMIT) return null;
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) keys.add(key);
  } while (cursor !== '0');
  return keys;
}

async function counters(redis: Redis): Promise<{ hits: number; misses: number }> {
  const info = await redis.info('stats');
  const read = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { hits: read('keyspace_hits'), misses: read('keyspace_misses') };
}

/** Events that only read or only say a key went. */
const NOT_WRITES = new Set(['del', 'expired', 'evicted', 'expire', 'persist', 'rename_from']);

export const redisRunWatch: RunWatcher = {
  mentions: /redis|6379/i,
  async start(endpoint) {
    const redis = await openRedis(endpoint, CONNECTION_NAME);
    let listener: Redis | null = null;
    try {
      const [, setting = ''] =
        ((await redis.config('GET', 'notify-keyspace-events').catch(() => [])) as string[]) ?? [];
      const before = await keyNames(redis);
      const start = await counters(redis);
      /** Key → the events it had during the run. */
      const events = new Map<string, Set<string>>();
      if (notificationsOn(setting)) {
        const prefix = `__keyspace@${redisDb(endpoint)}__:`;
        listener = await openRedis(endpoint, CONNECTION_NAME);
        listener.on('pmessage', (_pattern: string, channel: string, event: string) => {
          const key = channel.slice(prefix.length);
          let set = events.get(key);
          if (!set) events.set(key, (set = new Set()));
          set.add(event);
        });
        await listener.psubscribe(`${prefix}*`);
      }
      const close = () => {
        listener?.disconnect();
        redis.disconnect();
      };
      return {
        cancel: close,
        async finish() {
          try {
            // The last notifications of the run are on their way: a round trip on the listener
            // comes back after them.
            await listener?.ping().catch(() => {});
            const after = await keyNames(redis);
            const end = await counters(redis);
            const lines: string[] = [];
            const expired = [...events].filter(([, e]) => e.has('expired')).map(([k]) => k);
            if (before && after) {
              const added = [...after].filter((k) => !before.has(k)).sort();
              const removed = [...before].filter((k) => !after.has(k) && !expired.includes(k)).sort();
              const changed = [...events]
                .filter(([k, e]) => before.has(k) && after.has(k) && [...e].some((x) => !NOT_WRITES.has(x)))
                .map(([k]) => k)
                .sort();
              const passing = [...events]
                .filter(([k]) => !before.has(k) && !after.has(k) && !expired.includes(k))
                .map(([k]) => k);
              if (added.length) lines.push(`${plural(added.length, 'key')} added: ${someNames(added)}`);
              if (changed.length) lines.push(`${plural(changed.length, 'key')} changed: ${someNames(changed)}`);
              if (removed.length) lines.push(`${plural(removed.length, 'key')} removed: ${someNames(removed)}`);
              if (passing.length) {
                lines.push(`${plural(passing.length, 'key')} written and gone again: ${someNames(passing.sort())}`);
              }
            }
            if (expired.length) lines.push(`${plural(expired.length, 'key')} expired: ${someNames(expired.sort())}`);
            const hits = end.hits - start.hits;
            const misses = end.misses - start.misses;
            if (hits + misses > 0) {
              lines.push(`reads of keys: ${plural(hits, 'hit')}, ${plural(misses, 'miss', 'misses')}`);
            }
            return lines;
          } finally {
            close();
          }
        },
      };
    } catch (err) {
      listener?.disconnect();
      redis.disconnect();
      throw err;
    }
  },
};
