import { useEffect, useRef, useSyncExternalStore } from 'react';
import { SERVICE_NAMES, SERVICE_TITLES, isServiceName, type ServiceName } from '../../../shared/services.ts';
import { SessionDot } from './SessionDot.tsx';
import type { TerminalSession } from './terminal-session.ts';

interface Props {
  index: number;
  session: TerminalSession;
  /** The layer holding the terminal elements; positions are relative to it. */
  layer: HTMLElement;
  focused: boolean;
  showHeader: boolean;
  onFocus: () => void;
  onChoose: (service: ServiceName) => void;
}

/** One pane of the terminal area: its body is the place over which the session's terminal is shown. */
export function TerminalPane({ index, session, layer, focused, showHeader, onFocus, onChoose }: Props) {
  const body = useRef<HTMLDivElement>(null);
  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot);

  // A passive effect: it runs after the terminal area has adopted the layer (a parent's layout
  // effect, which React runs after its children's), so the layer's box is final here.
  useEffect(() => {
    const el = body.current!;
    const place = () => {
      const b = el.getBoundingClientRect();
      const l = layer.getBoundingClientRect();
      session.show({ left: b.left - l.left, top: b.top - l.top, width: b.width, height: b.height });
    };
    place();
    // A pane that moves also changes size (separators, headers), so watching sizes is enough;
    // the layer is watched too for moves of the whole area.
    const observer = new ResizeObserver(place);
    observer.observe(el);
    observer.observe(layer);
    return () => {
      observer.disconnect();
      session.hide();
    };
  }, [session, layer]);

  return (
    <div
      className={`terminal-pane${focused ? ' focused' : ''}`}
      data-testid={`terminal-pane-${index}`}
      data-service={session.service}
      onFocusCapture={onFocus}
    >
      {showHeader && (
        <div className="pane-header">
          <SessionDot session={session} />
          <select
            className="pane-select"
            aria-label={`Service in pane ${index + 1}`}
            value={session.service}
            onChange={(e) => isServiceName(e.target.value) && onChoose(e.target.value)}
          >
            {SERVICE_NAMES.map((s) => (
              <option key={s} value={s}>
                {SERVICE_TITLES[s]}
              </option>
            ))}
          </select>
          {snapshot.address && <span className="pane-address">{snapshot.address}</span>}
        </div>
      )}
      <div className="terminal-body" ref={body} />
      {snapshot.state === 'ended' && (
        <button type="button" className="button reconnect-button" onClick={() => session.open()}>
          Reconnect {session.title}
        </button>
      )}
    </div>
  );
}
