// The instructor's live terminals on a learner's page: a panel docked in a corner or dragged
// anywhere, folded to a button when in the way.
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { MirrorTerminals } from './MirrorTerminals.tsx';
import type { MirrorScreens } from './mirror-screens.ts';
import { clampPanel, type PanelPosition } from './panel-position.ts';

const viewport = () => ({ width: window.innerWidth, height: window.innerHeight });

/**
 * The instructor's terminals while they broadcast them: docked in the corner, or dragged by its
 * title bar anywhere on the page, and folded to a small button when the learner needs the room.
 */
export function MirrorPanel({ screens }: { screens: MirrorScreens }) {
  const [minimised, setMinimised] = useState(false);
  /** null: docked in the corner. */
  const [position, setPosition] = useState<PanelPosition | null>(null);
  const panel = useRef<HTMLElement>(null);
  const drag = useRef<{ dx: number; dy: number } | null>(null);

  // A smaller window must not leave a moved panel out of reach.
  useEffect(() => {
    if (!position) return;
    const onResize = () => {
      const box = panel.current?.getBoundingClientRect();
      if (box) setPosition((p) => p && clampPanel(p, box, viewport()));
    };
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [position]);

  const onPointerDown = (e: PointerEvent<HTMLElement>) => {
    if (e.button !== 0 || (e.target as HTMLElement).closest('button')) return;
    const box = panel.current!.getBoundingClientRect();
    drag.current = { dx: e.clientX - box.left, dy: e.clientY - box.top };
    setPosition({ left: box.left, top: box.top });
    e.currentTarget.setPointerCapture(e.pointerId);
    e.preventDefault();
  };
  const onPointerMove = (e: PointerEvent<HTMLElement>) => {
    const d = drag.current;
    const box = panel.current?.getBoundingClientRect();
    if (!d || !box) return;
    setPosition(clampPanel({ left: e.clientX - d.dx, top: e.clientY - d.dy }, box, viewport()));
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  return (
    <>
      {minimised && (
        <button
          type="button"
          className="mirror-pill"
          data-testid="mirror-restore"
          onClick={() => setMinimised(false)}
          title="Show the instructor's screen"
        >
          <span className="live-dot" aria-hidden="true" /> Instructor's screen (live)
        </button>
      )}
      <section
        ref={panel}
        className={`mirror-panel${position ? ' floating-panel' : ' docked'}${minimised ? ' minimised' : ''}`}
        style={position ? { left: position.left, top: position.top } : undefined}
        aria-label="Instructor's screen (live, read-only)"
        data-testid="mirror-panel"
        hidden={minimised}
      >
        <header
          className="mirror-panel-header"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          title="Drag to move"
        >
          <span className="live-dot" aria-hidden="true" />
          <span className="mirror-panel-title">Instructor's screen (live)</span>
          <span className="mirror-panel-note">read-only</span>
          <span className="mirror-panel-actions">
            {position && (
              <button
                type="button"
                className="icon-button"
                title="Dock in the corner"
                aria-label="Dock in the corner"
                onClick={() => setPosition(null)}
              >
                <svg
                  viewBox="0 0 16 16"
                  width="14"
                  height="14"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.5"
                  aria-hidden="true"
                >
                  <rect x="2" y="2" width="12" height="12" rx="1.5" />
                  <rect x="8" y="8" width="6" height="6" fill="currentColor" />
                </svg>
              </button>
            )}
            <button
              type="button"
              className="icon-button"
              title="Minimise"
              aria-label="Minimise"
              data-testid="mirror-minimise"
              onClick={() => setMinimised(true)}
            >
              <svg
                viewBox="0 0 16 16"
                width="14"
                height="14"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.6"
                aria-hidden="true"
              >
                <path d="M3.5 11.5h9" strokeLinecap="round" />
              </svg>
            </button>
          </span>
        </header>
        <MirrorTerminals screens={screens} empty="Waiting for the instructor's terminals…" />
      </section>
    </>
  );
}
