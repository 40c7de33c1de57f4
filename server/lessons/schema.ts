// The one schema of lesson content (docs/lesson-format.md): course.yaml, a lesson's front matter,
// and the checks of `check` blocks. Every object is strict: an unknown key is an error, so a typo
// never silently turns a setting off.
import { z } from 'zod';
import { RUN_LANGUAGES } from '../../shared/protocol.ts';
import { SERVICE_NAMES } from '../../shared/services.ts';

const text = z.string().min(1);
const count = z.number().int().min(0);
/** Values compared as text: YAML reads `equals: 3` as a number, the service answers "3". */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** memcached's own rule: up to 250 bytes, no spaces or control characters. */
export const memcachedKey = z
  .string()
  .regex(/^[^\s\x00-\x1f\x7f]{1,250}$/, 'a memcached key has no spaces or control characters (1–250 characters)');

/** Table names are put into SQL (quoted); letters, digits, _ and $ are all lessons need. */
export const tableName = z.string().regex(/^[A-Za-z0-9_$]{1,64}$/, 'a table name is letters, digits, _ or $');

export const courseSchema = z.strictObject({
  title: text,
  summary: text.optional(),
  services: z.array(z.enum(SERVICE_NAMES)).min(1),
  language: z.enum(RUN_LANGUAGES).default('python'),
});
export type CourseSettings = z.infer<typeof courseSchema>;

export const resetSchema = z.strictObject({
  memcached: z.array(memcachedKey).optional(),
  redis: z.array(text).optional(),
  rabbitmq: z
    .strictObject({
      queues: z.array(text).optional(),
      exchanges: z.array(text).optional(),
    })
    .optional(),
  mysql: z.strictObject({ tables: z.array(tableName).optional() }).optional(),
});
export type ResetSpec = z.infer<typeof resetSchema>;

export const frontMatterSchema = z.strictObject({
  title: text,
  summary: text.optional(),
  services: z.array(z.enum(SERVICE_NAMES)).min(1).optional(),
  reset: resetSchema.optional(),
});
export type FrontMatter = z.infer<typeof frontMatterSchema>;

// ---- checks ---------------------------------------------------------------------------------

/** `absent: true` says "this must not exist"; nothing else can be asked of a thing that is not there. */
function absentAlone(value: Record<string, unknown>, own: string[], ctx: z.RefinementCtx): void {
  if (value.absent !== true) return;
  const others = Object.keys(value).filter((k) => k !== 'absent' && !own.includes(k) && value[k] !== undefined);
  if (others.length > 0) {
    ctx.addIssue({ code: 'custom', message: `absent: true cannot be combined with ${others.join(', ')}`, path: [others[0]] });
  }
}

export const memcachedCheckSchema = z
  .strictObject({
    key: memcachedKey,
    equals: scalar.optional(),
    absent: z.literal(true).optional(),
  })
  .superRefine((v, ctx) => absentAlone(v, ['key'], ctx));

export const REDIS_TYPES = ['string', 'list', 'set', 'zset', 'hash'] as const;
export type RedisType = (typeof REDIS_TYPES)[number];

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
function isPairList(v: unknown): boolean {
  return Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && isScalar(p[0]) && typeof p[1] === 'number');
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

export const redisKeyCheckSchema = z
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
      if (!shape.ok(v.equals)) ctx.addIssue({ code: 'custom', path: ['equals'], message: `"equals" of a ${v.type} is ${shape.expected}` });
    } else if (!Object.values(EQUALS_SHAPES).some((s) => s.ok(v.equals))) {
      ctx.addIssue({
        code: 'custom',
        path: ['equals'],
        message: '"equals" is text, a list, a mapping (hash) or a list of [member, score] pairs (zset)',
      });
    }
  });

export const redisCommandCheckSchema = z
  .strictObject({
    command: z.union([text, z.array(scalar).min(1)]),
    equals: z.unknown(),
  })
  .superRefine((v, ctx) => {
    if (v.equals === undefined) ctx.addIssue({ code: 'custom', path: ['equals'], message: '"equals" is missing: what should the command answer?' });
  });

export const queueCheckSchema = z
  .strictObject({
    queue: text,
    messages: count.optional(),
    min_messages: count.optional(),
    consumers: count.optional(),
    min_consumers: count.optional(),
    durable: z.boolean().optional(),
    absent: z.literal(true).optional(),
  })
  .superRefine((v, ctx) => absentAlone(v, ['queue'], ctx));

export const EXCHANGE_TYPES = ['direct', 'fanout', 'topic', 'headers'] as const;

export const exchangeCheckSchema = z
  .strictObject({
    /** "" is the default exchange. */
    exchange: z.string(),
    type: z.enum(EXCHANGE_TYPES).optional(),
    durable: z.boolean().optional(),
    absent: z.literal(true).optional(),
    routes: z.strictObject({ routing_key: z.string(), to: text }).optional(),
  })
  .superRefine((v, ctx) => absentAlone(v, ['exchange'], ctx));

export const tableCheckSchema = z
  .strictObject({
    table: tableName,
    rows: count.optional(),
    columns: z.array(text).min(1).optional(),
    absent: z.literal(true).optional(),
  })
  .superRefine((v, ctx) => absentAlone(v, ['table'], ctx));

export const queryCheckSchema = z
  .strictObject({
    query: text,
    rows: z.array(z.array(z.union([scalar, z.null()]))).optional(),
    min_rows: count.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.rows === undefined && v.min_rows === undefined) {
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'a query check needs "rows" (the exact rows) or "min_rows"' });
    }
  });

export type MemcachedCheck = z.infer<typeof memcachedCheckSchema>;
export type RedisKeyCheck = z.infer<typeof redisKeyCheckSchema>;
export type RedisCommandCheck = { command: string[]; equals: unknown };
export type QueueCheck = z.infer<typeof queueCheckSchema>;
export type ExchangeCheck = z.infer<typeof exchangeCheckSchema>;
export type TableCheck = z.infer<typeof tableCheckSchema>;
export type QueryCheck = z.infer<typeof queryCheckSchema>;

/** One check, by what it asks. */
export type CheckSpec =
  | ({ kind: 'memcached' } & MemcachedCheck)
  | ({ kind: 'redis-key' } & RedisKeyCheck)
  | ({ kind: 'redis-command' } & RedisCommandCheck)
  | ({ kind: 'rabbitmq-queue' } & QueueCheck)
  | ({ kind: 'rabbitmq-exchange' } & ExchangeCheck)
  | ({ kind: 'mysql-table' } & TableCheck)
  | ({ kind: 'mysql-query' } & QueryCheck);

export interface CheckDef {
  spec: CheckSpec;
  /** Added to the failure message. */
  hint?: string;
  /** Line in lesson.md, for lessons:check's report. */
  line: number;
}
