import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { MAX_SAVED_FILE_BYTES, MAX_SAVED_FILES_PER_LESSON } from '../../../shared/classroom-api.ts';
import type { FetchLike } from '../http.ts';
import { FileStore, type FileStorage } from './file-store.ts';
import {
  KEEPALIVE_MAX_BYTES,
  REMOTE_LOAD_ATTEMPTS,
  REMOTE_RETRY_INITIAL_MS,
  REMOTE_SAVE_DELAY_MS,
  RemoteFilePersistence,
  savedFilesProblem,
} from './remote-files.ts';

interface Call {
  method: string;
  url: string;
  body: unknown;
  keepalive: boolean;
}

/** A server in a box: answers from a queue of replies (default: a save is taken), records every call. */
function fakeServer() {
  const calls: Call[] = [];
  const replies: Array<{ status: number; body: unknown } | 'offline'> = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({
      method: init.method ?? 'GET',
      url,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      keepalive: init.keepalive === true,
    });
    const reply = replies.shift() ?? { status: 200, body: { savedAt: '2025-01-01T10:00:00.000Z' } };
    if (reply === 'offline') throw new TypeError('Failed to fetch');
    return { ok: reply.status < 300, status: reply.status, json: async () => reply.body };
  };
  return { calls, replies, fetch, puts: () => calls.filter((c) => c.method === 'PUT') };
}

/** Longer than every retry delay together. */
const REMOTE_RETRY_MAX_ALL = 120_000;

const files = (content: string) => [{ name: 'main.py', content }];

