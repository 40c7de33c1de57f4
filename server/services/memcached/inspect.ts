// The memcached Inspect view: its counters (hits, misses, items, bytes, evictions…), a row per slab
// class, and the keys with size, expiry and last access from `lru_crawler metadump all`. Changes
// are pushed by memcached itself: a connection of the view's own asks for `watch fetchers mutations
// evictions`, and every event it streams (a get, a set, an eviction) makes one new state, a burst
// of them one. Reading the state fetches nothing, so it makes no events of its own.
import type net from 'node:net';
import type { MemcachedInspectState } from '../../../shared/inspect.ts';
import type { Endpoint } from '../endpoint.ts';
import { debounce, oneAtATime, type ServiceInspector } from '../inspect-types.ts';
import { connectTcp, parseHostPort } from '../net-util.ts';
import { memcachedCommand, memcachedServers } from './request.ts';

export const KEY_LIMIT = 500;
const SETTLE_MS = 25;
const CONNECT_TIMEOUT_MS = 2_000;
const WATCH = 'watch fetchers mutations evictions';
/** Without a `watch` (memcached's limit of watchers reached): the counters are asked this often. */
export const REFRESH_MS = 2_000;

/** "STAT name value" lines → name → value. */
export function parseStats(text: string): Map<string, string> {
  const stats = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const m = /^STAT (\S+) (.*)$/.exec(line);
    if (m) stats.set(m[1], m[2]);
  }
  return stats;
}

/** `stats slabs` and `stats items` → a row per slab class that holds pages. */
export function parseSlabs(slabs: string, items: string): MemcachedInspectState['slabs'] {
  const bySlab = new Map<number, { id: number; chunkSize: number; pages: number; items: number }>();
  const row = (id: number) => {
    let r = bySlab.get(id);
    if (!r) bySlab.set(id, (r = { id, chunkSize: 0, pages: 0, items: 0 }));
    return r;
  };
  for (const [name, value] of parseStats(slabs)) {
    const m = /^(\d+):(chunk_size|total_pages)$/.exec(name);
    if (!m) continue;
    if (m[2] === 'chunk_size') row(Number(m[1])).chunkSize = Number(value);
    else row(Number(m[1])).pages = Number(value);
  }
  for (const [name, value] of parseStats(items)) {
    const m = /^items:(\d+):number$/.exec(name);
    if (m) row(Number(m[1])).items = Number(value);
  }
  return [...bySlab.values()].filter((r) => r.pages > 0 || r.items > 0).sort((a, b) => a.id - b.id);
}

/** `lru_crawler metadump all` lines: key=… exp=… la=… cas=… fetch=… cls=… size=… (keys URL-encoded). */
export function parseMetadump(text: string, limit: number): MemcachedInspectState['keys'] {
  const keys: MemcachedInspectState['keys'] = [];
  // metadump ends its lines with a bare "\n" (its END line with "\r\n").
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('key=')) continue;
    const fields = new Map(line.split(' ').map((f) => f.split('=', 2) as [string, string]));
    let key = fields.get('key') ?? '';
    try {
      key = decodeURIComponent(key);
    } catch {
      /* shown as sent */
    }
    keys.push({ key, size: Number(fields.get('size')), exp: Number(fields.get('exp')), la: Number(fields.get('la')) });
  }
  keys.sort((a, b) => a.key.localeCompare(b.key));
  return keys.slice(0, limit);
}

const STAT_FIELDS = [
  'get_hits',
  'get_misses',
  'curr_items',
  'bytes',
  'limit_maxbytes',
  'evictions',
  'curr_connections',
  'cmd_get',
  'cmd_set',
] as const;

/** The crawler's reply ends with END, or says at once that it is busy (or off). */
const METADUMP_END = /^(END|BUSY.*|ERROR.*|CLIENT_ERROR.*|SERVER_ERROR.*)\r\n/m;
const BUSY_RETRIES = 20;
const BUSY_WAIT_MS = 25;

/**
 * `lru_crawler metadump all`. memcached runs one crawl at a time and answers BUSY to another
 * (another tab's view, a run's watcher at that moment): asked again shortly after.
 */
export async function metadump(server: Endpoint): Promise<string> {
  for (let i = 0; ; i++) {
    const reply = await memcachedCommand(server, 'lru_crawler metadump all', METADUMP_END);
    if (!/^BUSY/m.test(reply) || i >= BUSY_RETRIES) return reply;
    await new Promise((r) => setTimeout(r, BUSY_WAIT_MS));
  }
}

export const inspectMemcached: ServiceInspector = async (endpoint, output) => {
  const server = memcachedServers(endpoint)[0];
  let pushed = true;
  const read = async (): Promise<MemcachedInspectState> => {
    const [stats, slabs, items, dump] = await Promise.all([
      memcachedCommand(server, 'stats'),
      memcachedCommand(server, 'stats slabs'),
      memcachedCommand(server, 'stats items'),
      metadump(server),
    ]);
    const s = parseStats(stats);
    return {
      stats: Object.fromEntries(STAT_FIELDS.map((f) => [f, Number(s.get(f) ?? 0)])) as MemcachedInspectState['stats'],
      slabs: parseSlabs(slabs, items),
      keys: parseMetadump(dump, KEY_LIMIT),
      limit: KEY_LIMIT,
      time: Number(s.get('time') ?? 0),
      pushed,
    };
  };

  let closed = false;
  const refresh = oneAtATime(async () => {
    if (closed) return;
    try {
      const state = await read();
      if (!closed) output.state(state);
    } catch (err) {
      if (!closed) output.fail(`the view lost memcached (${(err as Error).message})`);
    }
  });
  const changed = debounce(refresh, SETTLE_MS);

  const { host, port } = parseHostPort(server.address, 'memcached');
  const watcher: net.Socket = await connectTcp(host, port, CONNECT_TIMEOUT_MS);
  watcher.setEncoding('latin1');
  const answer = await new Promise<string>((resolve, reject) => {
    let text = '';
    const onData = (chunk: string) => {
      text += chunk;
      if (!text.includes('\r\n')) return;
      watcher.off('data', onData);
      resolve(text);
    };
    watcher.on('data', onData);
    watcher.once('error', reject);
    watcher.write(`${WATCH}\r\n`);
  });
  let poll: NodeJS.Timeout | null = null;
  if (answer.startsWith('OK\r\n')) {
    watcher.on('data', changed);
    watcher.on('error', () => {});
    watcher.on('close', () => {
      if (!closed) output.fail('memcached closed the view’s connection');
    });
  } else if (answer.startsWith('WATCHER_TOO_MANY')) {
    // memcached streams its log to a few watchers only (many tabs of one learner): this view asks
    // for the counters instead, and reads the rest only when they moved.
    watcher.destroy();
    pushed = false;
    let seen = '';
    poll = setInterval(() => {
      void memcachedCommand(server, 'stats').then(
        (stats) => {
          const s = parseStats(stats);
          // Not curr_connections: every look (this one, other tabs') opens a connection of its own.
          const moved = STAT_FIELDS.filter((f) => f !== 'curr_connections')
            .map((f) => s.get(f))
            .join(' ');
          if (moved !== seen) {
            seen = moved;
            refresh();
          }
        },
        () => {},
      );
    }, REFRESH_MS);
  } else {
    watcher.destroy();
    throw new Error(`memcached answered ${JSON.stringify(answer.trim())} to ${WATCH}`);
  }
  refresh();
  return {
    close() {
      closed = true;
      changed.cancel();
      if (poll) clearInterval(poll);
      watcher.destroy();
    },
  };
};
