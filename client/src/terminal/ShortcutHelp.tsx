import { useEffect, useRef } from 'react';
import { EDITOR_HELP, LINE_EDITOR_HELP, RUN_PANE_HELP, SHORTCUT_HELP } from '../shortcuts.ts';

export function ShortcutHelp({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
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
          <HelpList title="Page" items={SHORTCUT_HELP} />
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