describe('remote file persistence', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('typing is sent once, after it stops for the debounce delay', async () => {
    const server = fakeServer();
    const remote = new RemoteFilePersistence({ fetch: server.fetch });
    remote.save('c/l', files('a'));
    await vi.advanceTimersByTimeAsync(REMOTE_SAVE_DELAY_MS - 100);
    remote.save('c/l', files('ab'));
    await vi.advanceTimersByTimeAsync(REMOTE_SAVE_DELAY_MS - 100);
    remote.save('c/l', files('abc'));
    expect(server.puts()).toHaveLength(0);
    expect(remote.getSnapshot().state).toBe('saving');
    await vi.advanceTimersByTimeAsync(REMOTE_SAVE_DELAY_MS);
    expect(server.puts().map((c) => c.body)).toEqual([{ lesson: 'c/l', files: files('abc') }]);
    expect(remote.getSnapshot()).toEqual({ state: 'saved', problem: null, savedAt: '2025-01-01T10:00:00.000Z' });
  });

  test('flush sends at once, with keepalive so that a closing page still delivers it', async () => {
    const server = fakeServer();
    const remote = new RemoteFilePersistence({ fetch: server.fetch });
    remote.save('c/l', files('x'));
    remote.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.puts()).toHaveLength(1);
    expect(server.puts()[0].keepalive).toBe(true);
    // Nothing left for the debounce to send.
    await vi.advanceTimersByTimeAsync(REMOTE_SAVE_DELAY_MS * 2);
    expect(server.puts()).toHaveLength(1);
  });

  test('a body too big for keepalive goes as an ordinary request', async () => {
    const server = fakeServer();
    const remote = new RemoteFilePersistence({ fetch: server.fetch });
    const big = 'x'.repeat(40 * 1024);
    remote.save('c/l', [
      { name: 'a.py', content: big },
      { name: 'b.py', content: big },
    ]);
    remote.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(2 * big.length).toBeGreaterThan(KEEPALIVE_MAX_BYTES);
    expect(server.puts()[0].keepalive).toBe(false);
  });

  test('an unreachable server is retried with growing delays, sending the newest files', async () => {
    const server = fakeServer();
    server.replies.push('offline', { status: 503, body: { error: 'busy' } });
    const remote = new RemoteFilePersistence({ fetch: server.fetch });
    remote.save('c/l', files('one'));
    await vi.advanceTimersByTimeAsync(REMOTE_SAVE_DELAY_MS);
    expect(server.puts()).toHaveLength(1);
    expect(remote.getSnapshot().state).toBe('retrying');
    expect(remote.getSnapshot().problem).toMatch(/retrying/);

    // Typing while a retry waits does not hurry it; the retry takes the newest text.
    remote.save('c/l', files('two'));
    await vi.advanceTimersByTimeAsync(REMOTE_RETRY_INITIAL_MS - 1);
    expect(server.puts()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.puts()).toHaveLength(2);
    expect(server.puts()[1].body).toEqual({ lesson: 'c/l', files: files('two') });
    expect(remote.getSnapshot().state).toBe('retrying');

    await vi.advanceTimersByTimeAsync(REMOTE_RETRY_INITIAL_MS * 2 - 1);
    expect(server.puts()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.puts()).toHaveLength(3);
    expect(server.puts()[2].body).toEqual({ lesson: 'c/l', files: files('two') });
    expect(remote.getSnapshot().state).toBe('saved');
  });

  test('a refusal of the server is shown and not retried', async () => {
    const server = fakeServer();
    server.replies.push({ status: 401, body: { error: 'not joined' } });
    const remote = new RemoteFilePersistence({ fetch: server.fetch });
    remote.save('c/l', files('x'));
    await vi.advanceTimersByTimeAsync(REMOTE_SAVE_DELAY_MS);
    expect(remote.getSnapshot().state).toBe('failed');
    expect(remote.getSnapshot().problem).toMatch(/session has ended/);
    await vi.advanceTimersByTimeAsync(REMOTE_RETRY_MAX_ALL);
    expect(server.puts()).toHaveLength(1);
  });

  test('edits made while a save is on its way go right after it, not beside it', async () => {
    const server = fakeServer();
    let release!: () => void;
    const slow: FetchLike = async (url, init) => {
      await new Promise<void>((r) => (release = r));
      return server.fetch(url, init);
    };
    const remote = new RemoteFilePersistence({ fetch: slow });
    remote.save('c/l', files('1'));
    await vi.advanceTimersByTimeAsync(REMOTE_SAVE_DELAY_MS);
    remote.save('c/l', files('2'));
    await vi.advanceTimersByTimeAsync(REMOTE_SAVE_DELAY_MS);
    expect(server.puts()).toHaveLength(0);
    release();
    await vi.advanceTimersByTimeAsync(0);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.puts().map((c) => (c.body as { files: Array<{ content: string }> }).files[0].content)).toEqual([
      '1',
      '2',
    ]);
  });

  test('files over the limits are refused in the page, for the lesson on screen', async () => {
    const server = fakeServer();
    server.replies.push({ status: 200, body: { lesson: 'c/l', files: null, savedAt: null } });
    const remote = new RemoteFilePersistence({ fetch: server.fetch });
    await remote.load('c/l');
    remote.save('c/l', [{ name: 'big.py', content: 'é'.repeat(MAX_SAVED_FILE_BYTES / 2 + 1) }]);
    expect(remote.getSnapshot().state).toBe('refused');
    expect(remote.getSnapshot().problem).toMatch(/^big\.py is 65 KB: the class server keeps files up to 64 KB/);
    await vi.advanceTimersByTimeAsync(REMOTE_SAVE_DELAY_MS);
    expect(server.puts()).toHaveLength(0);
    remote.save('c/l', files('short again'));
    expect(remote.getSnapshot().state).toBe('saving');
  });

  test('savedFilesProblem names both limits', () => {
    expect(savedFilesProblem(files('ok'))).toBeNull();
    const many = Array.from({ length: MAX_SAVED_FILES_PER_LESSON + 1 }, (_, i) => ({ name: `f${i}.py`, content: '' }));
    expect(savedFilesProblem(many)).toMatch(/at most 16 files per lesson/);
    expect(savedFilesProblem([{ name: 'ok.py', content: 'x'.repeat(MAX_SAVED_FILE_BYTES) }])).toBeNull();
  });

  test('load answers the server copy, retries an unreachable server, then gives up', async () => {
    const server = fakeServer();
    server.replies.push('offline', {
      status: 200,
      body: { lesson: 'c/l', files: files('saved'), savedAt: '2025-01-01T09:00:00.000Z' },
    });
    const remote = new RemoteFilePersistence({ fetch: server.fetch });
    const loaded = remote.load('c/l');
    await vi.advanceTimersByTimeAsync(5000);
    expect(await loaded).toEqual(files('saved'));
    expect(server.calls.map((c) => c.url)).toEqual(['/api/files?lesson=c%2Fl', '/api/files?lesson=c%2Fl']);

    for (let i = 0; i < REMOTE_LOAD_ATTEMPTS; i++) server.replies.push('offline');
    const failed = remote.load('c/other').catch((err: Error) => err.message);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await failed).toMatch(/did not answer/);
    expect(remote.getSnapshot()).toMatchObject({ state: 'failed', problem: expect.stringMatching(/browser's copy/) });
  });

  test('load answers unsent edits rather than an older server copy', async () => {
    const server = fakeServer();
    const remote = new RemoteFilePersistence({ fetch: server.fetch });
    remote.save('c/l', files('unsent'));
    expect(await remote.load('c/l')).toEqual(files('unsent'));
    expect(server.calls.filter((c) => c.method === 'GET')).toHaveLength(0);
  });
});

class MemoryStorage implements FileStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

