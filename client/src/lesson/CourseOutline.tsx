// The courses and their lessons as a list of links, with how many checked steps of each are done
// and the open lesson marked: the outline beside the lesson, and what a "not found" page offers.
import type { CourseListing } from '../../../shared/lesson-api.ts';
import type { LessonAddress } from './lesson-route.ts';
import { courseProgress, lessonProgress } from './progress.ts';

interface Props {
  listing: CourseListing;
  current: LessonAddress | null;
  /** Where a lesson's link goes: `#/course/lesson` in the workspace, `/#/…` from another page. */
  hrefOf: (a: LessonAddress) => string;
  /** Opens a lesson in place (the workspace); without it the links navigate. */
  onOpen?: (a: LessonAddress) => void;
}

export function CourseOutline({ listing, current, hrefOf, onOpen }: Props) {
  return (
    <ol className="course-list">
      {listing.courses.map((course) => {
        const cp = courseProgress(course, listing.progress.done);
        return (
          <li key={course.slug} className="course-item">
            <div className="course-title" title={course.summary}>
              <span>{course.title}</span>
              {cp.total > 0 && (
                <span className={`progress-count${cp.complete ? ' complete' : ''}`}>
                  {cp.done}/{cp.total}
                </span>
              )}
            </div>
            <ol className="lesson-list">
              {course.lessons.map((l) => {
                const p = lessonProgress(course.slug, l, listing.progress.done);
                const isCurrent = current?.course === course.slug && current.lesson === l.slug;
                const to = { course: course.slug, lesson: l.slug };
                return (
                  <li key={l.slug}>
                    <a
                      href={hrefOf(to)}
                      className={`lesson-link${isCurrent ? ' current' : ''}${p.complete ? ' complete' : ''}`}
                      aria-current={isCurrent ? 'page' : undefined}
                      title={l.summary}
                      data-testid={`lesson-link-${course.slug}-${l.slug}`}
                      data-done={p.done}
                      data-total={p.total}
                      onClick={
                        onOpen &&
                        ((e) => {
                          e.preventDefault();
                          onOpen(to);
                        })
                      }
                    >
                      <span className="lesson-link-title">{l.title}</span>
                      {p.total > 0 && (
                        <span
                          className={`progress-count${p.complete ? ' complete' : ''}`}
                          aria-label={`${p.done} of ${p.total} checks done`}
                        >
                          {p.complete ? `✓ ${p.done}/${p.total}` : `${p.done}/${p.total}`}
                        </span>
                      )}
                    </a>
                  </li>
                );
              })}
            </ol>
          </li>
        );
      })}
    </ol>
  );
}
