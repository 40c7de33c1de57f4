// A path the playground has no page for (a mistyped or old link): says so, with every lesson to
// go to instead. Lessons live at `/#/course/lesson`; other paths are the classroom's.
import { useEffect, useState } from 'react';
import type { CourseListing } from '../../shared/lesson-api.ts';
import { fetchCourse } from './lesson/lesson-api.ts';
import { LessonNotFound } from './lesson/LessonNotFound.tsx';
import { formatHash } from './lesson/lesson-route.ts';
import type { Loadable } from './lesson/use-course.ts';
import { ThemeToggle } from './top-bar/ThemeToggle.tsx';

/** Paths that are the workspace itself; anything else the workspace would have shown is unknown. */
const WORKSPACE_PATHS = new Set(['/', '/index.html']);

export const isWorkspacePath = (pathname: string) => WORKSPACE_PATHS.has(pathname);

export function NotFoundPage({ pathname }: { pathname: string }) {
  const [listing, setListing] = useState<Loadable<CourseListing>>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    fetchCourse(abort.signal).then(
      (value) => setListing({ kind: 'ready', value }),
      (err: Error) => {
        if (!abort.signal.aborted) setListing({ kind: 'failed', message: err.message });
      },
    );
    return () => abort.abort();
  }, [attempt]);

  return (
    <div className="app not-found-page">
      <header className="top-bar">
        <a className="brand brand-link" href="/">
          <span className="brand-mark" aria-hidden="true">
            &gt;_
          </span>
          <span className="brand-name">Service Playground</span>
        </a>
        <div className="top-bar-end">
          <ThemeToggle />
        </div>
      </header>
      <main className="not-found-scroller">
        <LessonNotFound
          asked={pathname}
          what="page"
          listing={listing}
          hrefOf={(a) => `/${formatHash(a)}`}
          onRetryListing={() => {
            setListing({ kind: 'loading' });
            setAttempt((n) => n + 1);
          }}
        />
      </main>
    </div>
  );
}
