// The several-instances setup as shipped: the repository's HAProxy configuration before two app
// instances on loopback, one store and one event channel. Learners join through the balancer and
// spread over both instances, each staying on the one that runs their workspace; a dashboard on
// either instance sees every check live; a broadcast reaches learners on both; and when one
// instance goes, its learners' next connection lands on the other, which takes their workspace
// over with their progress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassEvent } from '../../shared/classroom-api.ts';
import { MOVED_NOTICE } from '../app.ts';
import { ClassroomDriver, EventStream, type Learner } from '../testing/classroom-client.ts';
import { INSTANCES_SECRET, startClassroomInstance, type ClassroomInstance } from '../testing/classroom-instances.ts';
import { testBackends } from '../testing/classroom-backends.ts';
import { startBalancer, type Balancer } from '../testing/haproxy.ts';
import { TestDatabases } from '../testing/store/mysql-test-db.ts';
import type { PlaygroundClient } from '../ws/playground-client.ts';

const LEARNERS = 6;
const LESSON = 'memcached/what-it-is';
const STEP = 'the-cache-idea';
const SNAPSHOT_EVERY_MS = 300;

const databases = new TestDatabases();
let a: ClassroomInstance;
let b: ClassroomInstance;
let lb: Balancer;
let classId = '';
const learners: Learner[] = [];
const sockets: PlaygroundClient[] = [];

/** Which instance runs the learner's workspace now. */
async function home(learner: Learner): Promise<ClassroomInstance | null> {
  // B's store: A may be gone (the last test stops it).
  const workspaceId = (await b.classroom.store.learnerById(learner.id))!.workspaceId;
  if (a.workspaces.holds(workspaceId)) return a;
  if (b.workspaces.holds(workspaceId)) return b;
  return null;
}

beforeAll(async () => {
  const storeUrl = databases.newUrl();
  // Snapshots saved often, so the test need not wait a minute for one.
  const shared = { ...testBackends(storeUrl), snapshotEveryMs: SNAPSHOT_EVERY_MS };
  a = await startClassroomInstance('a', shared);
  b = await startClassroomInstance('b', shared);
  lb = await startBalancer(new URL(a.baseUrl).host, new URL(b.baseUrl).host);
  const driver = new ClassroomDriver(lb.baseUrl, INSTANCES_SECRET);
  const klass = await driver.createClass('Behind the balancer');
  classId = klass.id;
  for (let i = 0; i < LEARNERS; i++) learners.push(await driver.join(klass.code, `Learner ${i + 1}`));
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await lb?.stop();
  await a?.stop().catch(() => {});
  await b?.stop();
  await databases.dropAll();
}, 60_000);

