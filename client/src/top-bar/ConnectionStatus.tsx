// The connection's state in the top bar: connected, (re)connecting, offline with a countdown and
// "retry now", or ended.
import { useEffect, useState } from 'react';
import type { ConnectionSnapshot } from '../connection.ts';

/** How often the "retrying in N s" countdown refreshes. */
const COUNTDOWN_TICK_MS = 500;

export function ConnectionStatus({ snapshot, onRetry }: { snapshot: ConnectionSnapshot; onRetry: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (snapshot.state !== 'waiting') return;
    const timer = setInterval(() => setNow(Date.now()), COUNTDOWN_TICK_MS);
    return () => clearInterval(timer);
  }, [snapshot.state]);

  let text: string;
  if (snapshot.state === 'open') text = 'connected';
  else if (snapshot.state === 'connecting') text = snapshot.everOpen ? 'reconnecting…' : 'connecting…';
  else if (snapshot.state === 'ended') text = 'session ended';
  else {
    const seconds = Math.max(0, Math.ceil(((snapshot.retryAt ?? now) - now) / 1000));
    text = `offline — retrying in ${seconds} s`;
  }
  return (
    <div
      className={`connection connection-${snapshot.state}`}
      data-testid="connection-state"
      data-state={snapshot.state}
    >
      <span className="connection-dot" aria-hidden="true" />
      <span>{text}</span>
      {snapshot.state === 'waiting' && (
        <button type="button" className="link-button" onClick={onRetry}>
          retry now
        </button>
      )}
    </div>
  );
}
