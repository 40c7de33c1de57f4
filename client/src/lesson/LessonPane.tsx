// The left of the page: the course outline (foldable) and the open lesson, with the lesson keys
// (Alt+[ / Alt+]) for the lessons before and after.
import { useEffect, useRef, useState } from 'react';
import { shortcutFor } from '../shortcuts.ts';
import type { Workspace } from '../workspace.ts';
import { CourseSidebar } from './CourseSidebar.tsx';
import { LessonView } from './LessonView.tsx';
import type { CourseState } from './use-course.ts';

const SIDEBAR_KEY = 'playground.lesson.sidebar';

export function LessonPane({ course, workspace }: { course: CourseState; workspace: Workspace }) {
  const [collapsed, setCollapsed] = useState(() => workspace.storage?.getItem(SIDEBAR_KEY) === 'collapsed');
  const scroller = useRef<HTMLDivElement>(null);
  const { listing, lesson, address, open } = course;

  useEffect(() => {
    try {
      workspace.storage?.setItem(SIDEBAR_KEY, collapsed ? 'collapsed' : 'open');
    } catch {
      // Storage refused: the outline opens again on the next visit.
    }
  }, [collapsed, workspace.storage]);

  // A newly opened lesson starts at its top.
  const shownKey = lesson.kind === 'ready' ? `${lesson.value.course}/${lesson.value.slug}` : null;
  useEffect(() => {
    if (shownKey) scroller.current?.scrollTo({ top: 0 });
  }, [shownKey]);

  const prev = lesson.kind === 'ready' ? lesson.value.prev : null;
  const next = lesson.kind === 'ready' ? lesson.value.next : null;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = shortcutFor(event);
      if (action?.kind !== 'prev-lesson' && action?.kind !== 'next-lesson') return;
      event.preventDefault();
      event.stopPropagation();
      const to = action.kind === 'prev-lesson' ? prev : next;
      if (to && !event.repeat) open({ course: to.course, lesson: to.slug });
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [prev, next, open]);

  const courseTitle =
    lesson.kind === 'ready' && listing.kind === 'ready'
      ? (listing.value.courses.find((c) => c.slug === lesson.value.course)?.title ?? lesson.value.course)
      : lesson.kind === 'ready'
        ? lesson.value.course
        : '';
  const noLessons = listing.kind === 'ready' && address === null;

  return (
    <section className="lesson-pane" aria-label="Lesson" data-testid="lesson">
      <CourseSidebar
        listing={listing}
        current={address}
        collapsed={collapsed}
        onToggle={() => setCollapsed((c) => !c)}
        onOpen={open}
        onRetry={course.retryListing}
      />
      <div className="lesson-scroller" ref={scroller}>
        {noLessons && <div className="placeholder">There are no lessons yet: add one under lessons/.</div>}
        {!noLessons && listing.kind === 'failed' && address === null && (
          <div className="placeholder placeholder-error">
            <p>The course could not be loaded: {listing.message}</p>
            <button type="button" className="button" onClick={course.retryListing}>
              Try again
            </button>
          </div>
        )}
        {!noLessons && lesson.kind === 'loading' && !(listing.kind === 'failed' && address === null) && (
          <div className="placeholder" data-testid="lesson-loading">
            Loading the lesson…
          </div>
        )}
        {lesson.kind === 'failed' && (
          <div className="placeholder placeholder-error" data-testid="lesson-error">
            <p>
              The lesson{address ? ` “${address.course}/${address.lesson}”` : ''} could not be loaded: {lesson.message}
            </p>
            <button type="button" className="button" onClick={course.retryLesson}>
              Try again
            </button>
          </div>
        )}
        {lesson.kind === 'ready' && (
          <LessonView
            lesson={lesson.value}
            courseTitle={courseTitle}
            done={listing.kind === 'ready' ? listing.value.progress.done : {}}
            workspace={workspace}
            onOpen={open}
            onStepDone={course.stepDone}
          />
        )}
      </div>
    </section>
  );
}
