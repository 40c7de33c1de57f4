// The "Wire" button of a pane's header, and what a pane needs to show its Wire view.
import type { ServiceInfo } from '../../../shared/protocol.ts';

export interface WireControl {
  open: boolean;
  /** The view was opened from the keyboard (Alt+W): its list takes the keyboard, once (`onFocused`). */
  autoFocus: boolean;
  onFocused: () => void;
  onToggle: () => void;
  /** Esc in the view: the keyboard goes back to the pane's terminal. */
  onLeave: () => void;
  /** The server's services: their names, and the ports the pcapng export puts them on. */
  services: readonly ServiceInfo[];
}

export function WireToggle({ wire }: { wire: WireControl }) {
  return (
    <button
      type="button"
      className={`wire-toggle${wire.open ? ' active' : ''}`}
      aria-pressed={wire.open}
      title="The bytes this pane exchanges with the services, decoded (Alt+W)"
      data-testid="wire-toggle"
      onClick={wire.onToggle}
    >
      <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true">
        <path d="M1 5h10M8 2l3 3-3 3M15 11H5M8 8l-3 3 3 3" fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
      Wire
    </button>
  );
}
