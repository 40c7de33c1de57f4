// The Redis Inspect view through the socket, against the test stack's own Redis: its first state,
// a write pushed by keyspace notifications, a key that expires leaving the view by itself, and
// that the view never watches with MONITOR and leaves no connection behind when closed.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisInspectState } from '../../../shared/inspect.ts';
import { testBaseUrl, testEndpoint } from '../../testing/endpoints.ts';
import { PlaygroundClient } from '../../ws/playground-client.ts';

let redis: Redis;
const tag = `inspect${Date.now().toString(36)}`;

beforeAll(() => {
  redis = new Redis(testEndpoint('redis').url);
});
afterAll(async () => {
  const keys = await redis.keys(`${tag}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const latest = (c: PlaygroundClient, id: string) => c.inspectState<RedisInspectState>(id);

async function inspectors(): Promise<string[]> {
  const list = (await redis.client('LIST')) as string;
  return list.split('\n').filter((l) => l.includes('name=playground-inspect'));
}

describe('the Redis Inspect view', () => {
  it('shows the keys with type, TTL and encoding, pushed by the server as they change', async () => {
    const c = await PlaygroundClient.connect(testBaseUrl());
    try {
      await redis.set(`${tag}:before`, 'x');
      c.send({ type: 'open', id: 'insp', kind: 'inspect', service: 'redis' });
      await c.until(() => latest(c, 'insp') !== null, 5_000);
      const first = latest(c, 'insp')!;
      expect(first.pushed).toBe(true);
      expect(first.refreshMs).toBeNull();
      expect(first.total).toBe(await redis.dbsize());
      expect(first.keys.find((k) => k.key === `${tag}:before`)).toMatchObject({ type: 'string', ttl: -1 });

      await redis.hset(`${tag}:user`, 'name', 'Ada');
      await redis.expire(`${tag}:user`, 100);
      await c.until(() => latest(c, 'insp')!.keys.some((k) => k.key === `${tag}:user` && k.ttl > 0), 2_000);
      const user = latest(c, 'insp')!.keys.find((k) => k.key === `${tag}:user`)!;
      expect(user.type).toBe('hash');
      expect(user.encoding).toBe('listpack');
      expect(user.ttl).toBeGreaterThan(90);
      expect(user.bytes).toBeGreaterThan(0);

      // Expiry is a change too: the key leaves the view with no command sent.
      await redis.set(`${tag}:brief`, 'x', 'PX', 300);
      await c.until(() => latest(c, 'insp')!.keys.some((k) => k.key === `${tag}:brief`), 2_000);
      await c.until(() => !latest(c, 'insp')!.keys.some((k) => k.key === `${tag}:brief`), 3_000);

      // Never MONITOR (it slows the server down for every client); one listener, one reader.
      const clients = (await redis.client('LIST')) as string;
      expect(clients.split('\n').filter((l) => /\bflags=\S*O/.test(l))).toEqual([]);
      expect(await inspectors()).toHaveLength(2);

      c.send({ type: 'close', id: 'insp' });
      await c.until(() => c.messages.some((m) => m.type === 'exit' && m.id === 'insp'), 2_000);
      await expect.poll(inspectors, { timeout: 2_000 }).toEqual([]);
    } finally {
      c.close();
    }
  });

  it('shows the value of the key the page asks for, per type, and follows it', async () => {
    const c = await PlaygroundClient.connect(testBaseUrl());
    try {
      await redis.hset(`${tag}:h`, 'name', 'Ada', 'lang', 'Python');
      await redis.rpush(`${tag}:l`, 'a', 'b', 'c');
      await redis.zadd(`${tag}:z`, 2, 'two', 1, 'one');
      await redis.set(`${tag}:s`, 'hello');
      c.send({ type: 'open', id: 'v', kind: 'inspect', service: 'redis' });
      await c.until(() => latest(c, 'v') !== null, 5_000);
      const show = async (key: string) => {
        c.send({ type: 'input', id: 'v', data: JSON.stringify({ show: key }) });
        await c.until(() => latest(c, 'v')!.shown?.key === key, 2_000);
        return latest(c, 'v')!.shown!;
      };
      expect(await show(`${tag}:h`)).toEqual({
        key: `${tag}:h`,
        type: 'hash',
        length: 2,
        items: expect.arrayContaining([
          ['name', 'Ada'],
          ['lang', 'Python'],
        ]),
        truncated: false,
      });
      expect((await show(`${tag}:l`)).items).toEqual(['a', 'b', 'c']);
      expect((await show(`${tag}:z`)).items).toEqual([
        ['one', '1'],
        ['two', '2'],
      ]);
      expect(await show(`${tag}:s`)).toMatchObject({ type: 'string', length: 5, items: ['hello'] });
      // It follows the key: a change shows, and a deleted key says so.
      await redis.append(`${tag}:s`, ' world');
      await c.until(() => latest(c, 'v')!.shown?.items[0] === 'hello world', 2_000);
      await redis.del(`${tag}:s`);
      await c.until(() => latest(c, 'v')!.shown?.type === 'none', 2_000);
    } finally {
      c.close();
    }
  });

  it('lists the keys that match the page’s pattern, found among all of them by SCAN MATCH', async () => {
    const c = await PlaygroundClient.connect(testBaseUrl());
    try {
      // More keys than a view lists: the matches are found anyway.
      const pipeline = redis.pipeline();
      for (let i = 0; i < 1_200; i++) pipeline.set(`${tag}:bulk:${i}`, 'x');
      pipeline.set(`${tag}:needle`, 'x');
      await pipeline.exec();
      c.send({ type: 'open', id: 'm', kind: 'inspect', service: 'redis' });
      await c.until(() => latest(c, 'm') !== null, 5_000);
      c.send({ type: 'input', id: 'm', data: JSON.stringify({ match: `*${tag}:need*` }) });
      await c.until(() => latest(c, 'm')!.match === `*${tag}:need*`, 2_000);
      expect(latest(c, 'm')!.keys.map((k) => k.key)).toEqual([`${tag}:needle`]);
      expect(latest(c, 'm')!.total).toBeGreaterThan(1_200);
      // A show request leaves the pattern as it is; {"match": null} lists every key again.
      c.send({ type: 'input', id: 'm', data: JSON.stringify({ show: `${tag}:needle` }) });
      await c.until(() => latest(c, 'm')!.shown?.key === `${tag}:needle`, 2_000);
      expect(latest(c, 'm')!.match).toBe(`*${tag}:need*`);
      c.send({ type: 'input', id: 'm', data: JSON.stringify({ match: null }) });
      await c.until(() => latest(c, 'm')!.match === null, 2_000);
      expect(latest(c, 'm')!.keys.length).toBe(latest(c, 'm')!.limit);
    } finally {
      c.close();
    }
  });

  it('ends with the socket, and says what is wrong with a service it cannot inspect', async () => {
    const c = await PlaygroundClient.connect(testBaseUrl());
    c.send({ type: 'open', id: 'a', kind: 'inspect', service: 'redis' });
    await c.until(() => latest(c, 'a') !== null, 5_000);
    c.send({ type: 'open', id: 'b', kind: 'inspect', service: 'nosuch' });
    await c.until(() => c.messages.some((m) => m.type === 'error' && m.id === 'b'), 2_000);
    const error = c.messages.find((m) => m.type === 'error' && m.id === 'b');
    expect(error?.type === 'error' && error.message).toContain('no service "nosuch"');
    c.close();
    await expect.poll(inspectors, { timeout: 2_000 }).toEqual([]);
  });
});
