// The classroom's memory limit on a learner's memcached, at its edge: `-m` is what `stats` reports
// as limit_maxbytes, and storing more than that evicts the oldest items while the items' bytes
// stay within it. A 2 MB limit keeps it quick; the default (16 MB) is the same flag.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testManager, type TestManager } from '../../testing/workspaces/test-manager.ts';
import type { Endpoint } from '../endpoint.ts';
import { memcachedCommand } from './request.ts';

const MEMORY_MB = 2;
const ITEM_BYTES = 10 * 1024;

let t: TestManager;
let endpoint: Endpoint;

beforeAll(async () => {
  t = await testManager({ limits: { memcached: { memoryMb: MEMORY_MB } } });
  const id = await t.manager.claim('learner-with-a-small-cache');
  endpoint = (await t.manager.ensure(id)).memcached;
});

afterAll(async () => {
  await t?.cleanup();
});

async function stats(): Promise<Record<string, number>> {
  const reply = await memcachedCommand(endpoint, 'stats', /^END\r\n/m);
  return Object.fromEntries([...reply.matchAll(/^STAT (\S+) (\d+)\r$/gm)].map((m) => [m[1], Number(m[2])]));
}

it(`keeps its items within ${MEMORY_MB} MB: storing ${MEMORY_MB * 3} MB evicts the oldest`, async () => {
  const limit = MEMORY_MB * 1024 * 1024;
  expect((await stats()).limit_maxbytes).toBe(limit);
  const value = 'm'.repeat(ITEM_BYTES);
  const count = Math.ceil((3 * limit) / ITEM_BYTES);
  for (let i = 0; i < count; i++) {
    expect(await memcachedCommand(endpoint, `set item:${i} 0 0 ${ITEM_BYTES}\r\n${value}`, /^STORED\r\n/m)).toBe(
      'STORED\r\n',
    );
  }
  const after = await stats();
  expect(after.evictions).toBeGreaterThan(0);
  expect(after.bytes).toBeLessThanOrEqual(limit);
  expect(after.curr_items).toBeLessThan(count);
  // The oldest went, the newest is there.
  expect(await memcachedCommand(endpoint, 'get item:0')).toBe('END\r\n');
  expect(await memcachedCommand(endpoint, `get item:${count - 1}`, /^END\r\n/m)).toBe(
    `VALUE item:${count - 1} 0 ${ITEM_BYTES}\r\n${value}\r\nEND\r\n`,
  );
});
