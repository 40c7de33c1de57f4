// Redis's step checks and its part of "Start this lesson fresh", asked with ioredis over the
// learner's own endpoint, as a learner's program would.
//
//   check:  redis: {key: visits, type: string, equals: "3", ttl: true}
//           redis: {command: [SISMEMBER, tags, new], equals: 1}
//   reset:  redis: [visits, "queue:*"]     (a glob pattern is deleted with SCAN MATCH + UNLINK)
//           (every reset also puts back what CONFIG SET changed: settings.ts)
import { Redis } from 'ioredis';
import { z } from 'zod';
import { plural, sameAsText, show, textOf } from '../check-compare.ts';
import { absentAlone, count, parseKinds, scalar, text } from '../check-schema.ts';
import {
  CONNECT_TIMEOUT_MS,
  fail,
  pass,
  type CheckOutcome,
  type CheckScope,
  type ServiceChecks,
  type ServiceReset,
} from '../check-types.ts';
import { restoreStartSettings } from './settings.ts';

export const REDIS_TYPES = ['string', 'list', 'set', 'zset', 'hash'] as const;
export type RedisType = (typeof REDIS_TYPES)[number];

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
function isPairList(v: unknown): boolean {
  return (
    Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && isScalar(p[0]) && typeof p[1] === 'number')
  );
}
function isScalarList(v: unknown): boolean {
  return Array.isArray(v) && v.every(isScalar);
}
function isScalarMap(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isScalar);
}

const EQUALS_SHAPES: Record<RedisType, { ok: (v: unknown) => boolean; expected: string }> = {
  string: { ok: isScalar, expected: 'text' },
  list: { ok: isScalarList, expected: 'a list of values' },
  set: { ok: isScalarList, expected: 'a list of members' },
  hash: { ok: isScalarMap, expected: 'a mapping of field: value' },
  zset: { ok: isPairList, expected: 'a list of [member, score] pairs' },
};

const keyCheckSchema = z
  .strictObject({
    key: text,
    type: z.enum(REDIS_TYPES).optional(),
    equals: z.unknown().optional(),
    length: count.optional(),
    absent: z.literal(true).optional(),
    ttl: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    absentAlone(v, ['key'], ctx);
    if (v.equals === undefined) return;
    if (v.type) {
      const shape = EQUALS_SHAPES[v.type];
      if (!shape.ok(v.equals))
        ctx.addIssue({ code: 'custom', path: ['equals'], message: `"equals" of a ${v.type} is ${shape.expected}` });
    } else if (!Object.values(EQUALS_SHAPES).some((s) => s.ok(v.equals))) {
      ctx.addIssue({
        code: 'custom',
        path: ['equals'],
        message: '"equals" is text, a list, a mapping (hash) or a list of [member, score] pairs (zset)',
      });
    }
  });

const commandCheckSchema = z
  .strictObject({
    command: z.union([text, z.array(scalar).min(1)]),
    equals: z.unknown(),
  })
  .superRefine((v, ctx) => {
    if (v.equals === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['equals'],
        message: '"equals" is missing: what should the command answer?',
      });
  });

export type RedisKeyCheck = z.infer<typeof keyCheckSchema>;
export type RedisCommandCheck = { command: string[]; equals: unknown };
export type RedisCheck = ({ kind: 'key' } & RedisKeyCheck) | ({ kind: 'command' } & RedisCommandCheck);

/** One ioredis client for the whole run of checks (or a reset). */
function client(scope: CheckScope): Promise<Redis> {
  return scope.keep(
    'redis',
    async () => {
      const redis = new Redis(scope.endpoint().url, {
        lazyConnect: true,
        connectTimeout: CONNECT_TIMEOUT_MS,
        // Fail at once instead of retrying: a check answers now or says why not.
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        enableOfflineQueue: false,
        // RESP2, as redis-cli shows replies by default: ZRANGE … WITHSCORES is a flat list, and a
        // command check's `equals` is written the way the learner sees the answer.
        protocol: 2,
      });
      redis.on('error', () => {
        /* the failed command reports it */
      });
      await redis.connect();
      return redis;
    },
    (redis) => redis.disconnect(),
  );
}

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

async function checkKey(spec: RedisKeyCheck, scope: CheckScope): Promise<CheckOutcome> {
  const redis = await client(scope);
  const key = spec.key;
  const type = await redis.type(key);
  if (spec.absent) return type === 'none' ? pass(`Redis has no key "${key}"`) : fail(`Redis still has key "${key}"`);
  if (type === 'none') return fail(`Redis has no key "${key}"`);
  if (spec.type && type !== spec.type) return fail(`Redis key "${key}" is a ${type}, not a ${spec.type}`);
  const found: string[] = [`a ${type}`];

  if (spec.equals !== undefined) {
    const actual = await valueOf(redis, key, type);
    const expected = expectedShape(type, spec.equals);
    const same =
      type === 'zset'
        ? sameZset(actual as [string, number][], expected as [string, number][])
        : sameAsText(actual, expected);
    if (!same) {
      return fail(
        type === 'string'
          ? `Redis key "${key}" holds ${show(actual)}, not ${show(expected)}`
          : `Redis ${type} "${key}" holds ${show(actual)}, not ${show(expected)}`,
      );
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

async function checkCommand(spec: RedisCommandCheck, scope: CheckScope): Promise<CheckOutcome> {
  const redis = await client(scope);
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

export const redisChecks: ServiceChecks<RedisCheck> = {
  example: '{key: visits}',
  parse(body, ctx) {
    const v = parseKinds('redis', body, ctx, { key: keyCheckSchema, command: commandCheckSchema });
    if (v?.kind !== 'command') return v;
    // Written as one string or a list of words; asked as the list.
    const command = typeof v.command === 'string' ? v.command.trim().split(/\s+/) : v.command.map(String);
    return { kind: 'command', command, equals: v.equals };
  },
  run: (spec, scope) => (spec.kind === 'key' ? checkKey(spec, scope) : checkCommand(spec, scope)),
};

/** Keys per SCAN round trip: big enough to finish a lesson's keys in one or two. */
const SCAN_COUNT = 500;
/** A glob pattern needs SCAN; a plain key is deleted by name. */
const GLOB = /[*?[\\]/;

export const redisReset: ServiceReset<string[]> = {
  schema: z.array(text),
  async run(patterns, scope, report) {
    for (const pattern of patterns) {
      await report.attempt(`Redis keys "${pattern}"`, async () => {
        const redis = await client(scope);
        if (!GLOB.test(pattern)) {
          if ((await redis.unlink(pattern)) > 0) report.cleared(`Redis key "${pattern}"`);
          return;
        }
        let cursor = '0';
        let deleted = 0;
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
          if (keys.length > 0) deleted += await redis.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
        if (deleted > 0) report.cleared(`${plural(deleted, 'Redis key')} matching "${pattern}"`);
      });
    }
  },
  // maxmemory, save, appendonly… back to what CONFIG GET first answered (settings.ts has the list).
  restore: (scope, report) => restoreStartSettings(scope.endpoint(), report),
};
