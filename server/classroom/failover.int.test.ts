// Failover when an instance dies the hard way: instance A runs in a process of its own and is
// killed with SIGKILL, with the memcached and Redis it ran for its learners, as a machine that
// loses power would go — no goodbye on the event channel, nothing flushed. Through the repository's
// HAProxy, A's learners' next connection lands on B, which rebuilds each workspace: progress and
// saved files from the store, Redis from its last snapshot, the shared vhost and database as they
// were, memcached empty (docs/scaling.md, "Failover"). A dashboard on B, open all along, shows
// them back online there; one who does not come back goes offline once A misses its heartbeats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassEvent, LearnerView } from '../../shared/classroom-api.ts';
import { MOVED_NOTICE } from '../app.ts';
import { ClassroomDriver, EventStream, type Learner } from '../testing/classroom-client.ts';
import { INSTANCES_SECRET, startClassroomInstance, type ClassroomInstance } from '../testing/classroom-instances.ts';
import { startInstanceProcess, type InstanceProcess } from '../testing/classroom-instance-process.ts';
import { testBackends } from '../testing/classroom-backends.ts';
import { startBalancer, type Balancer } from '../testing/haproxy.ts';
import { TestDatabases } from '../testing/store/mysql-test-db.ts';
import type { PlaygroundClient } from '../ws/playground-client.ts';

const LEARNERS = 6;
const LESSON = 'memcached/what-it-is';
const STEP = 'the-cache-idea';
const SNAPSHOT_EVERY_MS = 300;
/** Instances' "here" beats, quick so that A is known gone within about a second (roster.ts). */
const HEARTBEAT_MS = 300;
const FILES_LESSON = 'redis/strings';

const databases = new TestDatabases();
let a: InstanceProcess;
let b: ClassroomInstance;
let lb: Balancer;
let classId = '';
const learners: Learner[] = [];
const sockets: PlaygroundClient[] = [];
/** The learners whose workspace A runs: both answer, and B holds theirs not. */
const onA: Learner[] = [];
/** Of those, the ones who connect again after A dies, and the one who does not. */
let moved: Learner[] = [];
let away: Learner;
/** The instructor's dashboard on B, open before A dies. */
let dashboard: EventStream<ClassEvent>;

const onB = (learner: Learner) => b.holdsLearner(learner.id);

beforeAll(async () => {
  const shared = {
    ...testBackends(databases.newUrl()),
    snapshotEveryMs: SNAPSHOT_EVERY_MS,
    heartbeatMs: HEARTBEAT_MS,
  };
  a = await startInstanceProcess('a', shared);
  b = await startClassroomInstance('b', shared);
  lb = await startBalancer(new URL(a.baseUrl).host, new URL(b.baseUrl).host);
  const driver = new ClassroomDriver(lb.baseUrl, INSTANCES_SECRET);
  const klass = await driver.createClass('Power cut');
  classId = klass.id;
  for (let i = 0; i < LEARNERS; i++) {
    const learner = await driver.join(klass.code, `Learner ${i + 1}`);
    const socket = await learner.connect();
    learners.push(learner);
    sockets.push(socket);
    for (const service of ['memcached', 'redis', 'mysql'] as const) await socket.open(service, service, 30_000);
  }
  for (const learner of learners) if (!(await onB(learner))) onA.push(learner);
  moved = onA.slice(0, -1);
  away = onA[onA.length - 1];
  dashboard = await EventStream.open<ClassEvent>(`${b.baseUrl}/api/classes/${classId}/events`, {
    authorization: `Bearer ${INSTANCES_SECRET}`,
  });
}, 180_000);

/** The learner as the dashboard shows them now: the last event that carried them. */
function shown(id: string): LearnerView | undefined {
  for (let i = dashboard.events.length - 1; i >= 0; i--) {
    const e = dashboard.events[i];
    if (e.kind === 'learner' && e.learner.id === id) return e.learner;
    if (e.kind === 'snapshot') return e.detail.learners.find((l) => l.id === id);
  }
  return undefined;
}

