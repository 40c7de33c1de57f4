// Where the learner is, as the URL hash: `#/course/lesson` (slugs as the API names them, e.g.
// `#/redis/lists`). Folder names work too (`#/02-redis/03-lists`): the number prefix is what
// people copy from the lessons tree, so it is dropped rather than refused.
import type { CourseListing } from '../../../shared/lesson-api.ts';

export interface LessonAddress {
  course: string;
  lesson: string;
}

/** "course/lesson", the key the API uses for progress.current. */
export const lessonKey = (a: LessonAddress): string => `${a.course}/${a.lesson}`;

const SLUG = /^[a-z0-9-]+$/;
const stripNumber = (part: string) => part.replace(/^\d+-(?=.)/, '');

/** The address in a hash (`#/course/lesson`, with or without the leading slash); null when there is none. */
export function parseHash(hash: string): LessonAddress | null {
  const path = hash.replace(/^#\/?/, '').replace(/\/+$/, '');
  let parts: string[];
  try {
    parts = path.split('/').map((p) => decodeURIComponent(p).toLowerCase());
  } catch {
    return null;
  }
  if (parts.length !== 2 || !parts.every((p) => SLUG.test(p))) return null;
  return { course: stripNumber(parts[0]), lesson: stripNumber(parts[1]) };
}

export function formatHash(a: LessonAddress): string {
  return `#/${encodeURIComponent(a.course)}/${encodeURIComponent(a.lesson)}`;
}

/** Reads "course/lesson" (progress.current) back; null when it is not one. */
export function parseLessonKey(key: string | null): LessonAddress | null {
  return key ? parseHash(`#/${key}`) : null;
}

export function findInListing(listing: CourseListing, a: LessonAddress): boolean {
  return listing.courses.some((c) => c.slug === a.course && c.lessons.some((l) => l.slug === a.lesson));
}

/**
 * The lesson to open on load: the one in the URL, else the one the learner was on, else the first.
 * An address that names no lesson is kept when it is the URL's (the page then says so), dropped
 * when it is the stored one (a lesson renamed since).
 */
export function initialLesson(listing: CourseListing, hash: string): LessonAddress | null {
  const fromUrl = parseHash(hash);
  if (fromUrl) return fromUrl;
  const current = parseLessonKey(listing.progress.current);
  if (current && findInListing(listing, current)) return current;
  const course = listing.courses.find((c) => c.lessons.length > 0);
  return course ? { course: course.slug, lesson: course.lessons[0].slug } : null;
}
