// memcached checks: a `get` over a raw socket to every server of the endpoint (a client library
// spreads keys over the list, so the key may live on any of them).
import { memcachedCommand } from '../../services/memcached/index.ts';
import type { MemcachedCheck } from '../schema.ts';
import type { ServiceClients } from './clients.ts';
import { show } from './compare.ts';
import { fail, pass, type CheckOutcome } from './outcome.ts';

/** The servers of a memcached endpoint ("host:port,host:port"). */
export function memcachedServers(clients: ServiceClients): { url: string; address: string }[] {
  return clients
    .endpoint('memcached')
    .url.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((address) => ({ url: address, address }));
}

/** The value of `key` (as UTF-8), or null when no server has it. */
export async function memcachedGet(clients: ServiceClients, key: string): Promise<string | null> {
  for (const server of memcachedServers(clients)) {
    const reply = await memcachedCommand(server, `get ${key}`, /^(END|ERROR|CLIENT_ERROR.*|SERVER_ERROR.*)\r\n/m);
    if (/^(ERROR|CLIENT_ERROR|SERVER_ERROR)/m.test(reply)) throw new Error(`memcached answered ${reply.trim()}`);
    const header = /^VALUE \S+ \d+ (\d+)(?: \d+)?\r\n/.exec(reply);
    if (!header) continue;
    const start = header.index + header[0].length;
    // The socket reads latin1, one character per byte: the value's bytes, decoded as UTF-8.
    return Buffer.from(reply.slice(start, start + Number(header[1])), 'latin1').toString('utf8');
  }
  return null;
}

export async function checkMemcached(spec: MemcachedCheck, clients: ServiceClients): Promise<CheckOutcome> {
  const value = await memcachedGet(clients, spec.key);
  if (spec.absent) return value === null ? pass(`memcached has no key "${spec.key}"`) : fail(`memcached still has key "${spec.key}"`);
  if (value === null) return fail(`memcached has no key "${spec.key}"`);
  if (spec.equals !== undefined) {
    const expected = String(spec.equals);
    if (value !== expected) return fail(`memcached key "${spec.key}" holds ${show(value)}, not ${show(expected)}`);
    return pass(`memcached key "${spec.key}" holds ${show(value)}`);
  }
  return pass(`memcached has key "${spec.key}"`);
}