describe('file store with a remote', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const seed = [{ name: 'seed.py', content: '# seed\n' }];
  /** The lesson's files as the editor holds them: each its own lesson version. */
  const asLesson = (files: typeof seed) => files.map((f) => ({ ...f, base: f.content }));

  function setup(answers: Record<string, Array<{ name: string; content: string }> | null | 'offline'>) {
    const storage = new MemoryStorage();
    const saved: Array<{ lesson: string; files: readonly { name: string; content: string }[] }> = [];
    let flushes = 0;
    const remote = {
      load: async (lesson: string) => {
        const a = answers[lesson];
        if (a === 'offline') throw new Error('offline');
        return a ?? null;
      },
      save: (lesson: string, files: readonly { name: string; content: string }[]) => saved.push({ lesson, files }),
      flush: () => flushes++,
    };
    const store = new FileStore(storage, () => seed, remote);
    return { storage, store, saved, flushes: () => flushes };
  }

  test('the server copy wins over this browser’s, and is kept locally too', async () => {
    const { storage, store } = setup({ 'c/l': [{ name: 'server.py', content: 'from the server' }] });
    storage.setItem(
      'playground.editor.lesson.c/l',
      JSON.stringify({ v: 1, files: [{ name: 'local.py', content: 'old' }], active: 'local.py' }),
    );
    store.open('c/l');
    expect(store.getSnapshot().key).toBeNull();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getSnapshot().key).toBe('playground.editor.lesson.c/l');
    expect(store.state).toEqual({ files: [{ name: 'server.py', content: 'from the server' }], active: 'server.py' });
    expect(JSON.parse(storage.getItem('playground.editor.lesson.c/l')!).files[0].name).toBe('server.py');
  });

  test('nothing on the server: this browser’s copy, then the lesson’s files', async () => {
    const { storage, store } = setup({ 'c/a': null, 'c/b': null });
    storage.setItem(
      'playground.editor.lesson.c/a',
      JSON.stringify({ v: 1, files: [{ name: 'local.py', content: 'mine' }], active: 'local.py' }),
    );
    store.open('c/a');
    await vi.advanceTimersByTimeAsync(0);
    expect(store.state.files).toEqual([{ name: 'local.py', content: 'mine' }]);
    store.open('c/b');
    await vi.advanceTimersByTimeAsync(0);
    expect(store.state.files).toEqual(asLesson(seed));
  });

  test('an unreachable server falls back to the local copy', async () => {
    const { store } = setup({ 'c/l': 'offline' });
    store.open('c/l');
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getSnapshot().key).toBe('playground.editor.lesson.c/l');
    expect(store.state.files).toEqual(asLesson(seed));
  });

  test('changes go to the remote under the lesson; opening another lesson flushes it', async () => {
    const { store, saved, flushes } = setup({ 'c/a': null, 'c/b': null });
    store.open('c/a');
    await vi.advanceTimersByTimeAsync(0);
    store.edit('seed.py', 'edited');
    expect(saved).toEqual([{ lesson: 'c/a', files: [{ name: 'seed.py', content: 'edited', base: seed[0].content }] }]);
    const before = flushes();
    store.open('c/b');
    expect(flushes()).toBe(before + 1);
  });

  test('the answer for a lesson left before it came is dropped', async () => {
    let resolveA!: (files: null) => void;
    const storage = new MemoryStorage();
    const store = new FileStore(storage, (lesson) => (lesson === 'c/a' ? seed : [{ name: 'b.py', content: '' }]), {
      load: (lesson) =>
        lesson === 'c/a' ? new Promise((r) => (resolveA = r)) : Promise.resolve([{ name: 'b.py', content: 'B' }]),
      save: () => {},
      flush: () => {},
    });
    store.open('c/a');
    store.open('c/b');
    await vi.advanceTimersByTimeAsync(0);
    resolveA(null);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getSnapshot().key).toBe('playground.editor.lesson.c/b');
    // Saved by an editor that kept no lesson versions: the lesson's file of that name gives it one.
    expect(store.state.files).toEqual([{ name: 'b.py', content: 'B', base: '' }]);
    expect(store.getSnapshot().modified).toEqual(['b.py']);
  });

  test('each file goes to the server with its lesson version, and comes back with it', async () => {
    const server = fakeServer();
    const remote = new RemoteFilePersistence({ fetch: server.fetch });
    remote.save('c/l', [
      { name: 'run.py', content: 'edited', base: 'from the lesson' },
      { name: 'mine.py', content: 'x' },
      { name: 'big.py', content: 'y', base: 'z'.repeat(MAX_SAVED_FILE_BYTES + 1) },
    ]);
    await vi.advanceTimersByTimeAsync(REMOTE_SAVE_DELAY_MS);
    expect(server.puts()[0].body).toEqual({
      lesson: 'c/l',
      files: [
        { name: 'run.py', content: 'edited', base: 'from the lesson' },
        { name: 'mine.py', content: 'x' },
        // Too big to keep: the file counts as the learner's own on the server.
        { name: 'big.py', content: 'y' },
      ],
    });
  });
});
