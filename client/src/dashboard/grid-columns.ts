// The grid's columns grouped as the course outline is: steps under their lesson, lessons under their
// course. ~120 steps in ~31 lessons do not fit as titles, so headers are short and the full titles
// sit in tooltips.
import type { StepColumn } from '../../../shared/classroom-api.ts';

export interface LessonGroup {
  /** "course/lesson" */
  key: string;
  course: string;
  lesson: string;
  title: string;
  /** 1-based position of the lesson in its course, as the outline counts. */
  number: number;
  columns: StepColumn[];
}

export interface CourseGroup {
  course: string;
  title: string;
  lessons: LessonGroup[];
  /** Step columns under the course. */
  span: number;
}

/**
 * Groups consecutive columns by course, then lesson, keeping their order (the server sends them in
 * course order). `courseTitles` names courses by slug; a slug without one is shown as it is.
 */
export function groupColumns(columns: readonly StepColumn[], courseTitles: Record<string, string> = {}): CourseGroup[] {
  const courses: CourseGroup[] = [];
  for (const column of columns) {
    let course = courses.at(-1);
    if (!course || course.course !== column.course) {
      course = { course: column.course, title: courseTitles[column.course] ?? column.course, lessons: [], span: 0 };
      courses.push(course);
    }
    let lesson = course.lessons.at(-1);
    if (!lesson || lesson.lesson !== column.lesson) {
      lesson = {
        key: `${column.course}/${column.lesson}`,
        course: column.course,
        lesson: column.lesson,
        title: column.lessonTitle,
        number: course.lessons.length + 1,
        columns: [],
      };
      course.lessons.push(lesson);
    }
    lesson.columns.push(column);
    course.span++;
  }
  return courses;
}

/** Words that say little at the start of a title ("What memcached is" → "memcached"). */
const FILLER = new Set(['a', 'an', 'the', 'what', 'why', 'how', 'and', 'of', 'to', 'your', 'in', 'with']);

/** Characters a lesson header can show per step column under it. */
const CHARS_PER_COLUMN = 2.2;

/**
 * A lesson's header: its number, then as much of its first telling word as the columns under it
 * have room for ("3 Read…" over three steps, "1" over one).
 */
export function lessonAbbreviation(group: Pick<LessonGroup, 'number' | 'title' | 'columns'>): string {
  const number = String(group.number);
  const room = Math.floor(group.columns.length * CHARS_PER_COLUMN) - number.length - 1;
  if (room < 3) return number;
  // Words without the punctuation around them ("Strings," → "Strings").
  const words = group.title
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter(Boolean);
  const word = words.find((w) => !FILLER.has(w.toLowerCase())) ?? words[0] ?? '';
  if (word === '') return number;
  return `${number} ${word.length <= room ? word : `${word.slice(0, room - 1)}…`}`;
}

/** Where a learner is, briefly ("redis 3") and in full ("Redis · 3. Lists and sets"). */
export function lessonPlace(
  groups: readonly CourseGroup[],
  current: string | null,
): { short: string; full: string } | null {
  if (!current) return null;
  for (const course of groups) {
    const lesson = course.lessons.find((l) => l.key === current);
    if (lesson)
      return { short: `${course.title} ${lesson.number}`, full: `${course.title} · ${lesson.number}. ${lesson.title}` };
  }
  return { short: current, full: current };
}
