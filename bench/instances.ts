// A class on two app instances behind the repository's HAProxy, on loopback, with one store and
// one event channel (the figures of docs/deploy.md):
// 1. joins through HAProxy: join → four terminals ready, p50/p99, in waves of 10; then each
//    learner types 10 lines at their Redis, and the messages the event channel carried are counted;
// 2. a check run by a learner on instance A, until a dashboard held by instance B shows it: p50/p99;
// 3. failover: instance A is killed (SIGKILL, with its learners' memcached and Redis, as a machine
//    that dies); each of its learners reconnects through HAProxy and has a working terminal on B
//    with their progress: p50/p99 from the kill;
// 4. the same joins against one instance alone, in the same run, for comparison.
//   npx tsx bench/instances.ts [learners=100] [checks=200]
import fs from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { ClassEvent } from '../shared/classroom-api.ts';
import type { ServiceName } from '../shared/protocol.ts';
import { sharedAdminFromSupervisor } from '../server/classroom/workspaces/shared-admin.ts';
import { formatMysqlUrl, parseMysqlUrl } from '../server/services/mysql/mysql-url.ts';
import { freshTestDataDir, startStack } from '../server/stack.ts';
import { ClassroomDriver, EventStream, type Learner } from '../server/testing/classroom-client.ts';
import {
  INSTANCES_SECRET,
  startClassroomInstance,
  type SharedBackends,
} from '../server/testing/classroom-instances.ts';
import { startInstanceProcess } from '../server/testing/classroom-instance-process.ts';
import { startBalancer } from '../server/testing/haproxy.ts';
import type { PlaygroundClient } from '../server/ws/playground-client.ts';
import { summarize } from './stats.ts';

const LEARNERS = Number(process.argv[2] ?? 100);
const CHECKS = Number(process.argv[3] ?? 200);
const WAVE = 10;
const TERMINALS: ServiceName[] = ['memcached', 'redis', 'rabbitmq', 'mysql'];
const LESSON = 'memcached/what-it-is';
const STEP = 'the-cache-idea';

const dataDir = path.join(await freshTestDataDir('bench'), 'instances');
await fs.mkdir(dataDir, { recursive: true });
const stack = await startStack(dataDir, () => {}, { classroom: true });
let run = 0;
const backends = (): SharedBackends => ({
  endpoints: stack.endpoints,
  admin: sharedAdminFromSupervisor(stack.supervisor),
  // The playground's own MySQL account may make databases named playground_*.
  storeUrl: formatMysqlUrl({
    ...parseMysqlUrl(stack.endpoints.mysql.url),
    database: `playground_bench_${process.pid}_${++run}`,
  }),
  eventsUrl: stack.endpoints.redis.url,
});

/** Lines each learner types for the event channel's count. */
const TYPED_LINES = 10;

