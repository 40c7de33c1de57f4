// The "?" button and its popover listing the keyboard shortcuts: page, terminal, run pane, editor.
import { useEffect, useRef } from 'react';
import type { ServiceInfo } from '../../../shared/protocol.ts';
import { EDITOR_HELP, LINE_EDITOR_HELP, RUN_PANE_HELP, shortcutHelp } from '../shortcuts.ts';

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
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) onOpenChange(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onOpenChange(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, onOpenChange]);

  return (
    <div className="help" ref={root}>
      <button
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
      {open && (
        <div className="help-popover" role="dialog" aria-label="Keyboard shortcuts" data-testid="help-popover">
          <HelpList title="Page" items={shortcutHelp(services)} />
          <HelpList title="In a terminal" items={LINE_EDITOR_HELP} />
          <HelpList title="In a run's pane" items={RUN_PANE_HELP} />
          <HelpList title="Editor tabs" items={EDITOR_HELP} />
        </div>
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
