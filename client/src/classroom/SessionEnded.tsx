// What covers the page once the server has ended this browser's classroom session: the way back in.
import { useSyncExternalStore } from 'react';
import type { Connection } from '../connection.ts';
import { joinPath } from './page-route.ts';

/** Close codes of the classroom's socket: not joined (or the token no longer valid), and removed. */
export const CLOSE_NOT_JOINED = 4401;
export const CLOSE_REMOVED = 4403;
export const CLASSROOM_FINAL_CLOSE_CODES = [CLOSE_NOT_JOINED, CLOSE_REMOVED] as const;

interface Props {
  connection: Connection;
  /** Where "join again" goes: the learner's class, or the instructor's sign-in. */
  role: 'learner' | 'instructor';
  code?: string;
}

/** Over the whole page once the server has ended this browser's session: nothing here works any more. */
export function SessionEnded({ connection, role, code }: Props) {
  const { state, ended } = useSyncExternalStore(connection.subscribe, connection.getSnapshot);
  if (state !== 'ended' || !ended) return null;
  const removed = ended.code === CLOSE_REMOVED;
  const title = removed
    ? 'You were removed from the class by the instructor'
    : role === 'instructor'
      ? 'Your session ended — sign in again'
      : 'Your session ended — join again';
  const detail = removed
    ? 'Your terminals are closed. If this was a mistake, ask your instructor, then join again with the class code.'
    : role === 'instructor'
      ? 'The playground no longer knows this browser as the instructor (the secret changed, or the sign-in expired).'
      : 'The playground no longer knows this browser in the class (the class ended, or the server was reset). Your editor files stay in this browser.';
  const target = role === 'instructor' ? '/instructor' : joinPath(code);
  return (
    <div
      className="session-ended"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="session-ended-title"
      data-testid="session-ended"
      data-code={ended.code}
    >
      <div className="page-card">
        <span className="brand-mark page-card-mark" aria-hidden="true">
          &gt;_
        </span>
        <h1 id="session-ended-title">{title}</h1>
        <p className="page-card-text">{detail}</p>
        <a className="button button-primary" href={target}>
          {role === 'instructor' ? 'Sign in' : removed ? 'Go to the join page' : 'Join again'}
        </a>
      </div>
    </div>
  );
}
