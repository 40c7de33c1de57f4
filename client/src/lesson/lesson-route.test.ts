import { expect, test } from 'vitest';
import type { CourseListing } from '../../../shared/lesson-api.ts';
import { formatHash, initialLesson, parseHash, parseLessonKey } from './lesson-route.ts';

const listing = (current: string | null): CourseListing => ({
  courses: [
    { slug: 'welcome', title: 'Welcome', services: [], lessons: [{ slug: 'start-here', title: 'Start', steps: [] }] },
    {
      slug: 'redis',
      title: 'Redis',
      services: ['redis'],
      lessons: [
        { slug: 'basics', title: 'Basics', steps: [] },
        { slug: 'lists', title: 'Lists', steps: [] },
      ],
    },
  ],
  progress: { done: {}, current },
});

test('reads #/course/lesson, with or without the folder numbers', () => {
  expect(parseHash('#/redis/lists')).toEqual({ course: 'redis', lesson: 'lists' });
  expect(parseHash('#redis/lists/')).toEqual({ course: 'redis', lesson: 'lists' });
  expect(parseHash('#/02-redis/03-lists')).toEqual({ course: 'redis', lesson: 'lists' });
  expect(parseHash('#/01-memcached/03-set-add-replace')).toEqual({ course: 'memcached', lesson: 'set-add-replace' });
});

test('ignores hashes that name no lesson', () => {
  for (const hash of ['', '#', '#/', '#/redis', '#/redis/lists/extra', '#/re dis/x', '#/%E0%A4%A/x', '#/../x']) {
    expect(parseHash(hash)).toBeNull();
  }
});

test('formats what it reads back', () => {
  const a = { course: 'mysql', lesson: 'joins' };
  expect(formatHash(a)).toBe('#/mysql/joins');
  expect(parseHash(formatHash(a))).toEqual(a);
  expect(parseLessonKey('redis/lists')).toEqual({ course: 'redis', lesson: 'lists' });
  expect(parseLessonKey(null)).toBeNull();
});

test('starts at the URL, else where the learner was, else the first lesson', () => {
  expect(initialLesson(listing('redis/basics'), '#/redis/lists')).toEqual({ course: 'redis', lesson: 'lists' });
  expect(initialLesson(listing('redis/basics'), '')).toEqual({ course: 'redis', lesson: 'basics' });
  expect(initialLesson(listing(null), '')).toEqual({ course: 'welcome', lesson: 'start-here' });
  // A stored lesson that no longer exists (renamed) falls back to the first.
  expect(initialLesson(listing('redis/gone'), '')).toEqual({ course: 'welcome', lesson: 'start-here' });
  expect(initialLesson({ courses: [], progress: { done: {}, current: null } }, '')).toBeNull();
});
