// kill -9 of each of the four private servers under an open terminal, in a playground of its own
// (killing the shared test stack's servers would break the tests running beside this one): the
// learner is told within a second, the server is back and the terminal reconnected within the
// server's own start time plus 2 s, and the learner's lesson progress is still there.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlaygroundServer, type PlaygroundServer } from '../app.ts';
import { killAndTime } from '../testing/faults.ts';
import { PlaygroundClient } from '../ws/playground-client.ts';
import { SERVICES } from './registry.ts';
import { Supervisor } from './supervisor.ts';

/** The learner hears of the fault within this. */
const NOTIFY_LIMIT_MS = 1_000;
/** Beyond the server's own start: noticing, the restart's backoff, reconnecting the terminal. */
const RECOVERY_OVERHEAD_MS = 2_000;

let dir: string;
let supervisor: Supervisor;
let app: PlaygroundServer;
let baseUrl: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-faults-'));
  supervisor = new Supervisor({ adapters: SERVICES.adapters, dataDir: dir, env: {} });
  await supervisor.startAll();
  app = await createPlaygroundServer({ supervisor, lessonsDir: 'lessons', dataDir: dir, clientDir: '/nonexistent' });
  baseUrl = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await supervisor?.stopAll();
  await fs.rm(dir, { recursive: true, force: true });
}, 60_000);

describe('kill -9 of a private server during a session', () => {
  for (const adapter of SERVICES.adapters) {
    it(`${adapter.title}: told at once, back and reconnected within its start time + 2 s, progress kept`, async () => {
      const lesson = 'redis/persistence-and-replication';
      const put = await fetch(`${baseUrl}/api/progress/current`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ lesson }),
      });
      expect(put.status).toBe(200);
      // The progress is this browser's: its cookie names it.
      const cookie = put.headers.get('set-cookie')?.split(';')[0] ?? '';
      const c = await PlaygroundClient.connect(baseUrl);
      await c.open('t', adapter.name, 30_000);
      expect(c.terminal('t').exited).toBeNull();
      const pid = supervisor.pid(adapter.name)!;

      const timing = await killAndTime(c, 't', adapter.name, adapter.title, pid);
      const startMs = supervisor.lastStartMs(adapter.name)!;
      expect(supervisor.pid(adapter.name)).not.toBe(pid);
      expect(timing.notifiedMs).toBeLessThan(NOTIFY_LIMIT_MS);
      expect(timing.backMs - startMs).toBeLessThan(RECOVERY_OVERHEAD_MS);
      c.close();

      const course = (await (await fetch(`${baseUrl}/api/course`, { headers: { cookie } })).json()) as {
        progress: { current: string | null };
      };
      expect(course.progress.current).toBe(lesson);
    }, 180_000);
  }
});
