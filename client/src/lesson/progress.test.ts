import { expect, test } from 'vitest';
import type { CourseListing } from '../../../shared/lesson-api.ts';
import { courseProgress, lessonProgress, withStepDone } from './progress.ts';

const course: CourseListing['courses'][number] = {
  slug: 'redis',
  title: 'Redis',
  services: ['redis'],
  lessons: [
    {
      slug: 'lists',
      title: 'Lists',
      steps: [
        { id: 'push', title: 'Push', hasCheck: true },
        { id: 'read', title: 'Read', hasCheck: false },
        { id: 'pop', title: 'Pop', hasCheck: true },
      ],
    },
    { slug: 'intro', title: 'Intro', steps: [{ id: 'about', title: 'About', hasCheck: false }] },
  ],
};

test('counts only steps with a check', () => {
  expect(lessonProgress('redis', course.lessons[0], {})).toEqual({ done: 0, total: 2, complete: false });
  expect(lessonProgress('redis', course.lessons[0], { 'redis/lists/push': 't' })).toEqual({
    done: 1,
    total: 2,
    complete: false,
  });
  expect(lessonProgress('redis', course.lessons[0], { 'redis/lists/push': 't', 'redis/lists/pop': 't' })).toEqual({
    done: 2,
    total: 2,
    complete: true,
  });
});

test('a lesson with nothing to check is never "complete"; other lessons and courses do not count', () => {
  expect(lessonProgress('redis', course.lessons[1], { 'redis/intro/about': 't' })).toEqual({
    done: 0,
    total: 0,
    complete: false,
  });
  expect(lessonProgress('redis', course.lessons[0], { 'mysql/lists/push': 't', 'redis/other/push': 't' }).done).toBe(0);
});

test('sums a course, and marks a step done without losing the rest', () => {
  expect(courseProgress(course, { 'redis/lists/pop': 't' })).toEqual({ done: 1, total: 2, complete: false });
  const listing: CourseListing = {
    courses: [course],
    progress: { done: { 'redis/lists/pop': 'a' }, current: 'redis/lists' },
  };
  const next = withStepDone(listing, 'redis/lists/push', new Date('2026-01-01T00:00:00Z'));
  expect(next.progress).toEqual({
    done: { 'redis/lists/pop': 'a', 'redis/lists/push': '2026-01-01T00:00:00.000Z' },
    current: 'redis/lists',
  });
  expect(withStepDone(next, 'redis/lists/pop', new Date())).toBe(next);
});