/** PUBLISHes the event channel's Redis has served so far (INFO commandstats). */
async function publishCounter(url: string): Promise<{ count(): Promise<number>; close(): void }> {
  const redis = new Redis(url);
  return {
    async count() {
      const stats = await redis.info('commandstats');
      return Number(/^cmdstat_publish:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
    },
    close: () => redis.disconnect(),
  };
}

const fmt = (xs: number[]) => {
  const s = summarize(xs);
  return `p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms (n=${s.n})`;
};

/** Joins `count` learners through `baseUrl`, each opening the four terminals; answers them and their join → ready times. */
async function joinClass(
  baseUrl: string,
  count: number,
): Promise<{ learners: Learner[]; sockets: PlaygroundClient[]; ms: number[]; classId: string }> {
  const driver = new ClassroomDriver(baseUrl, INSTANCES_SECRET);
  const klass = await driver.createClass(`Bench ${run}`);
  const learners: Learner[] = [];
  const sockets: PlaygroundClient[] = [];
  const ms: number[] = [];
  for (let from = 0; from < count; from += WAVE) {
    await Promise.all(
      Array.from({ length: Math.min(WAVE, count - from) }, async (_, k) => {
        const began = performance.now();
        const learner = await driver.join(klass.code, `Learner ${from + k + 1}`);
        const socket = await learner.connect();
        await Promise.all(TERMINALS.map((service) => socket.open(service, service, 60_000)));
        ms.push(performance.now() - began);
        learners.push(learner);
        sockets.push(socket);
      }),
    );
  }
  return { learners, sockets, ms, classId: klass.id };
}

try {
  const shared = backends();
  // A in a process of its own, to be killed; B in this one, to be looked into.
  const a = await startInstanceProcess('a', shared);
  const b = await startClassroomInstance('b', shared);
  const lb = await startBalancer(new URL(a.baseUrl).host, new URL(b.baseUrl).host);
  console.log(`${LEARNERS} learners, two instances behind HAProxy (one store, one event channel)`);

  const published = await publishCounter(stack.endpoints.redis.url);
  const joined = await joinClass(lb.baseUrl, LEARNERS);
  const onA: Learner[] = [];
  for (const l of joined.learners) if (!(await b.holdsLearner(l.id))) onA.push(l);
  console.log(
    `  joins through HAProxy: join → 4 terminals ready ${fmt(joined.ms)}; ${onA.length} on A, ${LEARNERS - onA.length} on B`,
  );
  // Every learner types at their Redis, as a class at work: what of it travels on the channel.
  const before = await published.count();
  await Promise.all(
    joined.sockets.map(async (socket) => {
      for (let i = 0; i < TYPED_LINES; i++) await socket.run('redis', `ECHO line-${i}`);
    }),
  );
  console.log(
    `  ${LEARNERS} learners typing ${TYPED_LINES} lines each, nobody watching: ${(await published.count()) - before} messages on the event channel`,
  );
  published.close();

  // A check on A, seen on B's dashboard.
  const stream = await EventStream.open<ClassEvent>(`${b.baseUrl}/api/classes/${joined.classId}/events`, {
    authorization: `Bearer ${INSTANCES_SECRET}`,
  });
  await stream.until((events) => events.some((e) => e.kind === 'snapshot'));
  const seen: number[] = [];
  const attempts = new Map<string, number>();
  for (let i = 0; i < CHECKS && onA.length > 0; i++) {
    const learner = onA[i % onA.length];
    const n = (attempts.get(learner.id) ?? 0) + 1;
    attempts.set(learner.id, n);
    const began = performance.now();
    const res = await learner.fetch(`/api/lessons/${LESSON}/steps/${STEP}/check`, { method: 'POST' });
    if (!res.ok) throw new Error(`check answered ${res.status}`);
    await stream.until((events) =>
      events.some(
        (e) =>
          e.kind === 'learner' &&
          e.learner.id === learner.id &&
          (e.learner.steps[`${LESSON}/${STEP}`]?.attempts ?? 0) >= n,
      ),
    );
    seen.push(performance.now() - began);
  }
  stream.close();
  console.log(`  a check on A → on B's dashboard: ${fmt(seen)}`);

  // Failover: A goes; its learners come back through HAProxy on B.
  for (const l of onA) {
    await l.fetch('/api/progress/current', { method: 'PUT', body: JSON.stringify({ lesson: LESSON }) });
  }
  for (const s of joined.sockets) s.close();
  const stopped = performance.now();
  await a.kill();
  const back: number[] = [];
  let kept = 0;
  await Promise.all(
    onA.map(async (learner) => {
      const socket = await learner.connect();
      await socket.open('redis', 'redis', 60_000);
      if (!(await socket.run('redis', 'PING', 30_000)).includes('PONG')) throw new Error('no PONG after failover');
      back.push(performance.now() - stopped);
      const course = (await (await learner.fetch('/api/course')).json()) as { progress: { current: string | null } };
      if (course.progress.current === LESSON) kept++;
      socket.close();
    }),
  );
  console.log(`  failover: A killed → its learners working on B ${fmt(back)}; progress kept ${kept} of ${onA.length}`);
  await lb.stop();
  await b.stop();

  // The same joins against one instance alone.
  const alone = await startClassroomInstance('alone', backends());
  const single = await joinClass(alone.baseUrl, LEARNERS);
  console.log(`  one instance alone: join → 4 terminals ready ${fmt(single.ms)}`);
  for (const s of single.sockets) s.close();
  await alone.stop();
} finally {
  await stack.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
