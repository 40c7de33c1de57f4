// The dashboard's grid columns: every step of every lesson, in course order.
import type { StepColumn } from '../../shared/classroom-api.ts';
import { allLessons } from '../lessons/load-course.ts';
import type { CourseTree } from '../lessons/types.ts';

export function stepColumns(tree: CourseTree): StepColumn[] {
  return allLessons(tree).flatMap((lesson) =>
    lesson.steps.map((step) => ({
      key: `${lesson.course}/${lesson.slug}/${step.id}`,
      course: lesson.course,
      lesson: lesson.slug,
      lessonTitle: lesson.title,
      title: step.title,
      hasCheck: step.checks.length > 0,
    })),
  );
}
