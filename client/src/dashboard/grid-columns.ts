// The grid's columns grouped as the course outline is: steps under their lesson, lessons under their
// course. ~140 steps in ~31 lessons are too narrow for titles written across, so the grid writes
// each lesson's title up the columns under it (ProgressGrid.tsx), numbers the steps below it, and
// names each step in full in its tooltip.
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

/** A lesson's header, written up its columns: "3. Reading and CAS". */
export function lessonHeading(lesson: Pick<LessonGroup, 'number' | 'title'>): string {
  return `${lesson.number}. ${lesson.title}`;
}

/**
 * Characters that fit up one line of a lesson header  (dashboard.css: 11 px type up a 144 px
 * header: 20 of them measure at most ~130 px). Wrapping is done here, not by the browser, so the header
 * can say "…" where it cuts instead of clipping a line half seen.
 */
export const LESSON_HEAD_LINE_CHARS = 20;
/** Lines of vertical text side by side per step column (15 px columns, 14 px lines). */
const LINES_PER_COLUMN = 15 / 14;

/** The lesson's header as the lines written up its columns: as many as its columns are wide. */
export function lessonHeadingLines(lesson: Pick<LessonGroup, 'number' | 'title' | 'columns'>): string[] {
  const room = Math.max(1, Math.floor(lesson.columns.length * LINES_PER_COLUMN));
  const lines: string[] = [];
  // The number stays with the first word: "3." alone on a line would waste the only line of a narrow lesson.
  const [first = '', ...rest] = lesson.title.split(/\s+/);
  for (const word of [`${lesson.number}. ${first}`, ...rest]) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= LESSON_HEAD_LINE_CHARS)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word.length > LESSON_HEAD_LINE_CHARS ? `${word.slice(0, LESSON_HEAD_LINE_CHARS - 1)}…` : word);
  }
  if (lines.length <= room) return lines;
  const kept = lines.slice(0, room);
  const cut = kept[room - 1];
  kept[room - 1] = cut.length < LESSON_HEAD_LINE_CHARS ? `${cut}…` : `${cut.slice(0, LESSON_HEAD_LINE_CHARS - 1)}…`;
  return kept;
}

/** The header of a lesson's `index`th step: its number, and a tooltip that names it in full. */
export function stepHeading(
  course: Pick<CourseGroup, 'title'>,
  lesson: Pick<LessonGroup, 'number' | 'title' | 'columns'>,
  index: number,
): { label: string; title: string } {
  const column = lesson.columns[index];
  const check = column.hasCheck ? '' : ' (no check)';
  return {
    label: String(index + 1),
    title: `${course.title} · ${lessonHeading(lesson)}\nStep ${index + 1} of ${lesson.columns.length}: ${column.title}${check}`,
  };
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
