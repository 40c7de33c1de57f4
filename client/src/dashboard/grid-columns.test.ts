import { describe, expect, test } from 'vitest';
import type { StepColumn } from '../../../shared/classroom-api.ts';
import { groupColumns, lessonHeading, lessonHeadingLines, lessonPlace, stepHeading } from './grid-columns.ts';

const col = (course: string, lesson: string, lessonTitle: string, step: string, hasCheck = true): StepColumn => ({
  key: `${course}/${lesson}/${step}`,
  course,
  lesson,
  lessonTitle,
  title: step,
  hasCheck,
});

const columns = [
  col('welcome', 'start-here', 'Welcome to the playground', 'redis'),
  col('welcome', 'start-here', 'Welcome to the playground', 'memcached'),
  col('memcached', 'what-it-is', 'What memcached is', 'the-cache-idea'),
  col('memcached', 'what-it-is', 'What memcached is', 'flags', false),
  col('memcached', 'storing', 'Storing', 'set'),
  col('redis', 'lists-and-sets', 'Lists and sets', 'push'),
];

describe('grid columns', () => {
  test('groups steps under lessons under courses, in order, numbering lessons per course', () => {
    const groups = groupColumns(columns, { memcached: 'memcached', welcome: 'Welcome' });
    expect(groups.map((g) => [g.course, g.title, g.span])).toEqual([
      ['welcome', 'Welcome', 2],
      ['memcached', 'memcached', 3],
      ['redis', 'redis', 1],
    ]);
    expect(groups[1].lessons.map((l) => [l.key, l.number, l.title, l.columns.map((c) => c.title)])).toEqual([
      ['memcached/what-it-is', 1, 'What memcached is', ['the-cache-idea', 'flags']],
      ['memcached/storing', 2, 'Storing', ['set']],
    ]);
  });

  test('no columns, no groups', () => {
    expect(groupColumns([])).toEqual([]);
  });

  test('a lesson header is its whole title; a step header its number, named in full in its tooltip', () => {
    const [, memcached] = groupColumns(columns, { memcached: 'memcached' });
    const lesson = memcached.lessons[0];
    expect(lessonHeading(lesson)).toBe('1. What memcached is');
    expect(stepHeading(memcached, lesson, 0)).toEqual({
      label: '1',
      title: 'memcached · 1. What memcached is\nStep 1 of 2: the-cache-idea',
    });
    expect(stepHeading(memcached, lesson, 1).title).toBe(
      'memcached · 1. What memcached is\nStep 2 of 2: flags (no check)',
    );
  });

  test('a lesson header wraps up its columns, as many lines as they are wide, and says where it cuts', () => {
    const lesson = (title: string, steps: number, number = 3) => ({ number, title, columns: columns.slice(0, steps) });
    expect(lessonHeadingLines(lesson('Reading and CAS', 1))).toEqual(['3. Reading and CAS']);
    expect(lessonHeadingLines(lesson('Publish/subscribe with a fanout exchange', 3))).toEqual([
      '3. Publish/subscribe',
      'with a fanout',
      'exchange',
    ]);
    expect(lessonHeadingLines(lesson('Publish/subscribe with a fanout exchange', 1))).toEqual(['3. Publish/subscrib…']);
    expect(lessonHeadingLines(lesson('Publish/subscribe with a fanout exchange', 2))).toEqual([
      '3. Publish/subscribe',
      'with a fanout…',
    ]);
    // A word longer than a line is cut too.
    expect(lessonHeadingLines(lesson('Supercalifragilisticexpialidocious', 1))).toEqual(['3. Supercalifragili…']);
  });

  test('a learner’s place is named by course title and lesson number', () => {
    const groups = groupColumns(columns, { redis: 'Redis' });
    expect(lessonPlace(groups, 'redis/lists-and-sets')).toEqual({
      short: 'Redis 1',
      full: 'Redis · 1. Lists and sets',
    });
    expect(lessonPlace(groups, 'gone/lesson')).toEqual({ short: 'gone/lesson', full: 'gone/lesson' });
    expect(lessonPlace(groups, null)).toBeNull();
  });
});
