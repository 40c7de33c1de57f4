// The Redis Inspect view: the learner's keys with type, TTL, encoding and size, the total, and the
// pub/sub channels. Changes are pushed by Redis itself: the playground's instances start with
// keyspace notifications on (`notify-keyspace-events KA`), and the view listens on
// `__keyspace@<db>__:*` with a second connection (never MONITOR: it slows the server for every
// client). On a server where they are off (an external REDIS_URL), the view says so and reads
// again every REFRESH_MS. Listing is SCAN, never KEYS, and stops at KEY_LIMIT: the total comes from
// DBSIZE, so 100,000 keys cost the server a few hundred cheap commands a change, not a freeze.
import { Redis } from 'ioredis';
import type { RedisInspectState } from '../../../shared/inspect.ts';
import { debounce, type ServiceInspector } from '../inspect-types.ts';
import { parseRedisUrl } from './redis-url.ts';

export const KEY_LIMIT = 500;
const SCAN_COUNT = 500;
export const REFRESH_MS = 2_000;
/** A burst of writes (a pipeline, a snippet's loop) makes one new state. */
const SETTLE_MS = 25;
const CONNECT_TIMEOUT_MS = 5_000;

/** Whether a notify-keyspace-events value sends keyspace events for every kind of change. */
export function notificationsOn(value: string): boolean {
  return value.includes('K') && value.includes('A');
}

async function readState(redis: Redis, pushed: boolean): Promise<RedisInspectState> {
  const total = await redis.dbsize();
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', SCAN_COUNT);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0' && keys.length < KEY_LIMIT);
  const listed = [...new Set(keys)].sort().slice(0, KEY_LIMIT);
  const pipeline = redis.pipeline();
  for (const key of listed) {
    pipeline.type(key);
    pipeline.pttl(key);
    pipeline.object('ENCODING', key);
    pipeline.memory('USAGE', key);
  }
  const replies = listed.length ? ((await pipeline.exec()) ?? []) : [];
  const at = (i: number) => replies[i]?.[1];
  const described = listed
    .map((key, i) => {
      const type = String(at(4 * i) ?? 'none');
      const pttl = Number(at(4 * i + 1) ?? -2);
      const encoding = at(4 * i + 2);
      const bytes = at(4 * i + 3);
      return {
        key,
        type,
        ttl: pttl < 0 ? pttl : Math.round(pttl / 100) / 10,
        encoding: typeof encoding === 'string' ? encoding : null,
        bytes: typeof bytes === 'number' ? bytes : null,
      };
    })
    // Expired or deleted between SCAN and TYPE.
    .filter((k) => k.type !== 'none' && k.ttl !== -2);
  const names = (await redis.pubsub('CHANNELS')) as string[];
  const counts = names.length ? ((await redis.pubsub('NUMSUB', ...names)) as Array<string | number>) : [];
  const channels = names
    .map((channel, i) => ({ channel, subscribers: Number(counts[2 * i + 1] ?? 0) }))
    .sort((a, b) => a.channel.localeCompare(b.channel));
  return { total, keys: described, limit: KEY_LIMIT, channels, pushed, refreshMs: pushed ? null : REFRESH_MS };
}

export const inspectRedis: ServiceInspector = async (endpoint, output) => {
  const target = parseRedisUrl(endpoint.url);
  const options = {
    host: target.host,
    port: target.port,
    username: target.user,
    password: target.password,
    db: target.db,
    connectionName: 'playground-inspect',
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  };
  const redis = new Redis(options);
  redis.on('error', () => {});
  await redis.connect();
  let closed = false;
  let listener: Redis | null = null;
  let timer: NodeJS.Timeout | null = null;
  const [, setting = ''] = ((await redis.config('GET', 'notify-keyspace-events').catch(() => [])) as string[]) ?? [];
  const pushed = notificationsOn(setting);

  // One read at a time; a change during a read makes one more read after it.
  let reading = false;
  let again = false;
  const refresh = async () => {
    if (closed) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      const state = await readState(redis, pushed);
      if (!closed) output.state(state);
    } catch (err) {
      if (!closed) output.fail(`the view lost its connection (${(err as Error).message})`);
    } finally {
      reading = false;
      if (again && !closed) {
        again = false;
        void refresh();
      }
    }
  };
  const changed = debounce(() => void refresh(), SETTLE_MS);

  redis.on('close', () => {
    if (!closed) output.fail('the connection to Redis closed');
  });
  if (pushed) {
    listener = new Redis(options);
    listener.on('error', () => {});
    await listener.connect();
    await listener.psubscribe(`__keyspace@${target.db}__:*`);
    listener.on('pmessage', changed);
  } else {
    timer = setInterval(() => void refresh(), REFRESH_MS);
  }
  await refresh();
  return {
    close() {
      closed = true;
      changed.cancel();
      if (timer) clearInterval(timer);
      listener?.disconnect();
      redis.disconnect();
    },
  };
};
