// The left of the page: a toolbar with the course outline's button and where the learner is, the
// outline (a column when the pane is wide enough, else a drawer), and the open lesson, with the
// lesson keys (Alt+[ / Alt+]) for the lessons before and after. The lesson opens where the
// learner was reading it in this tab (lesson-scroll.ts), a reload included.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { shortcutFor } from '../shortcuts.ts';
import type { Workspace } from '../workspace.ts';
import { CourseSidebar, OUTLINE_ID, type OutlineMode } from './CourseSidebar.tsx';
import { formatHash, lessonKey } from './lesson-route.ts';
import { LessonNotFound } from './LessonNotFound.tsx';
import { savedScroll, saveScroll } from './lesson-scroll.ts';
import { LessonView } from './LessonView.tsx';
import { lessonProgress } from './progress.ts';
import type { CourseState } from './use-course.ts';

const SIDEBAR_KEY = 'playground.lesson.sidebar';

/** The element the skip link and the lesson keys bring the keyboard to: the lesson's scroller. */
export const LESSON_MAIN_ID = 'lesson-main';

/**
 * The outline is a column beside the lesson only in a pane at least this wide (px): a column of
 * ~240 px beside prose of 60 characters a line. Narrower, it is a drawer over the lesson.
 */
export const OUTLINE_COLUMN_MIN_PX = 760;

/** A restored scroll position is held this long while the lesson's content settles. */
const RESTORE_SCROLL_MS = 1200;

export function LessonPane({ course, workspace }: { course: CourseState; workspace: Workspace }) {
  const [columnOpen, setColumnOpen] = useState(() => workspace.storage?.getItem(SIDEBAR_KEY) !== 'collapsed');
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [mode, setMode] = useState<OutlineMode>('drawer');
  const pane = useRef<HTMLElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const { listing, lesson, address, open } = course;

  useEffect(() => {
    try {
      workspace.storage?.setItem(SIDEBAR_KEY, columnOpen ? 'open' : 'collapsed');
    } catch {
      // Storage refused: the outline opens again on the next visit.
    }
  }, [columnOpen, workspace.storage]);

  // Column or drawer, by the pane's own width (the divider, the window and the tabs all change it).
  useLayoutEffect(() => {
    const el = pane.current!;
    const measure = () => setMode(el.clientWidth >= OUTLINE_COLUMN_MIN_PX ? 'column' : 'drawer');
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const outlineShown = mode === 'column' ? columnOpen : drawerOpen;
  const closeDrawer = () => {
    setDrawerOpen(false);
    toggle.current?.focus();
  };

  // A lesson opens where the learner left it in this tab (a reload), else at its top. Content
  // grows after the first paint (the blocks are drawn into the step's html), so for
  // RESTORE_SCROLL_MS the position is applied again as it grows, with the browser's scroll
  // anchoring off (it would move the position with the content), unless the learner scrolls.
  const shownKey = lesson.kind === 'ready' ? `${lesson.value.course}/${lesson.value.slug}` : null;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!shownKey || !el) return;
    const target = savedScroll(shownKey) ?? 0;
    el.scrollTop = target;
    if (target === 0) return;
    el.style.overflowAnchor = 'none';
    let done = false;
    const stop = () => {
      if (done) return;
      done = true;
      observer.disconnect();
      clearTimeout(timer);
      el.style.overflowAnchor = '';
      el.removeEventListener('wheel', stop);
      el.removeEventListener('keydown', stop);
      el.removeEventListener('pointerdown', stop);
    };
    const observer = new ResizeObserver(() => {
      if (!done) el.scrollTop = target;
    });
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    const timer = setTimeout(stop, RESTORE_SCROLL_MS);
    el.addEventListener('wheel', stop, { passive: true });
    el.addEventListener('keydown', stop);
    el.addEventListener('pointerdown', stop);
    return stop;
  }, [shownKey]);

  const frame = useRef(0);
  const onScroll = () => {
    if (!shownKey || frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      if (scroller.current) saveScroll(shownKey, scroller.current.scrollTop);
    });
  };

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

  const listedCourse =
    listing.kind === 'ready' && address ? listing.value.courses.find((c) => c.slug === address.course) : undefined;
  const courseTitle = listedCourse?.title ?? (lesson.kind === 'ready' ? lesson.value.course : '');
  const listedLesson = listedCourse?.lessons.find((l) => l.slug === address?.lesson);
  const progress =
    listing.kind === 'ready' && listedLesson && address
      ? lessonProgress(address.course, listedLesson, listing.value.progress.done)
      : null;
  const noLessons = listing.kind === 'ready' && address === null;
  const notFound = lesson.kind === 'failed' && lesson.notFound === true;

  return (
    <section className="lesson-pane" aria-label="Lesson" data-testid="lesson" ref={pane} data-outline={mode}>
      <div className="pane-toolbar lesson-toolbar">
        <button
          ref={toggle}
          type="button"
          className={`icon-button outline-toggle${outlineShown ? ' active' : ''}`}
          aria-expanded={outlineShown}
          aria-controls={OUTLINE_ID}
          aria-label={outlineShown ? 'Hide the course outline' : 'Show the course outline'}
          title={outlineShown ? 'Hide the course outline' : 'Show the course outline'}
          data-testid="sidebar-toggle"
          onClick={() => (mode === 'column' ? setColumnOpen((o) => !o) : setDrawerOpen((o) => !o))}
        >
          <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
            <path d="M2.5 4h11M2.5 8h11M2.5 12h11" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
          </svg>
        </button>
        <span className="lesson-crumb" data-testid="lesson-crumb">
          {courseTitle && <span className="lesson-crumb-course">{courseTitle}</span>}
          {lesson.kind === 'ready' && <span className="lesson-crumb-title">{lesson.value.title}</span>}
        </span>
        {progress && progress.total > 0 && (
          <span
            className={`progress-count lesson-crumb-progress${progress.complete ? ' complete' : ''}`}
            aria-label={`${progress.done} of ${progress.total} checks of this lesson done`}
          >
            {progress.done}/{progress.total}
          </span>
        )}
      </div>
      <div className="lesson-body">
        {outlineShown && (
          <CourseSidebar
            listing={listing}
            current={address}
            mode={mode}
            onClose={closeDrawer}
            onOpen={open}
            onRetry={course.retryListing}
          />
        )}
        <div className="lesson-scroller" id={LESSON_MAIN_ID} tabIndex={-1} ref={scroller} onScroll={onScroll}>
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
          {notFound && address && (
            <LessonNotFound
              asked={lessonKey(address)}
              what="lesson"
              listing={listing}
              hrefOf={formatHash}
              onOpen={open}
              onRetryListing={course.retryListing}
            />
          )}
          {lesson.kind === 'failed' && !notFound && (
            <div className="placeholder placeholder-error" data-testid="lesson-error">
              <p>
                The lesson{address ? ` “${lessonKey(address)}”` : ''} could not be loaded: {lesson.message}
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
            />
          )}
        </div>
      </div>
    </section>
  );
}
