// What lessons:check does per lesson, on fixture lessons, through the test playground's WebSocket
// (terminals and sandboxed runs) and live services.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBaseUrl, testEndpoint, testTargets } from '../testing/endpoints.ts';
import { checkLesson, type LessonCheckOptions } from './course-check.ts';
import { allLessons, loadCourse } from './load-course.ts';
import type { Lesson } from './types.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

let lessons: Map<string, Lesson>;
let options: LessonCheckOptions;
const stepsSeen: string[] = [];

beforeAll(async () => {
  const tree = await loadCourse(path.join(HERE, 'fixtures', 'runnable'));
  lessons = new Map(allLessons(tree).map((l) => [l.slug, l]));
  options = {
    baseUrl: testBaseUrl(),
    targets: testTargets(),
    lineTimeoutMs: 2_000,
    onStep: (step, outcomes) => stepsSeen.push(`${step.id}: ${outcomes.map((o) => o.message).join(' | ')}`),
  };
});

afterAll(async () => {
  const redis = new Redis(testEndpoint('redis').url);
  const keys = await redis.keys('runnable*');
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('checkLesson', () => {
  it('runs terminal lines (memcached data lines too), snippets in both languages, a background run and a solution', async () => {
    const result = await checkLesson(lessons.get('all-kinds')!, options);
    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(stepsSeen).toEqual([
      'memcached-lines-data-lines-included: memcached key "runnable:greeting" holds "hello" | memcached key "runnable:count" holds "7"',
      'redis-rabbitmq-and-mysql-lines: Redis has key "runnable:jobs" (a list, holding ["a", "b", "c"]) | queue "runnable_q" exists (1 message, 0 consumers) | SELECT name FROM runnable_users ORDER BY id returned 2 rows',
      'programs-one-in-the-background: Redis has no key "runnable:inbox"',
      'a-solution-block-runs-too: Redis has key "runnable:solved" (a string, holding "yes")',
    ]);
    // A second run starts fresh (the reset) and passes again.
    expect((await checkLesson(lessons.get('all-kinds')!, options)).ok).toBe(true);
  });

  it('reports a failing check with its hint and the terminal output', async () => {
    const result = await checkLesson(lessons.get('failing-check')!, options);
    expect(result.ok).toBe(false);
    expect(result.failure).toBe(
      [
        'step "Nothing sets the key" (lesson.md:7): the check failed:',
        '    ✗ Redis has no key "runnable2:missing". Nothing here sets it.',
        '  redis terminal:',
        '      OK',
      ].join('\n'),
    );
  });

  it('reports a run that exits non-zero, with its output', async () => {
    const result = await checkLesson(lessons.get('crash')!, options);
    expect(result.ok).toBe(false);
    expect(result.failure).toMatch(/^step "Exit 3" \(lesson\.md:7\): crash\.py exited with code 3:\n {6}about to fail$/);
  });

  it('reports expected output that did not appear', async () => {
    const result = await checkLesson(lessons.get('wrong-output')!, options);
    expect(result.failure).toBe('step "Says the wrong thing" (lesson.md:7): say.py did not print "goodbye"; output:\n      hello');
  });

  it('reports a terminal line that never gets its prompt back', async () => {
    const result = await checkLesson(lessons.get('stuck-line')!, options);
    expect(result.failure).toMatch(/^step "Subscribe in a terminal block" \(lesson\.md:8\): the redis line "SUBSCRIBE runnable:never" got no reply \(no prompt within 2 s\); output:\n/);
  });

  it('with prove, reports a check that passes before its step and a step that breaks done twice, and lists the allowed ones', async () => {
    const plain = await checkLesson(lessons.get('proofs')!, options);
    expect(plain).toMatchObject({ ok: true, violations: [], allowed: [] });

    const result = await checkLesson(lessons.get('proofs')!, { ...options, prove: true });
    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(false);
    expect(result.violations).toHaveLength(2);
    expect(result.violations[0]).toMatch(
      /^step "Checks what the last step did" \(lesson\.md:\d+\): its check passes before the step is done \(Redis has key "runnable6:name"/,
    );
    expect(result.violations[1]).toMatch(
      /^done a second time, step "Counts once" \(lesson\.md:\d+\): the check failed:\n {4}✗ Redis key "runnable6:count" holds "2", not "1"/,
    );
    expect(result.allowed).toEqual([
      expect.stringMatching(/^step "Looks without changing anything" \(lesson\.md:\d+\): its check may pass before the step — the key is the first step's/),
      expect.stringMatching(/^step "Pushes one job" \(lesson\.md:\d+\): not repeatable — a second push makes two jobs/),
    ]);
  });

  it('with prove, runs a snippet written in two languages once in each', async () => {
    const result = await checkLesson(lessons.get('alternatives')!, { ...options, prove: true });
    expect(result).toMatchObject({ ok: true, violations: [], allowed: [] });
    const redis = new Redis(testEndpoint('redis').url);
    try {
      expect(await redis.mget('runnable7:python', 'runnable7:javascript')).toEqual(['yes', 'yes']);
    } finally {
      redis.disconnect();
    }
  });
});
