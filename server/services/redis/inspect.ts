// The Redis Inspect view: the learner's keys with type, TTL, encoding and size, the total, and the
// pub/sub channels. Changes are pushed by Redis itself: the playground's instances start with
// keyspace notifications on (`notify-keyspace-events KA`), and the view listens on
// `__keyspace@<db>__:*` with a second connection (never MONITOR: it slows the server for every
// client). On a server where they are off (an external REDIS_URL), the view says so and reads
// again every REFRESH_MS. Listing is SCAN, never KEYS, and stops at KEY_LIMIT: the total comes from
// DBSIZE, so 100,000 keys cost the server a few hundred cheap commands a change, not a freeze.
import { Redis } from 'ioredis';
import { REDIS_VALUE_LIMIT, type RedisInspectState, type RedisShownValue } from '../../../shared/inspect.ts';
import { debounce, oneAtATime, parseRequest, parseShow, type ServiceInspector } from '../inspect-types.ts';
import { openRedis, redisDb } from './own-client.ts';

export const KEY_LIMIT = 500;
/** A view's pattern is cut to this many characters. */
const MATCH_LIMIT = 200;
const SCAN_COUNT = 500;
export const REFRESH_MS = 2_000;
/** A burst of writes (a pipeline, a snippet's loop) makes one new state. */
const SETTLE_MS = 25;
const CONNECTION_NAME = 'playground-inspect';

/** Whether a notify-keyspace-events value sends keyspace events for every kind of change. */
export function notificationsOn(value: string): boolean {
  return value.includes('K') && value.includes('A');
}

const STRING_LIMIT = 64 * REDIS_VALUE_LIMIT;

const pairs = (flat: string[]): Array<[string, string]> => {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
};

/** The value of `key`, per type, at most REDIS_VALUE_LIMIT elements of it. */
export async function readValue(redis: Redis, key: string): Promise<RedisShownValue> {
  const type = await redis.type(key);
  const n = REDIS_VALUE_LIMIT;
  let length = 0;
  let items: RedisShownValue['items'] = [];
  switch (type) {
    case 'string': {
      const text = (await redis.getrange(key, 0, STRING_LIMIT - 1)) ?? '';
      length = await redis.strlen(key);
      items = [text];
      break;
    }
    case 'list':
      [length, items] = await Promise.all([redis.llen(key), redis.lrange(key, 0, n - 1)]);
      break;
    case 'set': {
      const [count, [, members]] = await Promise.all([redis.scard(key), redis.sscan(key, 0, 'COUNT', n)]);
      length = count;
      items = [...members].sort().slice(0, n);
      break;
    }
    case 'zset':
      [length, items] = await Promise.all([
        redis.zcard(key),
        redis.zrange(key, '0', String(n - 1), 'WITHSCORES').then(pairs),
      ]);
      break;
    case 'hash': {
      const [count, [, flat]] = await Promise.all([redis.hlen(key), redis.hscan(key, 0, 'COUNT', n)]);
      length = count;
      items = pairs(flat).slice(0, n);
      break;
    }
    case 'stream': {
      const [count, entries] = await Promise.all([redis.xlen(key), redis.xrange(key, '-', '+', 'COUNT', n)]);
      length = count;
      items = entries.map(([id, fields]) => [
        id,
        pairs(fields)
          .map(([f, v]) => `${f}=${v}`)
          .join(' '),
      ]);
      break;
    }
    default:
      break;
  }
  const truncated = type === 'string' ? length > STRING_LIMIT : length > items.length;
  return { key, type, length, items, truncated };
}

async function readState(
  redis: Redis,
  pushed: boolean,
  show: string | null,
  match: string | null,
): Promise<RedisInspectState> {
  const total = await redis.dbsize();
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = match
      ? await redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT)
      : await redis.scan(cursor, 'COUNT', SCAN_COUNT);
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
  const shown = show === null ? null : await readValue(redis, show);
  return {
    total,
    keys: described,
    limit: KEY_LIMIT,
    match,
    channels,
    pushed,
    refreshMs: pushed ? null : REFRESH_MS,
    shown,
  };
}

export const inspectRedis: ServiceInspector = async (endpoint, output) => {
  const redis = await openRedis(endpoint, CONNECTION_NAME);
  let closed = false;
  /** The key whose value the page shows (its `input` {"show": key}; null: none). */
  let show: string | null = null;
  /** The view's pattern (its `input` {"match": glob}; null: every key). */
  let match: string | null = null;
  let listener: Redis | null = null;
  let timer: NodeJS.Timeout | null = null;
  const [, setting = ''] = ((await redis.config('GET', 'notify-keyspace-events').catch(() => [])) as string[]) ?? [];
  const pushed = notificationsOn(setting);

  const refresh = oneAtATime(async () => {
    if (closed) return;
    try {
      const state = await readState(redis, pushed, show, match);
      if (!closed) output.state(state);
    } catch (err) {
      if (!closed) output.fail(`the view lost its connection (${(err as Error).message})`);
    }
  });
  const changed = debounce(refresh, SETTLE_MS);

  redis.on('close', () => {
    if (!closed) output.fail('the connection to Redis closed');
  });
  if (pushed) {
    listener = await openRedis(endpoint, CONNECTION_NAME);
    await listener.psubscribe(`__keyspace@${redisDb(endpoint)}__:*`);
    listener.on('pmessage', changed);
  } else {
    timer = setInterval(refresh, REFRESH_MS);
  }
  refresh();
  return {
    input(data) {
      const asked = parseShow(data);
      if (asked !== undefined) show = asked;
      const request = parseRequest(data);
      if (request && 'match' in request) {
        match = typeof request.match === 'string' && request.match !== '' ? request.match.slice(0, MATCH_LIMIT) : null;
      }
      if (request) refresh();
    },
    close() {
      closed = true;
      changed.cancel();
      if (timer) clearInterval(timer);
      listener?.disconnect();
      redis.disconnect();
    },
  };
};
