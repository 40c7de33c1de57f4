// What a run did to the learner's memcached: its counters before and after (sets, get hits and
// misses, deletes, evictions), and the keys that came and went (`lru_crawler metadump all`).
import { plural, someNames, type RunWatcher } from '../run-watch-types.ts';
import { metadump, parseMetadump, parseStats } from './inspect.ts';
import { memcachedCommand, memcachedServers } from './request.ts';

/** Keys compared by name at most. */
const KEY_LIMIT = 10_000;

export const memcachedRunWatch: RunWatcher = {
  mentions: /memcache|11211/i,
  async start(endpoint) {
    const server = memcachedServers(endpoint)[0];
    const look = async () => {
      const [stats, dump] = await Promise.all([memcachedCommand(server, 'stats'), metadump(server)]);
      const s = parseStats(stats);
      return {
        stat: (name: string) => Number(s.get(name) ?? 0),
        keys: new Set(parseMetadump(dump, KEY_LIMIT).map((k) => k.key)),
      };
    };
    const before = await look();
    return {
      cancel() {},
      async finish() {
        const after = await look();
        const delta = (name: string) => after.stat(name) - before.stat(name);
        const lines: string[] = [];
        const added = [...after.keys].filter((k) => !before.keys.has(k)).sort();
        const gone = [...before.keys].filter((k) => !after.keys.has(k)).sort();
        const sets = delta('cmd_set');
        if (sets) lines.push(`${plural(sets, 'store command')} (set, add, replace, cas…)`);
        if (added.length) lines.push(`${plural(added.length, 'key')} added: ${someNames(added)}`);
        if (gone.length) lines.push(`${plural(gone.length, 'key')} gone: ${someNames(gone)}`);
        const hits = delta('get_hits');
        const misses = delta('get_misses');
        if (hits + misses > 0) {
          const ratio = Math.round((100 * hits) / (hits + misses));
          lines.push(`gets: ${plural(hits, 'hit')}, ${plural(misses, 'miss', 'misses')} (hit ratio ${ratio}%)`);
        }
        const deletes = delta('delete_hits');
        if (deletes) lines.push(`${plural(deletes, 'key')} deleted`);
        const evictions = delta('evictions');
        if (evictions) lines.push(`${plural(evictions, 'eviction')}: memcached made room by dropping keys`);
        return lines;
      },
    };
  },
};
