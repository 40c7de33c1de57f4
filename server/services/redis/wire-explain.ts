// The one-line hint beside Redis' WRONGTYPE error, for the trace (wire.ts explain()) and the
// terminal alike: the live server is asked what the key really is (TYPE, on a short-lived
// connection of the playground's own) and the hint names the commands that read that type:
// `"user:1" is a hash (GET works on strings); read it with HGET or HGETALL`.
import { quoteValue } from '../../../shared/trace.ts';
import type { Endpoint } from '../endpoint.ts';
import { askBriefly, redisDb } from './own-client.ts';

/** A hint that takes longer than this is not worth waiting for (the terminal's prompt waits on it). */
const EXPLAIN_TIMEOUT_MS = 1500;
/** Arguments asked about: the key that was the wrong type is nearly always the first. */
const MAX_KEYS_ASKED = 8;
/** Characters of the key the hint shows. */
const KEY_CHARS = 60;

export type RedisType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** What each command works on, for the commands that can answer WRONGTYPE. */
const COMMAND_TYPES = new Map<string, RedisType>([
  ...words(
    'get set getset getdel getex getrange setrange append strlen incr decr incrby decrby incrbyfloat setnx setex ' +
      'psetex mget substr lcs getbit setbit bitcount bitpos bitfield bitfield_ro bitop pfadd pfcount pfmerge',
  ).map((c) => [c, 'string'] as const),
  ...words(
    'lpush rpush lpushx rpushx lpop rpop llen lrange lindex lset linsert lrem ltrim lpos lmove blmove lmpop ' +
      'blmpop blpop brpop rpoplpush brpoplpush',
  ).map((c) => [c, 'list'] as const),
  ...words(
    'sadd srem smembers sismember smismember scard spop srandmember smove sinter sintercard sinterstore sunion ' +
      'sunionstore sdiff sdiffstore sscan',
  ).map((c) => [c, 'set'] as const),
  ...words(
    'zadd zrem zscore zmscore zincrby zcard zcount zlexcount zrange zrangestore zrevrange zrangebyscore ' +
      'zrevrangebyscore zrangebylex zrevrangebylex zrank zrevrank zpopmin zpopmax bzpopmin bzpopmax zmpop bzmpop ' +
      'zrandmember zremrangebyrank zremrangebyscore zremrangebylex zunion zinter zdiff zunionstore zinterstore ' +
      'zdiffstore zintercard zscan geoadd geopos geodist georadius georadiusbymember geohash geosearch ' +
      'geosearchstore',
  ).map((c) => [c, 'zset'] as const),
  ...words(
    'hset hget hmset hmget hgetall hdel hexists hkeys hvals hlen hincrby hincrbyfloat hsetnx hstrlen hrandfield hscan',
  ).map((c) => [c, 'hash'] as const),
  ...words(
    'xadd xrange xrevrange xlen xread xreadgroup xdel xtrim xack xpending xclaim xautoclaim xgroup xinfo xsetid',
  ).map((c) => [c, 'stream'] as const),
]);

const TYPE_WORDS: Record<RedisType, { one: string; many: string; readers: string }> = {
  string: { one: 'a string', many: 'strings', readers: 'GET' },
  list: { one: 'a list', many: 'lists', readers: 'LRANGE or LPOP' },
  set: { one: 'a set', many: 'sets', readers: 'SMEMBERS or SISMEMBER' },
  zset: { one: 'a sorted set', many: 'sorted sets', readers: 'ZRANGE or ZSCORE' },
  hash: { one: 'a hash', many: 'hashes', readers: 'HGET or HGETALL' },
  stream: { one: 'a stream', many: 'streams', readers: 'XRANGE or XREAD' },
};

function isRedisType(type: string): type is RedisType {
  return type in TYPE_WORDS;
}

/** The type a command works on, or null for one that is not about one type. */
export function commandType(command: string): RedisType | null {
  return COMMAND_TYPES.get(command.toLowerCase()) ?? null;
}

/**
 * The hint for `command` having met `key` of type `actual` (as TYPE answers it), e.g.
 * `"user:1" is a hash (GET works on strings); read it with HGET or HGETALL`.
 */
export function wrongTypeHint(command: string, key: string, actual: string): string {
  const wanted = commandType(command);
  const works = wanted ? ` (${command.toUpperCase()} works on ${TYPE_WORDS[wanted].many})` : '';
  const shown = quoteValue(key, KEY_CHARS);
  if (!isRedisType(actual)) return `${shown} holds a value of type ${actual}${works}`;
  return `${shown} is ${TYPE_WORDS[actual].one}${works}; read it with ${TYPE_WORDS[actual].readers}`;
}

/**
 * Asks the server behind `endpoint` (database `db`) for the types of the command's arguments and
 * answers the hint for the first key that is not what the command works on; null when none is, or
 * the server cannot be asked. Never throws.
 */
export async function explainWrongType(
  endpoint: Endpoint,
  args: ReadonlyArray<string | Buffer>,
  db: number,
): Promise<string | null> {
  if (args.length < 2) return null;
  const command = args[0].toString();
  const keys = args.slice(1, 1 + MAX_KEYS_ASKED);
  return askBriefly(endpoint, 'playground-wire-hint', EXPLAIN_TIMEOUT_MS, async (redis) => {
    const ask = redis.pipeline();
    if (db !== redisDb(endpoint)) ask.select(db);
    for (const key of keys) ask.type(key);
    const answers = (await ask.exec()) ?? [];
    const types = answers.slice(answers.length - keys.length).map(([err, type]) => (err ? null : String(type)));
    const wanted = commandType(command);
    for (let i = 0; i < keys.length; i++) {
      const type = types[i];
      if (type && type !== 'none' && type !== wanted) return wrongTypeHint(command, keys[i].toString(), type);
    }
    return null;
  });
}
