// The course outline beside the lesson: courses, their lessons with how many checked steps are
// done, the open lesson highlighted. A wide lesson pane shows it as a column (folded away with the
// toolbar's button); a narrower one, where a column would squeeze the lesson's lines, as a drawer
// over the lesson that closes once a lesson is picked (or with Escape).
import { useEffect, useRef } from 'react';
import type { CourseListing } from '../../../shared/lesson-api.ts';
import { CourseOutline } from './CourseOutline.tsx';
import { formatHash, type LessonAddress } from './lesson-route.ts';
import type { Loadable } from './use-course.ts';

export type OutlineMode = 'column' | 'drawer';

export const OUTLINE_ID = 'course-outline';

interface Props {
  listing: Loadable<CourseListing>;
  current: LessonAddress | null;
  mode: OutlineMode;
  onClose: () => void;
  onOpen: (a: LessonAddress) => void;
  onRetry: () => void;
}

export function CourseSidebar({ listing, current, mode, onClose, onOpen, onRetry }: Props) {
  const nav = useRef<HTMLElement>(null);

  // A drawer takes the keyboard to the open lesson's link, so Tab and Enter move on from there.
  useEffect(() => {
    if (mode !== 'drawer') return;
    const el = nav.current;
    const target =
      el?.querySelector<HTMLElement>('[aria-current="page"]') ?? el?.querySelector<HTMLElement>('a, button');
    target?.focus();
    target?.scrollIntoView({ block: 'nearest' });
  }, [mode, listing.kind]);

  const open = (a: LessonAddress) => {
    onOpen(a);
    if (mode === 'drawer') onClose();
  };

  return (
    <>
      {mode === 'drawer' && <div className="outline-scrim" aria-hidden="true" onClick={onClose} />}
      <nav
        id={OUTLINE_ID}
        ref={nav}
        className={`course-sidebar course-sidebar-${mode}`}
        aria-label="Course outline"
        data-testid="course-sidebar"
        data-mode={mode}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && mode === 'drawer') {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        {listing.kind === 'loading' && <p className="sidebar-note">Loading the courses…</p>}
        {listing.kind === 'failed' && (
          <div className="sidebar-note sidebar-error">
            <p>The course outline could not be loaded: {listing.message}</p>
            <button type="button" className="button button-small" onClick={onRetry}>
              Try again
            </button>
          </div>
        )}
        {listing.kind === 'ready' && listing.value.courses.length === 0 && (
          <p className="sidebar-note">There are no lessons yet.</p>
        )}
        {listing.kind === 'ready' && (
          <CourseOutline listing={listing.value} current={current} hrefOf={formatHash} onOpen={open} />
        )}
      </nav>
    </>
  );
}
