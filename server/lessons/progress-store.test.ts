import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonFileProgressStore, MemoryProgressStore } from './progress-store.ts';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'progress-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('JsonFileProgressStore', () => {
  it('records steps (first time counts) and the current lesson, and survives a restart', async () => {
    const file = path.join(dir, 'progress.json');
    const store = new JsonFileProgressStore(file);
    expect(await store.get('ann')).toEqual({ done: {}, current: null });
    await store.markDone('ann', 'redis/lists/push', new Date('2024-01-01T10:00:00Z'));
    await store.markDone('ann', 'redis/lists/push', new Date('2024-01-02T10:00:00Z'));
    await store.setCurrent('bob', 'memcached/what-it-is');

    const again = new JsonFileProgressStore(file);
    expect(await again.get('ann')).toEqual({ done: { 'redis/lists/push': '2024-01-01T10:00:00.000Z' }, current: 'redis/lists' });
    expect(await again.get('bob')).toEqual({ done: {}, current: 'memcached/what-it-is' });
  });

  it('writes atomically: no temp files are left, and concurrent updates all land', async () => {
    const file = path.join(dir, 'sub', 'progress.json');
    const store = new JsonFileProgressStore(file);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.markDone('ann', `c/l/s${i}`, new Date())));
    expect(await fs.readdir(path.dirname(file))).toEqual(['progress.json']);
    const saved = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(Object.keys(saved.learners.ann.done)).toHaveLength(20);
  });

  it('sets an unreadable file aside and starts afresh', async () => {
    const file = path.join(dir, 'progress.json');
    await fs.writeFile(file, '{ not json');
    const store = new JsonFileProgressStore(file);
    expect(await store.get('ann')).toEqual({ done: {}, current: null });
    await store.setCurrent('ann', 'a/b');
    const names = await fs.readdir(dir);
    expect(names).toContain('progress.json');
    expect(names.some((n) => n.startsWith('progress.json.unreadable-'))).toBe(true);
  });

});

describe('MemoryProgressStore', () => {
  it('hands out copies: callers cannot change the stored progress', async () => {
    const store = new MemoryProgressStore();
    const p = await store.markDone('ann', 'a/b/c', new Date());
    p.done['x/y/z'] = 'now';
    expect(Object.keys((await store.get('ann')).done)).toEqual(['a/b/c']);
  });
});
