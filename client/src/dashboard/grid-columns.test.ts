import { describe, expect, test } from 'vitest';
import type { StepColumn } from '../../../shared/classroom-api.ts';
import { groupColumns, lessonAbbreviation, lessonPlace } from './grid-columns.ts';

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

  test('lesson headers shorten to what their columns have room for', () => {
    const lesson = (title: string, steps: number, number = 3) => ({ number, title, columns: columns.slice(0, steps) });
    expect(lessonAbbreviation(lesson('Reading and CAS', 1))).toBe('3');
    expect(lessonAbbreviation(lesson('Reading and CAS', 3))).toBe('3 Rea…');
    expect(lessonAbbreviation(lesson('Reading and CAS', 5))).toBe('3 Reading');
    // Filler words at the start give way to the word that says what the lesson is.
    expect(lessonAbbreviation(lesson('What memcached is', 6, 1))).toBe('1 memcached');
    expect(lessonAbbreviation(lesson('The', 6, 1))).toBe('1 The');
    expect(lessonAbbreviation(lesson('Strings, counters and expiry', 6, 2))).toBe('2 Strings');
    expect(lessonAbbreviation(lesson('"Core: tables as Python objects"', 6, 3))).toBe('3 Core');
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
