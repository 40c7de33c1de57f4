// The course as the page knows it: the outline with the learner's progress (/api/course), which
// lesson is open (the URL hash, so links, reloads and back/forward work), and that lesson's page.
// Opening a lesson tells the server, which remembers it for the next visit; a step whose check
// passes (asked by the learner or by itself, step-checks.ts) is counted at once.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CourseListing, LessonView } from '../../../shared/lesson-api.ts';
import { setLessonFiles } from '../editor/starter-files.ts';
import { HttpError } from '../http.ts';
import { fetchCourse, fetchLesson, putCurrent } from './lesson-api.ts';
import { formatHash, initialLesson, lessonKey, parseHash, type LessonAddress } from './lesson-route.ts';
import { withStepDone } from './progress.ts';
import { stepChecks } from './step-checks.ts';

export type Loadable<T> =
  | { kind: 'loading' }
  | { kind: 'ready'; value: T }
  /** `notFound`: the server has no such thing (404), so trying again cannot help. */
  | { kind: 'failed'; message: string; notFound?: boolean };

const failed = (err: Error) =>
  ({ kind: 'failed', message: err.message, notFound: err instanceof HttpError && err.status === 404 }) as const;

export interface CourseState {
  listing: Loadable<CourseListing>;
  /** The lesson asked for (null until the listing says which one to start with). */
  address: LessonAddress | null;
  lesson: Loadable<LessonView>;
  open(address: LessonAddress): void;
  retryListing(): void;
  retryLesson(): void;
}

export function useCourse(): CourseState {
  const [listing, setListing] = useState<Loadable<CourseListing>>({ kind: 'loading' });
  const [listingAttempt, setListingAttempt] = useState(0);
  const [address, setAddress] = useState<LessonAddress | null>(() => parseHash(window.location.hash));
  const [lesson, setLesson] = useState<Loadable<LessonView>>({ kind: 'loading' });
  const [lessonAttempt, setLessonAttempt] = useState(0);
  const addressRef = useRef(address);
  addressRef.current = address;

  useEffect(() => {
    const abort = new AbortController();
    fetchCourse(abort.signal)
      .then((value) => {
        setListing({ kind: 'ready', value });
        if (addressRef.current) return;
        const start = initialLesson(value, window.location.hash);
        if (!start) return;
        // Not a new history entry: the page was opened without one, this only names it.
        window.history.replaceState(window.history.state, '', formatHash(start));
        setAddress(start);
      })
      .catch((err: Error) => {
        if (!abort.signal.aborted) setListing(failed(err));
      });
    return () => abort.abort();
  }, [listingAttempt]);

  useEffect(() => {
    const onHash = () => {
      const next = parseHash(window.location.hash);
      if (next) setAddress((a) => (a && lessonKey(a) === lessonKey(next) ? a : next));
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (!address) return;
    const abort = new AbortController();
    setLesson({ kind: 'loading' });
    fetchLesson(address, abort.signal)
      .then((value) => {
        // Before the editor opens the lesson: its starting files are these.
        setLessonFiles(lessonKey(address), value.files);
        setLesson({ kind: 'ready', value });
        putCurrent(address).catch(() => {
          // Only the next visit's starting point is lost; the lesson itself is open.
        });
      })
      .catch((err: Error) => {
        if (!abort.signal.aborted) setLesson(failed(err));
      });
    return () => abort.abort();
  }, [address, lessonAttempt]);

  const open = useCallback((to: LessonAddress) => {
    const hash = formatHash(to);
    // A new history entry, so Back returns to the lesson before; hashchange does the rest.
    if (window.location.hash !== hash) window.location.hash = hash;
    else setLessonAttempt((n) => n + 1);
  }, []);

  // A check passed: the server has recorded it; show it at once, then re-read progress.
  useEffect(
    () =>
      stepChecks.onPassed((key) => {
        setListing((l) => (l.kind === 'ready' ? { kind: 'ready', value: withStepDone(l.value, key, new Date()) } : l));
        fetchCourse()
          .then((value) => setListing({ kind: 'ready', value }))
          .catch(() => {
            // The mark shown already stands; the next load reads the server's.
          });
      }),
    [],
  );

  return {
    listing,
    address,
    lesson,
    open,
    retryListing: useCallback(() => {
      setListing({ kind: 'loading' });
      setListingAttempt((n) => n + 1);
    }, []),
    retryLesson: useCallback(() => setLessonAttempt((n) => n + 1), []),
  };
}
