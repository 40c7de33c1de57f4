// Two app instances acting as one classroom: one store, one event channel (Redis pub/sub), learners
// on either. A dashboard on one instance sees the other's learners come online and pass checks
// live, watches a learner held by the other, and a broadcast or a removal reaches learners on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassEvent, MirrorEvent } from '../../shared/classroom-api.ts';
import { ClassroomDriver, EventStream, type Learner } from '../testing/classroom-client.ts';
import { INSTANCES_SECRET, startClassroomInstance, type ClassroomInstance } from '../testing/classroom-instances.ts';
import { testBackends } from '../testing/classroom-backends.ts';
import { TestDatabases } from '../testing/store/mysql-test-db.ts';
import { PlaygroundClient } from '../ws/playground-client.ts';

const databases = new TestDatabases();
let a: ClassroomInstance;
let b: ClassroomInstance;
let classId = '';
let ada: Learner;
let bob: Learner;
let adaSocket: PlaygroundClient;
let bobSocket: PlaygroundClient;

beforeAll(async () => {
  const storeUrl = databases.newUrl();
  const shared = testBackends(storeUrl);
  a = await startClassroomInstance('a', shared);
  b = await startClassroomInstance('b', shared);
  const klass = await new ClassroomDriver(a.baseUrl, INSTANCES_SECRET).createClass('Two instances');
  classId = klass.id;
  // Each joins through a different instance, as the load balancer would place them.
  ada = await new ClassroomDriver(a.baseUrl, INSTANCES_SECRET).join(klass.code, 'Ada');
  bob = await new ClassroomDriver(b.baseUrl, INSTANCES_SECRET).join(klass.code, 'Bob');
}, 120_000);

afterAll(async () => {
  adaSocket?.close();
  bobSocket?.close();
  await a?.stop();
  await b?.stop();
  await databases.dropAll();
}, 60_000);

function dashboard(instance: ClassroomInstance): Promise<EventStream<ClassEvent>> {
  return EventStream.open<ClassEvent>(`${instance.baseUrl}/api/classes/${classId}/events`, {
    authorization: `Bearer ${INSTANCES_SECRET}`,
  });
}

const learnerEvent = (
  events: ClassEvent[],
  name: string,
  match: (l: Extract<ClassEvent, { kind: 'learner' }>['learner']) => boolean,
) => events.some((e) => e.kind === 'learner' && e.learner.name === name && match(e.learner));

describe('two instances, one classroom', () => {
  it('a dashboard on either instance sees learners of both come online and move, live', async () => {
    const onB = await dashboard(b);
    const onA = await dashboard(a);
    await onB.until((events) => events.some((e) => e.kind === 'snapshot'));
    adaSocket = await ada.connect();
    bobSocket = await bob.connect();
    // Ada's socket is on A, Bob's on B: each dashboard hears both.
    for (const stream of [onA, onB]) {
      await stream.until(
        (events) => learnerEvent(events, 'Ada', (l) => l.online) && learnerEvent(events, 'Bob', (l) => l.online),
      );
    }
    const began = performance.now();
    const put = await ada.fetch('/api/progress/current', {
      method: 'PUT',
      body: JSON.stringify({ lesson: 'redis/strings-and-expiry' }),
    });
    expect(put.status).toBe(200);
    await onB.until((events) => learnerEvent(events, 'Ada', (l) => l.current === 'redis/strings-and-expiry'));
    expect(performance.now() - began).toBeLessThan(2_000);
    onA.close();
    onB.close();
  });

  it('a dashboard opened later shows who is online on the other instance', async () => {
    const late = await dashboard(b);
    // The snapshot may predate the other instance's answer; the answer follows at once.
    await late.until((events) => learnerEvent(events, 'Ada', (l) => l.online));
    late.close();
  });

  it('the instructor on B watches Ada, whose terminal is on A', async () => {
    await adaSocket.open('redis', 'redis', 30_000);
    await adaSocket.run('redis', 'SET seen:before "typed before the watch"');
    const watch = await EventStream.open<MirrorEvent>(`${b.baseUrl}/api/classes/${classId}/learners/${ada.id}/watch`, {
      authorization: `Bearer ${INSTANCES_SECRET}`,
    });
    // The screen so far comes first (from A, on B's request), then what she types next.
    await watch.until((events) =>
      events.some((e) => e.kind === 'open' && (e.scrollback ?? '').includes('seen:before')),
    );
    await adaSocket.run('redis', 'GET seen:before');
    await watch.until((events) => events.some((e) => e.kind === 'output' && e.data.includes('typed before the watch')));
    watch.close();
  });

  it('a snippet broadcast on B reaches the learners on A and on B', async () => {
    const res = await fetch(`${b.baseUrl}/api/classes/${classId}/broadcast`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INSTANCES_SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'snippet', language: 'python', name: 'hello.py', code: 'print("hi")' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { learners: number }).learners).toBe(2);
    for (const socket of [adaSocket, bobSocket]) {
      await socket.until(() =>
        socket.messages.some(
          (m) => m.type === 'broadcast' && m.event.kind === 'snippet' && m.event.name === 'hello.py',
        ),
      );
    }
  });

  it('the instructor, working on A, mirrors their terminal to Bob on B, turned on through B', async () => {
    const login = await fetch(`${a.baseUrl}/api/instructor/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ secret: INSTANCES_SECRET }),
    });
    const cookie = /pg_instructor=[^;]+/.exec(login.headers.get('set-cookie') ?? '')?.[0];
    expect(cookie).toBeDefined();
    const instructor = await PlaygroundClient.connect(a.baseUrl, { headers: { cookie: cookie! } });
    await instructor.open('shown', 'redis', 30_000);
    const on = await fetch(`${b.baseUrl}/api/classes/${classId}/broadcast`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INSTANCES_SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'terminals', on: true }),
    });
    expect(on.status).toBe(200);
    // Live output, or the screen so far if the output came before B followed the instructor.
    const shown = (e: MirrorEvent) => (e.kind === 'output' ? e.data : e.kind === 'open' ? (e.scrollback ?? '') : '');
    const mirrored = (text: string) =>
      bobSocket.messages.some(
        (m) => m.type === 'broadcast' && m.event.kind === 'mirror' && shown(m.event.event).includes(text),
      );
    await instructor.run('shown', 'ECHO "from the front of the class"');
    await bobSocket.until(() => mirrored('from the front of the class'));
    instructor.close();
  });

  it('removing Ada on B closes her socket on A and stops her instances there', async () => {
    const workspaceId = (await a.classroom.store.learnerById(ada.id))!.workspaceId;
    expect(a.workspaces.holds(workspaceId)).toBe(true);
    const res = await fetch(`${b.baseUrl}/api/classes/${classId}/learners/${ada.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${INSTANCES_SECRET}` },
    });
    expect(res.status).toBe(200);
    await adaSocket.until(() => adaSocket.closed?.code === 4403, 10_000);
    await adaSocket.until(() => !a.workspaces.holds(workspaceId), 10_000);
    expect(bobSocket.closed).toBeNull();
  });
});
