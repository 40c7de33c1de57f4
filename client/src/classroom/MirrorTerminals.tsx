// A read-only view of mirrored terminals, their tabs and screen: the instructor's on a learner's
// page, a learner's on the dashboard.
import { useLayoutEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { visibleChannels } from './mirror-channels.ts';
import type { MirrorScreens } from './mirror-screens.ts';

/**
 * The tabs and the screen of a mirror stream, read-only. The screens (and their xterms) belong to
 * the caller; this borrows their element while it is mounted.
 */
export function MirrorTerminals({ screens, empty }: { screens: MirrorScreens; empty: ReactNode }) {
  const snapshot = useSyncExternalStore(screens.subscribe, screens.getSnapshot);
  const { active, follow } = snapshot;
  // One tab per terminal, however many pages the person watched has open (mirror-channels.ts).
  const channels = visibleChannels(snapshot);
  const body = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const el = body.current!;
    screens.adopt(el);
    const observer = new ResizeObserver(() => screens.fit());
    observer.observe(el);
    return () => {
      observer.disconnect();
      screens.release();
    };
  }, [screens]);

  return (
    <div className="mirror-terminals">
      {channels.length > 1 && (
        <div className="mirror-tabs" role="tablist" aria-label="Terminals">
          {channels.map((c) => (
            <button
              key={c.channel}
              type="button"
              role="tab"
              aria-selected={c.channel === active}
              className={`mirror-tab${c.channel === active ? ' active' : ''}${c.ended ? ' ended' : ''}`}
              title={c.ended ? `${c.label} (ended)` : c.label}
              data-testid="mirror-tab"
              onClick={() => screens.select(c.channel)}
            >
              {c.label}
            </button>
          ))}
          <button
            type="button"
            className={`mirror-follow${follow ? ' on' : ''}`}
            aria-pressed={follow}
            title={
              follow ? 'Showing whichever terminal prints; pick a tab to stay on it' : 'Show whichever terminal prints'
            }
            onClick={() => screens.follow()}
          >
            Follow
          </button>
        </div>
      )}
      {channels.length === 1 && (
        <div className="mirror-tabs mirror-tabs-single">
          <span className="mirror-tab active">
            {channels[0].label}
            {channels[0].ended && ' (ended)'}
          </span>
        </div>
      )}
      <div className="mirror-body" ref={body} data-testid="mirror-body">
        {channels.length === 0 && <div className="mirror-empty">{empty}</div>}
      </div>
    </div>
  );
}
