// The course outline beside the lesson: courses, their lessons with how many checked steps are
// done, the open lesson highlighted. It folds away to a narrow strip.
import type { CourseListing } from '../../../shared/lesson-api.ts';
import type { LessonAddress } from './lesson-route.ts';
import { courseProgress, lessonProgress } from './progress.ts';
import type { Loadable } from './use-course.ts';

interface Props {
  listing: Loadable<CourseListing>;
  current: LessonAddress | null;
  collapsed: boolean;
  onToggle: () => void;
  onOpen: (a: LessonAddress) => void;
  onRetry: () => void;
}

export function CourseSidebar({ listing, current, collapsed, onToggle, onOpen, onRetry }: Props) {
  return (
    <nav
      className={`course-sidebar${collapsed ? ' collapsed' : ''}`}
      aria-label="Course outline"
      data-testid="course-sidebar"
    >
      <button
        type="button"
        className="icon-button sidebar-toggle"
        aria-expanded={!collapsed}
        aria-label={collapsed ? 'Show the course outline' : 'Hide the course outline'}
        title={collapsed ? 'Show the course outline' : 'Hide the course outline'}
        data-testid="sidebar-toggle"
        onClick={onToggle}
      >
        {collapsed ? '»' : '«'}
      </button>
      {!collapsed && listing.kind === 'loading' && <p className="sidebar-note">Loading the courses…</p>}
      {!collapsed && listing.kind === 'failed' && (
        <div className="sidebar-note sidebar-error">
          <p>The course outline could not be loaded: {listing.message}</p>
          <button type="button" className="button button-small" onClick={onRetry}>
            Try again
          </button>
        </div>
      )}
      {!collapsed && listing.kind === 'ready' && listing.value.courses.length === 0 && (
        <p className="sidebar-note">There are no lessons yet.</p>
      )}
      {!collapsed && listing.kind === 'ready' && (
        <ol className="course-list">
          {listing.value.courses.map((course) => {
            const cp = courseProgress(course, listing.value.progress.done);
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
                    const p = lessonProgress(course.slug, l, listing.value.progress.done);
                    const isCurrent = current?.course === course.slug && current.lesson === l.slug;
                    return (
                      <li key={l.slug}>
                        <a
                          href={`#/${course.slug}/${l.slug}`}
                          className={`lesson-link${isCurrent ? ' current' : ''}${p.complete ? ' complete' : ''}`}
                          aria-current={isCurrent ? 'page' : undefined}
                          title={l.summary}
                          data-testid={`lesson-link-${course.slug}-${l.slug}`}
                          data-done={p.done}
                          data-total={p.total}
                          onClick={(e) => {
                            e.preventDefault();
                            onOpen({ course: course.slug, lesson: l.slug });
                          }}
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
      )}
    </nav>
  );
}
