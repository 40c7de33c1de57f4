// memcached's step checks and its part of "Start this lesson fresh", over raw sockets to every
// server of the endpoint (a client library spreads keys over the list, so a key may live on any).
//
//   check:  memcached: {key: greeting, equals: hello}   |   memcached: {key: greeting, absent: true}
//   reset:  memcached: [greeting, "user:1"]
import { z } from 'zod';
import { show } from '../check-compare.ts';
import { absentAlone, scalar } from '../check-schema.ts';
import { fail, pass, type ServiceChecks, type ServiceReset } from '../check-types.ts';
import type { Endpoint } from '../endpoint.ts';
import { memcachedCommand, memcachedServers } from './request.ts';

/** memcached's own rule: up to 250 bytes, no spaces or control characters. */
export const memcachedKey = z
  .string()
  .regex(/^[^\s\x00-\x1f\x7f]{1,250}$/, 'a memcached key has no spaces or control characters (1–250 characters)');

const checkSchema = z
  .strictObject({
    key: memcachedKey,
    equals: scalar.optional(),
    absent: z.literal(true).optional(),
  })
  .superRefine((v, ctx) => absentAlone(v, ['key'], ctx));

export type MemcachedCheck = z.infer<typeof checkSchema>;

const FAILED = /^(ERROR|CLIENT_ERROR|SERVER_ERROR)/m;

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
  parse: (_body, ctx) => ctx.parse(checkSchema),
  async run(spec, scope) {
    const value = await memcachedGet(scope.endpoint(), spec.key);
    const k = `"${spec.key}"`;
    if (spec.absent) return value === null ? pass(`memcached has no key ${k}`) : fail(`memcached still has key ${k}`);
    if (value === null) return fail(`memcached has no key ${k}`);
    if (spec.equals !== undefined) {
      const expected = String(spec.equals);
      if (value !== expected) return fail(`memcached key ${k} holds ${show(value)}, not ${show(expected)}`);
      return pass(`memcached key ${k} holds ${show(value)}`);
    }
    return pass(`memcached has key ${k}`);
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
};