describe('two instances behind HAProxy', () => {
  it('spreads the learners over both instances, each kept on the one that runs their workspace', async () => {
    for (const learner of learners) {
      const socket = await learner.connect();
      sockets.push(socket);
      await socket.open('redis', 'redis', 30_000);
      expect(await socket.run('redis', 'SET placed here')).toContain('OK');
    }
    const homes = await Promise.all(learners.map(home));
    expect(homes.filter((h) => h === a).length).toBeGreaterThan(0);
    expect(homes.filter((h) => h === b).length).toBeGreaterThan(0);
    // Sticky: every HTTP request of a learner reaches their workspace's instance (no second copy started).
    for (const learner of learners) {
      const before = await home(learner);
      expect((await learner.fetch('/api/course')).status).toBe(200);
      expect(await home(learner)).toBe(before);
    }
  });

  it('a dashboard on either instance sees every check as it is run, on both', async () => {
    const streams = await Promise.all(
      [a, b].map((instance) =>
        EventStream.open<ClassEvent>(`${instance.baseUrl}/api/classes/${classId}/events`, {
          authorization: `Bearer ${INSTANCES_SECRET}`,
        }),
      ),
    );
    for (const learner of learners) {
      const res = await learner.fetch(`/api/lessons/${LESSON}/steps/${STEP}/check`, { method: 'POST' });
      expect(res.status).toBe(200);
    }
    const checked = (events: ClassEvent[], id: string) =>
      events.some(
        (e) => e.kind === 'learner' && e.learner.id === id && (e.learner.steps[`${LESSON}/${STEP}`]?.attempts ?? 0) > 0,
      );
    for (const stream of streams) await stream.until((events) => learners.every((l) => checked(events, l.id)));
    for (const stream of streams) stream.close();
  });

  it('a snippet broadcast through the balancer reaches the learners on both instances', async () => {
    const res = await fetch(`${lb.baseUrl}/api/classes/${classId}/broadcast`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INSTANCES_SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'snippet', language: 'python', name: 'everyone.py', code: 'print(1)' }),
    });
    expect(res.status).toBe(200);
    for (const socket of sockets) {
      await socket.until(() =>
        socket.messages.some(
          (m) => m.type === 'broadcast' && m.event.kind === 'snippet' && m.event.name === 'everyone.py',
        ),
      );
    }
  });

  it('a drained instance takes no new learners; its own stay', async () => {
    const before = await Promise.all(learners.map(home));
    await lb.admin('set server app/app2 state drain');
    const driver = new ClassroomDriver(lb.baseUrl, INSTANCES_SECRET);
    const code = (await (await driver.instructor(`/api/classes/${classId}`)).json()) as { class: { code: string } };
    for (let i = 0; i < 4; i++) {
      const late = await driver.join(code.class.code, `Late ${i + 1}`);
      const { workspaceId } = (await b.classroom.store.learnerById(late.id))!;
      // The instance that answered the join starts the workspace: A, since B is drained.
      for (let t = 0; t < 100 && !a.workspaces.holds(workspaceId); t++) await new Promise((r) => setTimeout(r, 50));
      expect(a.workspaces.holds(workspaceId)).toBe(true);
      expect(b.workspaces.holds(workspaceId)).toBe(false);
    }
    expect(await Promise.all(learners.map(home))).toEqual(before);
    await lb.admin('set server app/app2 state ready');
  });

  it('when an instance goes, its learners come back on the other, with their progress', async () => {
    const moved: Learner[] = [];
    for (const learner of learners) if ((await home(learner)) === a) moved.push(learner);
    expect(moved.length).toBeGreaterThan(0);
    for (const learner of moved) {
      const put = await learner.fetch('/api/progress/current', {
        method: 'PUT',
        body: JSON.stringify({ lesson: LESSON }),
      });
      expect(put.status).toBe(200);
      const socket = sockets[learners.indexOf(learner)];
      expect(await socket.run('redis', `SET kept:across "${learner.id}"`)).toContain('OK');
    }
    // A snapshot of each learner's Redis has left A since.
    await new Promise((r) => setTimeout(r, SNAPSHOT_EVERY_MS * 4));
    // A dashboard open on A does not hold its stop up: its stream ends (the browser reconnects).
    const dashboard = await EventStream.open<ClassEvent>(`${a.baseUrl}/api/classes/${classId}/events`, {
      authorization: `Bearer ${INSTANCES_SECRET}`,
    });
    const began = performance.now();
    await a.stop();
    await dashboard.ended;
    for (const learner of moved) {
      const socket = await learner.connect();
      sockets.push(socket);
      await socket.open('redis', 'redis', 30_000);
      // Told, in a line, rather than shown an error.
      await socket.until(() => socket.messages.some((m) => m.type === 'notice' && m.message === MOVED_NOTICE));
      // Their Redis as its last snapshot left it (docs/scaling.md, "Failover").
      expect(await socket.run('redis', 'GET kept:across')).toContain(`"${learner.id}"`);
      expect(await home(learner)).toBe(b);
      const course = (await (await learner.fetch('/api/course')).json()) as { progress: { current: string | null } };
      expect(course.progress.current).toBe(LESSON);
    }
    expect(performance.now() - began).toBeLessThan(30_000);
  });
});
