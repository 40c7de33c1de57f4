// The connection's notice (trouble, or classroom news) as a toast at the foot of the page.
import { useEffect, useSyncExternalStore } from 'react';
import type { Connection } from './connection.ts';

/** A connection-level message stays this long unless dismissed; long enough to read twice. */
const NOTICE_VISIBLE_MS = 10_000;

export function NoticeToast({ connection }: { connection: Connection }) {
  const { notice } = useSyncExternalStore(connection.subscribe, connection.getSnapshot);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => connection.clearNotice(), NOTICE_VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [notice, connection]);
  if (!notice) return null;
  return (
    <div
      className={`toast${notice.level && notice.level !== 'error' ? ` toast-${notice.level}` : ''}`}
      role={notice.level === 'info' ? 'status' : 'alert'}
      data-testid="notice"
      data-level={notice.level ?? 'error'}
    >
      <span>{notice.message}</span>
      <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => connection.clearNotice()}>
        ×
      </button>
    </div>
  );
}
