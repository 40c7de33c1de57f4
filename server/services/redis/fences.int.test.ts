// The classroom's memory limit on a learner's Redis, at its edge: past maxmemory a write is refused
// with Redis' own OOM error and a hint in the terminal that says how much the Redis may hold and
// how to make room; nothing the learner stored is evicted, and deleting makes room again. A 2 MB
// limit keeps it quick; the default (32 MB) is the same setting.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CapturedOutput } from '../../testing/capture-output.ts';
import { connectedRedis, testManager, type TestManager } from '../../testing/workspaces/test-manager.ts';
import type { Endpoint } from '../endpoint.ts';
import type { TerminalSession } from '../types.ts';
import { redis } from './index.ts';

const MEMORY_MB = 2;

let t: TestManager;
let endpoint: Endpoint;
let client: Redis;
let session: TerminalSession;
let run: (line: string) => Promise<string>;

beforeAll(async () => {
  t = await testManager({ limits: { redis: { memoryMb: MEMORY_MB } } });
  const id = await t.manager.claim('learner-out-of-memory');
  endpoint = (await t.manager.ensure(id)).redis;
  client = await connectedRedis(endpoint);
  const output = new CapturedOutput();
  session = await redis.openTerminal(endpoint, output);
  await output.until((o) => o.prompts.length > 0);
  run = async (line) => (await output.run((l) => session.line(l), line)).replace(/\r\n/g, '\n');
});

afterAll(async () => {
  session?.close();
  client?.disconnect();
  await t?.cleanup();
});

it(`refuses writes past ${MEMORY_MB} MB with the OOM error and a hint, evicts nothing, and writes again after a DEL`, async () => {
  const value = 'v'.repeat(64 * 1024);
  let stored = 0;
  let refused: Error | null = null;
  while (!refused && stored < 1000) {
    await client.set(`fill:${stored}`, value).then(
      () => stored++,
      (err: Error) => (refused = err),
    );
  }
  expect(String(refused)).toMatch(/OOM command not allowed when used memory > 'maxmemory'/);
  expect(stored).toBeGreaterThan(0);

  // The refused command's own 64 KB left with it: top up with small values from the terminal.
  let out = '';
  for (let i = 0; i < 2000 && !out.startsWith('(error)'); i++) out = await run(`SET small:${i} ${'s'.repeat(512)}`);
  expect(out).toBe(
    "(error) OOM command not allowed when used memory > 'maxmemory'.\n" +
      `\x1b[2m[hint: this Redis may hold ${MEMORY_MB} MB (maxmemory) and is full; with maxmemory-policy noeviction it ` +
      'refuses writes rather than drop keys by itself: make room with DEL or UNLINK of keys you no longer need, or FLUSHDB]\x1b[22m\n',
  );
  // Reading still works, and every key is still there.
  expect(await run('GET fill:0')).toBe(`"${value}"\n`);
  expect(await client.exists(...Array.from({ length: stored }, (_, i) => `fill:${i}`))).toBe(stored);
  const info = await client.info('memory');
  expect(Number(/^maxmemory:(\d+)/m.exec(info)?.[1])).toBe(MEMORY_MB * 1024 * 1024);

  // Room again once keys go.
  await client.del(...Array.from({ length: 10 }, (_, i) => `fill:${i}`));
  expect(await run('SET one more')).toBe('OK\n');
});