const attempts = (id: string) => shown(id)?.steps[`${LESSON}/${STEP}`]?.attempts ?? 0;

afterAll(async () => {
  dashboard?.close();
  for (const s of sockets) s.close();
  await lb?.stop();
  await a?.kill();
  await b?.stop();
  await databases.dropAll();
}, 60_000);

describe('an instance killed with SIGKILL', () => {
  it('held some of the learners, each working there before it went', async () => {
    expect(onA.length).toBeGreaterThan(1);
    expect(onA.length).toBeLessThan(LEARNERS);
    for (const learner of onA) {
      const socket = sockets[learners.indexOf(learner)];
      expect(await socket.run('redis', `SET kept:across "${learner.id}"`)).toContain('OK');
      await socket.run('memcached', 'set cached 0 0 4');
      const from = socket.terminal('memcached').output.length;
      await socket.run('memcached', 'warm');
      await socket.waitForOutput('memcached', /STORED/, from);
      await socket.run('mysql', 'CREATE TABLE kept (who VARCHAR(40));');
      expect(await socket.run('mysql', `INSERT INTO kept VALUES ('${learner.id}');`)).toMatch(/1 row/);
      const files = await learner.fetch('/api/files', {
        method: 'PUT',
        body: JSON.stringify({ lesson: FILES_LESSON, files: [{ name: 'main.py', content: `print("${learner.id}")` }] }),
      });
      expect(files.status).toBe(200);
      const check = await learner.fetch(`/api/lessons/${LESSON}/steps/${STEP}/check`, { method: 'POST' });
      expect(check.status).toBe(200);
      const current = await learner.fetch('/api/progress/current', {
        method: 'PUT',
        body: JSON.stringify({ lesson: LESSON }),
      });
      expect(current.status).toBe(200);
    }
    // B's dashboard hears A's learners: online, their check counted.
    await dashboard.until(() => onA.every((l) => shown(l.id)?.online === true && attempts(l.id) === 1));
  });

  it('sends its learners to the other instance, which rebuilds their workspaces with what they had', async () => {
    // A snapshot of each learner's Redis has left A since their write.
    await new Promise((r) => setTimeout(r, SNAPSHOT_EVERY_MS * 4));
    await a.kill();
    for (const learner of onA) sockets[learners.indexOf(learner)].close();
    await Promise.all(
      moved.map(async (learner) => {
        const socket = await learner.connect();
        sockets.push(socket);
        await socket.open('redis', 'redis', 30_000);
        await socket.open('memcached', 'memcached', 30_000);
        await socket.open('mysql', 'mysql', 30_000);
        // Told, in a line, rather than shown an error.
        await socket.until(() => socket.messages.some((m) => m.type === 'notice' && m.message === MOVED_NOTICE));
        expect(await onB(learner)).toBe(true);
        // Redis as its last snapshot left it; memcached, a cache, starts empty; the database is shared.
        expect(await socket.run('redis', 'GET kept:across')).toContain(`"${learner.id}"`);
        expect(await socket.run('memcached', 'get cached')).not.toContain('warm');
        expect(await socket.run('mysql', 'SELECT who FROM kept;')).toContain(learner.id);
        const files = (await (await learner.fetch(`/api/files?lesson=${FILES_LESSON}`)).json()) as {
          files: Array<{ content: string }>;
        };
        expect(files.files[0].content).toBe(`print("${learner.id}")`);
        const course = (await (await learner.fetch('/api/course')).json()) as {
          progress: { current: string | null };
        };
        expect(course.progress.current).toBe(LESSON);
      }),
    );
  });

  it('the dashboard open on the instance left shows who came back online, and who did not', async () => {
    await dashboard.until(
      () => moved.every((l) => shown(l.id)?.online === true) && shown(away.id)?.online === false,
      10_000,
    );
    for (const learner of moved) {
      const check = await learner.fetch(`/api/lessons/${LESSON}/steps/${STEP}/check`, { method: 'POST' });
      expect(check.status).toBe(200);
    }
    await dashboard.until(() => moved.every((l) => attempts(l.id) === 2));
    expect(attempts(away.id)).toBe(1);
  });
});
