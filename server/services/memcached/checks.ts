// memcached's step checks and its part of "Start this lesson fresh", over raw sockets to every
// server of the endpoint (a client library spreads keys over the list, so a key may live on any).
//
//   check:  memcached: {key: greeting, equals: hello}   |   memcached: {key: greeting, absent: true}
//           memcached: {stat: get_hits, min: 2}         (summed over the servers)
//   reset:  memcached: [greeting, "user:1"]
//           (every reset also puts back the settings a learner changed at run time: settings.ts)
//
// A check must not change what a lesson measures: whether a key is there is asked with `me` (meta
// debug), which moves no counter. Only `equals` reads the value, with a `get` — one more cmd_get
// and get_hits; a lesson that watches those counters checks them with `stat` instead.
import { z } from 'zod';
import { show } from '../check-compare.ts';
import { absentAlone, count, parseKinds, scalar } from '../check-schema.ts';
import { fail, pass, type ServiceChecks, type ServiceReset } from '../check-types.ts';
import type { Endpoint } from '../endpoint.ts';
import { memcachedCommand, memcachedServers } from './request.ts';
import { restoreStartSettings } from './settings.ts';

/** memcached's own rule: up to 250 bytes, no spaces or control characters. */
export const memcachedKey = z
  .string()
  .regex(/^[^\s\x00-\x1f\x7f]{1,250}$/, 'a memcached key has no spaces or control characters (1–250 characters)');

const keyCheckSchema = z
  .strictObject({
    key: memcachedKey,
    equals: scalar.optional(),
    absent: z.literal(true).optional(),
  })
  .superRefine((v, ctx) => absentAlone(v, ['key'], ctx));

/** A counter of `stats` (get_hits, curr_items…), summed over the servers. */
const statCheckSchema = z
  .strictObject({
    stat: z.string().regex(/^[a-z_]+$/, 'a stats name such as get_hits'),
    equals: count.optional(),
    min: count.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.equals === undefined && v.min === undefined) {
      ctx.addIssue({ code: 'custom', path: ['stat'], message: 'a stat check needs "equals" or "min"' });
    }
  });

export type MemcachedCheck =
  ({ kind: 'key' } & z.infer<typeof keyCheckSchema>) | ({ kind: 'stat' } & z.infer<typeof statCheckSchema>);

const FAILED = /^(ERROR|CLIENT_ERROR|SERVER_ERROR)/m;

/** Whether any server has `key`, asked with `me` (meta debug): no counter moves. */
export async function memcachedHas(endpoint: Endpoint, key: string): Promise<boolean> {
  for (const server of memcachedServers(endpoint)) {
    const reply = await memcachedCommand(server, `me ${key}`, /^(ME .*|EN|ERROR|CLIENT_ERROR.*|SERVER_ERROR.*)\r\n/m);
    if (FAILED.test(reply)) throw new Error(`memcached answered ${reply.trim()}`);
    if (reply.startsWith('ME ')) return true;
  }
  return false;
}

/** A counter of `stats`, summed over the servers. */
async function statSum(endpoint: Endpoint, name: string): Promise<number | null> {
  let sum: number | null = null;
  for (const server of memcachedServers(endpoint)) {
    const reply = await memcachedCommand(server, 'stats', /^END\r\n/m);
    const value = new RegExp(`^STAT ${name} (\\d+)\r$`, 'm').exec(reply)?.[1];
    if (value !== undefined) sum = (sum ?? 0) + Number(value);
  }
  return sum;
}

/** The value of `key` (as UTF-8), or null when no server has it. */
export async function memcachedGet(endpoint: Endpoint, key: string): Promise<string | null> {
  for (const server of memcachedServers(endpoint)) {
    const reply = await memcachedCommand(server, `get ${key}`, /^(END|ERROR|CLIENT_ERROR.*|SERVER_ERROR.*)\r\n/m);
    if (FAILED.test(reply)) throw new Error(`memcached answered ${reply.trim()}`);
    const header = /^VALUE \S+ \d+ (\d+)(?: \d+)?\r\n/.exec(reply);
    if (!header) continue;
    const start = header.index + header[0].length;
    // The socket reads latin1, one character per byte: the value's bytes, decoded as UTF-8.
    return Buffer.from(reply.slice(start, start + Number(header[1])), 'latin1').toString('utf8');
  }
  return null;
}

export const memcachedChecks: ServiceChecks<MemcachedCheck> = {
  example: '{key: greeting}',
  parse: (body, ctx) => parseKinds('memcached', body, ctx, { key: keyCheckSchema, stat: statCheckSchema }),
  async run(spec, scope) {
    if (spec.kind === 'stat') {
      const value = await statSum(scope.endpoint(), spec.stat);
      if (value === null) return fail(`memcached's stats have no counter "${spec.stat}"`);
      if (spec.equals !== undefined && value !== spec.equals)
        return fail(`memcached's ${spec.stat} is ${value}, not ${spec.equals}`);
      if (spec.min !== undefined && value < spec.min)
        return fail(`memcached's ${spec.stat} is ${value}; expected at least ${spec.min}`);
      return pass(`memcached's ${spec.stat} is ${value}`);
    }
    const k = `"${spec.key}"`;
    if (spec.equals === undefined) {
      const has = await memcachedHas(scope.endpoint(), spec.key);
      if (spec.absent) return has ? fail(`memcached still has key ${k}`) : pass(`memcached has no key ${k}`);
      return has ? pass(`memcached has key ${k}`) : fail(`memcached has no key ${k}`);
    }
    const value = await memcachedGet(scope.endpoint(), spec.key);
    if (value === null) return fail(`memcached has no key ${k}`);
    const expected = String(spec.equals);
    if (value !== expected) return fail(`memcached key ${k} holds ${show(value)}, not ${show(expected)}`);
    return pass(`memcached key ${k} holds ${show(value)}`);
  },
};

export const memcachedReset: ServiceReset<string[]> = {
  schema: z.array(memcachedKey),
  async run(keys, scope, report) {
    for (const key of keys) {
      await report.attempt(`memcached key "${key}"`, async () => {
        let deleted = false;
        for (const server of memcachedServers(scope.endpoint())) {
          const reply = await memcachedCommand(
            server,
            `delete ${key}`,
            /^(DELETED|NOT_FOUND|ERROR|CLIENT_ERROR.*|SERVER_ERROR.*)\r\n/m,
          );
          if (/^DELETED/m.test(reply)) deleted = true;
          else if (!/^NOT_FOUND/m.test(reply)) throw new Error(`memcached answered ${reply.trim()}`);
        }
        if (deleted) report.cleared(`memcached key "${key}"`);
      });
    }
  },
  // The memory limit, verbosity, slab automove and LRU crawler, as `stats settings` first showed them.
  restore: (scope, report) => restoreStartSettings(scope.endpoint(), report),
};
