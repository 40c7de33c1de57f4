// "There is no such lesson (or page)": what was asked for, and the whole course to pick from, so
// the learner is one click from a lesson instead of in front of a "Try again" that cannot work.
import type { CourseListing } from '../../../shared/lesson-api.ts';
import { CourseOutline } from './CourseOutline.tsx';
import type { LessonAddress } from './lesson-route.ts';
import type { Loadable } from './use-course.ts';

interface Props {
  /** What was asked for, as the learner typed or followed it: "redis/no-such-lesson", "/foo/bar". */
  asked: string;
  what: 'lesson' | 'page';
  listing: Loadable<CourseListing>;
  hrefOf: (a: LessonAddress) => string;
  onOpen?: (a: LessonAddress) => void;
  onRetryListing: () => void;
}

export function LessonNotFound({ asked, what, listing, hrefOf, onOpen, onRetryListing }: Props) {
  return (
    <div className="not-found" data-testid="not-found" data-what={what}>
      <p className="not-found-code">404</p>
      <h1 className="not-found-title">
        There is no {what} <code>{asked}</code>
      </h1>
      <p className="not-found-text">
        {what === 'lesson'
          ? 'The link may be old (lessons get renamed) or mistyped. Every lesson there is:'
          : 'The playground has no page at this address. Every lesson there is:'}
      </p>
      {listing.kind === 'loading' && <p className="not-found-text">Loading the courses…</p>}
      {listing.kind === 'failed' && (
        <p className="not-found-text placeholder-error">
          The course outline could not be loaded either: {listing.message}{' '}
          <button type="button" className="button button-small" onClick={onRetryListing}>
            Try again
          </button>
        </p>
      )}
      {listing.kind === 'ready' && (
        <div className="not-found-outline" data-testid="not-found-outline">
          <CourseOutline listing={listing.value} current={null} hrefOf={hrefOf} onOpen={onOpen} />
        </div>
      )}
    </div>
  );
}
