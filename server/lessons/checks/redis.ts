// Redis checks: a key (its type, value, length, expiry) or the answer to a command, asked with
// ioredis over the learner's own endpoint.
import type { Redis } from 'ioredis';
import type { RedisCommandCheck, RedisKeyCheck } from '../schema.ts';
import type { ServiceClients } from './clients.ts';
import { plural, sameAsText, show, textOf } from './compare.ts';
import { fail, pass, type CheckOutcome } from './outcome.ts';

const LENGTH: Record<string, { command: string; unit: string }> = {
  string: { command: 'STRLEN', unit: 'byte' },
  list: { command: 'LLEN', unit: 'element' },
  set: { command: 'SCARD', unit: 'member' },
  zset: { command: 'ZCARD', unit: 'member' },
  hash: { command: 'HLEN', unit: 'field' },
};

/** The key's whole value, shaped as a check's `equals` is written. */
async function valueOf(redis: Redis, key: string, type: string): Promise<unknown> {
  switch (type) {
    case 'string':
      return redis.get(key);
    case 'list':
      return redis.lrange(key, 0, -1);
    case 'set':
      return (await redis.smembers(key)).sort();
    case 'hash':
      return redis.hgetall(key);
    case 'zset': {
      const reply = (await redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')) as unknown[];
      // Flat [member, score, …] in RESP2; [[member, score], …] in RESP3.
      const flat = reply.flat() as unknown[];
      const pairs: [string, number][] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([String(textOf(flat[i])), Number(textOf(flat[i + 1]))]);
      return pairs;
    }
    default:
      throw new Error(`a ${type} cannot be compared with "equals"`);
  }
}

/** `equals` as the same shape: sets sorted, zset pairs by score. */
function expectedShape(type: string, equals: unknown): unknown {
  if (type === 'set' && Array.isArray(equals)) return equals.map((m) => textOf(m)).sort();
  if (type === 'zset' && Array.isArray(equals)) {
    return (equals as [unknown, number][])
      .map(([m, s]) => [textOf(m), Number(s)] as [string, number])
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  }
  return equals;
}

function sameZset(actual: [string, number][], expected: [string, number][]): boolean {
  const a = [...actual].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1));
  return a.length === expected.length && a.every(([m, s], i) => m === expected[i][0] && s === expected[i][1]);
}

export async function checkRedisKey(spec: RedisKeyCheck, clients: ServiceClients): Promise<CheckOutcome> {
  const redis = await clients.redis();
  const key = spec.key;
  const type = await redis.type(key);
  if (spec.absent) return type === 'none' ? pass(`Redis has no key "${key}"`) : fail(`Redis still has key "${key}"`);
  if (type === 'none') return fail(`Redis has no key "${key}"`);
  if (spec.type && type !== spec.type) return fail(`Redis key "${key}" is a ${type}, not a ${spec.type}`);
  const found: string[] = [`a ${type}`];

  if (spec.equals !== undefined) {
    const actual = await valueOf(redis, key, type);
    const expected = expectedShape(type, spec.equals);
    const same = type === 'zset' ? sameZset(actual as [string, number][], expected as [string, number][]) : sameAsText(actual, expected);
    if (!same) {
      return fail(type === 'string' ? `Redis key "${key}" holds ${show(actual)}, not ${show(expected)}` : `Redis ${type} "${key}" holds ${show(actual)}, not ${show(expected)}`);
    }
    found.push(`holding ${show(actual)}`);
  }

  if (spec.length !== undefined) {
    const { command, unit } = LENGTH[type] ?? { command: '', unit: '' };
    if (!command) return fail(`Redis key "${key}" is a ${type}, which has no length to compare`);
    const length = Number(await redis.call(command, key));
    if (length !== spec.length) {
      return fail(
        type === 'string'
          ? `Redis key "${key}" is ${plural(length, 'byte')} long, not ${spec.length}`
          : `Redis key "${key}" has ${plural(length, unit)}, not ${spec.length}`,
      );
    }
    found.push(plural(length, unit));
  }

  if (spec.ttl !== undefined) {
    const ttl = await redis.ttl(key);
    if (spec.ttl && ttl < 0) return fail(`Redis key "${key}" has no expiry (TTL); it should expire`);
    if (!spec.ttl && ttl >= 0) return fail(`Redis key "${key}" expires in ${ttl} s; it should not expire`);
    found.push(ttl >= 0 ? `expiring in ${ttl} s` : 'without expiry');
  }
  return pass(`Redis has key "${key}" (${found.join(', ')})`);
}

export async function checkRedisCommand(spec: RedisCommandCheck, clients: ServiceClients): Promise<CheckOutcome> {
  const redis = await clients.redis();
  const [name, ...args] = spec.command;
  const shown = spec.command.join(' ');
  let reply: unknown;
  try {
    reply = await redis.call(name, ...args);
  } catch (err) {
    // A reply error is an answer (WRONGTYPE, unknown command), not a failure to ask.
    if ((err as Error).name === 'ReplyError') return fail(`${shown} answered an error: ${(err as Error).message}`);
    throw err;
  }
  if (!sameAsText(reply, spec.equals)) return fail(`${shown} answered ${show(reply)}, not ${show(spec.equals)}`);
  return pass(`${shown} answered ${show(reply)}`);
}
