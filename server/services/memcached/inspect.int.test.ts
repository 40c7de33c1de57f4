// The memcached Inspect view through the socket, against the test stack's memcached: counters,
// slabs and keys in its first state, and a set, a hit and a miss each pushed by `watch`.
import { describe, expect, it } from 'vitest';
import type { MemcachedInspectState } from '../../../shared/inspect.ts';
import { testBaseUrl, testEndpoint } from '../../testing/endpoints.ts';
import { PlaygroundClient } from '../../ws/playground-client.ts';
import { memcachedCommand } from './request.ts';

const tag = `inspect${Date.now().toString(36)}`;

const latest = (c: PlaygroundClient, id: string) => c.inspectState<MemcachedInspectState>(id);

describe('the memcached Inspect view', () => {
  it('shows counters, slabs and keys, and every set, hit and miss as it happens', async () => {
    const server = testEndpoint('memcached');
    const c = await PlaygroundClient.connect(testBaseUrl());
    try {
      c.send({ type: 'open', id: 'mc', kind: 'inspect', service: 'memcached' });
      await c.until(() => latest(c, 'mc') !== null, 5_000);
      const first = latest(c, 'mc')!;
      expect(first.pushed).toBe(true);
      expect(first.stats.limit_maxbytes).toBeGreaterThan(0);

      await memcachedCommand(server, `set ${tag} 0 300 5\r\nhello`, /STORED\r\n/);
      await c.until(() => latest(c, 'mc')!.keys.some((k) => k.key === tag), 2_000);
      const state = latest(c, 'mc')!;
      const key = state.keys.find((k) => k.key === tag)!;
      expect(key.exp).toBeGreaterThan(state.time + 290);
      expect(key.size).toBeGreaterThan(5);
      expect(state.slabs.some((s) => s.items > 0 && s.chunkSize >= key.size)).toBe(true);

      const { get_hits: hits, get_misses: misses } = state.stats;
      await memcachedCommand(server, `get ${tag}`);
      await c.until(() => latest(c, 'mc')!.stats.get_hits === hits + 1, 2_000);
      await memcachedCommand(server, `get ${tag}-nothing`);
      await c.until(() => latest(c, 'mc')!.stats.get_misses === misses + 1, 2_000);
    } finally {
      await memcachedCommand(server, `delete ${tag}`, /(DELETED|NOT_FOUND)\r\n/).catch(() => {});
      c.close();
    }
  });

  it('past the watchers memcached serves, a view asks for the counters instead, and still follows a set', async () => {
    const server = testEndpoint('memcached');
    const c = await PlaygroundClient.connect(testBaseUrl());
    // memcached 1.6 streams its log to 20 watchers at most (tests elsewhere may hold some).
    const ids = Array.from({ length: 24 }, (_, i) => `mc${i}`);
    try {
      for (const id of ids) c.send({ type: 'open', id, kind: 'inspect', service: 'memcached' });
      await c.until(() => ids.every((id) => latest(c, id) !== null), 10_000);
      const polled = ids.filter((id) => !latest(c, id)!.pushed);
      expect(polled.length).toBeGreaterThanOrEqual(4);
      await memcachedCommand(server, `set ${tag}_late 0 300 2\r\nhi`, /STORED\r\n/);
      await c.until(() => latest(c, polled[0])!.keys.some((k) => k.key === `${tag}_late`), 5_000);
    } finally {
      c.close();
    }
  });
});
