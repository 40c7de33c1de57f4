// The dot showing a service terminal's state: open, on the way, or ended.
import { useSyncExternalStore } from 'react';
import type { TerminalSession } from './terminal-session.ts';

const LABELS = { connecting: 'connecting', opening: 'opening', open: 'connected', ended: 'ended' } as const;

/** A terminal's own state: green open, amber on the way, red ended. */
export function SessionDot({ session }: { session: TerminalSession }) {
  const { state } = useSyncExternalStore(session.subscribe, session.getSnapshot);
  return <span className={`session-dot session-${state}`} title={LABELS[state]} aria-label={LABELS[state]} />;
}
