// Counting what the learner has done, from the course listing's progress ("course/lesson/step" →
// when). Only steps with a check count: a step without one has nothing to finish.
import type { CourseListing } from '../../../shared/lesson-api.ts';

type ListedLesson = CourseListing['courses'][number]['lessons'][number];

export interface LessonProgress {
  done: number;
  total: number;
  /** Every checked step is done (and there is at least one). */
  complete: boolean;
}

export const stepKey = (course: string, lesson: string, step: string): string => `${course}/${lesson}/${step}`;

export function lessonProgress(course: string, lesson: ListedLesson, done: Record<string, string>): LessonProgress {
  const checked = lesson.steps.filter((s) => s.hasCheck);
  const count = checked.filter((s) => stepKey(course, lesson.slug, s.id) in done).length;
  return { done: count, total: checked.length, complete: checked.length > 0 && count === checked.length };
}

export function courseProgress(course: CourseListing['courses'][number], done: Record<string, string>): LessonProgress {
  let d = 0;
  let t = 0;
  for (const l of course.lessons) {
    const p = lessonProgress(course.slug, l, done);
    d += p.done;
    t += p.total;
  }
  return { done: d, total: t, complete: t > 0 && d === t };
}

/** The listing with one more step done, as the server records it after a passing check. */
export function withStepDone(listing: CourseListing, key: string, at: Date): CourseListing {
  if (key in listing.progress.done) return listing;
  return { ...listing, progress: { ...listing.progress, done: { ...listing.progress.done, [key]: at.toISOString() } } };
}
