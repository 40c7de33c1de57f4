// "A fifth service is one folder and one registry line", shown: server/testing/kv-service/ is a
// throw-away line-protocol service whose folder holds its adapter, its server and a lesson. Added
// to a registry (the ServiceSet below) beside the four real ones, it gets a private instance from
// the supervisor, a terminal over the WebSocket, its place in `hello`, lesson checks and a lesson
// reset through the lesson API and lessons:check, a snippet variable, and an instance per learner
// from the classroom's workspace manager — and no file outside its folder names it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/protocol.ts';
import { createPlaygroundServer, type PlaygroundServer } from '../app.ts';
import { openClassroomStore } from '../classroom/store/index.ts';
import type { ClassroomStore } from '../classroom/store/types.ts';
import { WorkspaceManager } from '../classroom/workspaces/manager.ts';
import { checkLesson } from '../lessons/course-check.ts';
import { allLessons, loadCourse } from '../lessons/load-course.ts';
import { buildRunNetwork } from '../runner/run-network.ts';
import { testEndpoint } from '../testing/endpoints.ts';
import { kv, kvCommand } from '../testing/kv-service/index.ts';
import { freshTestDataDir } from '../stack.ts';
import { isAlive } from '../util/process.ts';
import { PlaygroundClient } from '../ws/playground-client.ts';
import { SERVICES } from './registry.ts';
import { ServiceSet } from './service-set.ts';
import { Supervisor } from './supervisor.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const KV_FOLDER = path.join(ROOT, 'server', 'testing', 'kv-service');
const LESSONS = path.join(KV_FOLDER, 'lessons');

/** The registry of this test: the playground's own four, and one line more. */
const FIVE = new ServiceSet([...SERVICES.adapters, kv]);

let dataDir: string;
let supervisor: Supervisor;
let app: PlaygroundServer;
let baseUrl: string;

beforeAll(async () => {
  dataDir = path.join(await freshTestDataDir(), `fifth-${Date.now()}`);
  // The four real services are the test stack's, given by URL (they answer at once); kv is private.
  const env = Object.fromEntries(SERVICES.adapters.map((a) => [a.urlEnv, testEndpoint(a.name).url]));
  supervisor = new Supervisor({ adapters: FIVE.adapters, dataDir, env });
  const statuses = await supervisor.startAll();
  expect(statuses.kv).toMatchObject({ ok: true, managed: true, version: '1.0' });
  app = await createPlaygroundServer({ supervisor, lessonsDir: LESSONS, dataDir, clientDir: '/nonexistent' });
  baseUrl = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
});

afterAll(async () => {
  await app?.close();
  await supervisor?.stopAll();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('a fifth service, added as a folder and a registry line', () => {
  it('touches no file outside its folder: nothing else in the code names it', () => {
    // git grep exits 1 when nothing matches: fine, that is the point.
    const found = spawnSync(
      'git',
      ['grep', '-l', '-w', '-e', 'kv', '-e', 'KV_URL', '--', 'server', 'client', 'shared'],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(found.status === 0 || found.status === 1, found.stderr).toBe(true);
    const outside = found.stdout
      .split('\n')
      .filter(
        (f) => f && !f.startsWith('server/testing/kv-service/') && f !== 'server/services/fifth-service.int.test.ts',
      );
    expect(outside).toEqual([]);
  });

  it('is run by the supervisor, listed in hello, and gets a terminal over the WebSocket', async () => {
    const client = await PlaygroundClient.connect(baseUrl);
    try {
      const hello = client.messages.find((m) => m.type === 'hello') as Extract<ServerMessage, { type: 'hello' }>;
      expect(hello.catalog.map((s) => s.name)).toEqual(['memcached', 'redis', 'rabbitmq', 'mysql', 'kv']);
      expect(hello.catalog[4]).toEqual({
        name: 'kv',
        title: 'KV',
        promptsBeforeReply: false,
        conventionalPort: 7070,
        variable: 'KV_URL',
        inspect: false,
      });
      expect(hello.services.kv).toMatchObject({ ok: true, state: 'ready' });
      const t = await client.open('t-kv', 'kv');
      expect(t.errors).toEqual([]);
      expect(await client.run('t-kv', 'SET colour blue')).toContain('OK');
      expect(await client.run('t-kv', 'GET colour')).toContain('VALUE blue');
    } finally {
      client.close();
    }
  });

  it('checks a lesson step, and starts the lesson fresh, through the lesson API', async () => {
    const lesson = 'kv/first';
    const post = async (url: string) => (await fetch(`${baseUrl}${url}`, { method: 'POST' })).json();
    const endpoint = supervisor.endpoint('kv')!;
    await kvCommand(endpoint, 'SET greeting hello');
    expect(await post(`/api/lessons/${lesson}/steps/store-a-greeting/check`)).toEqual({
      ok: true,
      results: [{ ok: true, message: 'kv key "greeting" holds "hello"' }],
    });
    expect(await post(`/api/lessons/${lesson}/reset`)).toEqual({
      ok: true,
      cleared: ['kv key "greeting"'],
      errors: [],
    });
    expect(await post(`/api/lessons/${lesson}/steps/store-a-greeting/check`)).toEqual({
      ok: false,
      results: [{ ok: false, message: 'kv has no key "greeting". SET stores it.' }],
    });
  });

  it('runs its lesson as lessons:check does: the ```kv block typed into its terminal, then the check', async () => {
    const [lesson] = allLessons(await loadCourse(LESSONS, FIVE));
    const result = await checkLesson(lesson, { baseUrl, targets: supervisor, services: FIVE });
    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(true);
  });

  it('gives a snippet run its variable, pointing into the sandbox, and its conventional port', () => {
    const { env, forwards } = buildRunNetwork({ kv: { url: '127.0.0.1:41234', address: '127.0.0.1:41234' } }, FIVE);
    expect(env).toEqual({ KV_URL: '127.0.0.1:41234' });
    expect(forwards).toEqual([
      { port: 41234, host: '127.0.0.1', targetPort: 41234 },
      { port: 7070, host: '127.0.0.1', targetPort: 41234 },
    ]);
  });

  describe('in classroom mode', () => {
    let store: ClassroomStore;
    let manager: WorkspaceManager;

    beforeAll(async () => {
      const dir = path.join(dataDir, 'classroom');
      store = await openClassroomStore({ dataDir: dir });
      // Only kv: a learner's own instance of it needs no administrator access anywhere.
      manager = new WorkspaceManager({ services: new ServiceSet([kv]), admin: {}, store, dataDir: dir, prewarm: 0 });
      await manager.start();
    });

    afterAll(async () => {
      for (const w of (await store?.workspaces()) ?? []) await manager.destroy(w.id).catch(() => {});
      await manager?.close();
      await store?.close();
    });

    it('gives each learner an instance of their own, resets it and stops it', async () => {
      const [a, b] = await Promise.all([manager.claim('learner-a'), manager.claim('learner-b')]);
      const [ea, eb] = await Promise.all([manager.ensure(a), manager.ensure(b)]);
      expect(ea.kv.address).not.toBe(eb.kv.address);
      await kvCommand(ea.kv, 'SET mine a');
      expect(await kvCommand(eb.kv, 'GET mine')).toBe('NONE');
      await manager.reset(a);
      expect(await kvCommand(ea.kv, 'GET mine')).toBe('NONE');
      const pid = manager.pids(a).kv!;
      expect(isAlive(pid)).toBe(true);
      await manager.destroy(a);
      expect(isAlive(pid)).toBe(false);
    });
  });
});
