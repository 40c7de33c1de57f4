// The "?" button and its popover listing the keyboard shortcuts: page, terminal, run pane, Wire view, editor.
// The popover hangs from the button in a portal on the body (the panels clip what leaves them),
// on the side of the button with more room, never taller than that room: what does not fit scrolls.
import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties } from 'react';
import { createPortal } from 'react-dom';
import type { ServiceInfo } from '../../../shared/protocol.ts';
import { EDITOR_HELP, LINE_EDITOR_HELP, RUN_PANE_HELP, WIRE_HELP, shortcutHelp } from '../shortcuts.ts';

/** Space kept between the popover and the window's edges, and between it and the button. */
const MARGIN_PX = 8;
const GAP_PX = 6;
/** The popover's width when the window allows. */
const WIDTH_PX = 380;

/** Where the popover goes for a button at `anchor` in a window of `width` × `height`. */
export function popoverPlacement(
  anchor: Pick<DOMRect, 'top' | 'bottom' | 'right'>,
  width: number,
  height: number,
): CSSProperties {
  const below = height - anchor.bottom - GAP_PX - MARGIN_PX;
  const above = anchor.top - GAP_PX - MARGIN_PX;
  const w = Math.min(WIDTH_PX, width - 2 * MARGIN_PX);
  const right = Math.max(MARGIN_PX, Math.min(width - anchor.right, width - w - MARGIN_PX));
  return below >= above
    ? { top: anchor.bottom + GAP_PX, bottom: 'auto', right, width: w, maxHeight: below }
    : { top: 'auto', bottom: height - anchor.top + GAP_PX, right, width: w, maxHeight: above };
}

export function ShortcutHelp({
  open,
  onOpenChange,
  services,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  services: readonly ServiceInfo[];
}) {
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<CSSProperties | null>(null);

  useLayoutEffect(() => {
    if (!open) return setPlace(null);
    const measure = () => {
      const rect = button.current?.getBoundingClientRect();
      if (rect) setPlace(popoverPlacement(rect, window.innerWidth, window.innerHeight));
    };
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [open]);

  const placed = place !== null;
  useEffect(() => {
    if (!open || !placed) return;
    // Where the keyboard was (a terminal, the editor): it goes back there when the popover closes.
    const before = document.activeElement as HTMLElement | null;
    // The popover takes the keyboard, so the arrow keys and Page Down scroll a long list.
    const pop = popover.current;
    pop?.focus({ preventScroll: true });
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!root.current?.contains(target) && !popover.current?.contains(target)) onOpenChange(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onOpenChange(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
      // Unless the learner has moved on (a click elsewhere): then the keyboard stays there.
      const now = document.activeElement;
      if (before?.isConnected && (now === null || now === document.body || pop?.contains(now))) before.focus();
    };
  }, [open, placed, onOpenChange]);

  return (
    <div className="help" ref={root}>
      <button
        ref={button}
        type="button"
        className={`icon-button help-button${open ? ' active' : ''}`}
        aria-expanded={open}
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (Alt+/)"
        data-testid="help-button"
        onClick={() => onOpenChange(!open)}
      >
        ?
      </button>
      {open &&
        place &&
        createPortal(
          <div
            ref={popover}
            className="help-popover"
            role="dialog"
            aria-label="Keyboard shortcuts"
            tabIndex={-1}
            data-testid="help-popover"
            style={{ position: 'fixed', ...place }}
          >
            <HelpList title="Page" items={shortcutHelp(services)} />
            <HelpList title="In a terminal" items={LINE_EDITOR_HELP} />
            <HelpList title="In a run's pane" items={RUN_PANE_HELP} />
            <HelpList title="In the Wire view" items={WIRE_HELP} />
            <HelpList title="Editor tabs" items={EDITOR_HELP} />
          </div>,
          document.body,
        )}
    </div>
  );
}

function HelpList({ title, items }: { title: string; items: ReadonlyArray<{ keys: string; what: string }> }) {
  return (
    <>
      <h2>{title}</h2>
      <dl>
        {items.map((s) => (
          <div key={s.keys}>
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
