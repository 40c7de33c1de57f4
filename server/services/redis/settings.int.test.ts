// "Start this lesson fresh" puts back what CONFIG SET changed, through the lessons engine's reset,
// against a redis-server of this file's own (started with the adapter's spawn spec: the test
// stack's shared instance must never see `maxmemory 1`).
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetLesson } from '../../lessons/reset.ts';
import { CapturedOutput } from '../../testing/capture-output.ts';
import type { Endpoint } from '../endpoint.ts';
import { freePort } from '../net-util.ts';
import { redis } from './index.ts';

let child: ChildProcess;
let dir: string;
let endpoint: Endpoint;
let client: Redis;

const targets = () => ({ endpoint: (service: string) => (service === 'redis' ? endpoint : null) });

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'redis-settings-'));
  const ctx = { dir, ports: [await freePort()], secret: 'unused', isRoot: process.getuid?.() === 0 };
  const spec = redis.managed.spawn(ctx);
  child = spawn(spec.command, spec.args, { stdio: 'ignore' });
  endpoint = redis.managed.endpoint(ctx);
  const deadline = Date.now() + redis.managed.startTimeoutMs;
  // The supervisor's readiness probe: the first answer is when the start settings are read.
  for (;;) {
    try {
      await redis.probe(endpoint);
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  client = new Redis(endpoint.url, { maxRetriesPerRequest: 0 });
});

afterAll(async () => {
  client?.disconnect();
  child?.kill('SIGKILL');
  await fs.rm(dir, { recursive: true, force: true });
});

describe('a lesson reset restores the Redis settings the playground started with', () => {
  it('undoes CONFIG SET maxmemory 1 (and save, appendonly, the policy) and says so', async () => {
    // Typed in the terminal, as a learner would.
    const output = new CapturedOutput();
    const term = await redis.openTerminal(endpoint, output);
    await output.until((o) => o.prompts.length > 0);
    for (const line of [
      'CONFIG SET maxmemory 1',
      'CONFIG SET maxmemory-policy allkeys-lru',
      'CONFIG SET save "60 1"',
      'CONFIG SET appendonly yes',
    ]) {
      expect(await output.run((l) => term.line(l), line)).toBe('OK\r\n');
    }
    expect(await output.run((l) => term.line(l), 'SET k v')).toMatch(/OOM command not allowed/);

    // Any lesson's reset, even one that names no Redis keys.
    const result = await resetLesson({}, { targets: targets() });
    expect(result.errors).toEqual([]);
    expect(result.cleared).toEqual([
      'Redis setting maxmemory back to 64mb (it was 1 byte)',
      'Redis setting maxmemory-policy back to noeviction (it was allkeys-lru)',
      'Redis setting save back to "" (it was 60 1)',
      'Redis setting appendonly back to no (it was yes)',
    ]);
    expect(await output.run((l) => term.line(l), 'SET k v')).toBe('OK\r\n');
    expect(await client.config('GET', 'maxmemory')).toEqual(['maxmemory', String(64 * 1024 * 1024)]);
    term.close();

    // Nothing changed since: nothing to say.
    expect(await resetLesson({ redis: ['k'] }, { targets: targets() })).toEqual({
      ok: true,
      cleared: ['Redis key "k"'],
      errors: [],
    });
  });

  it('a service that is not running is skipped, not reported', async () => {
    const result = await resetLesson({}, { targets: { endpoint: () => null } });
    expect(result).toEqual({ ok: true, cleared: [], errors: [] });
  });
});
