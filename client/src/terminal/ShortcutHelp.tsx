import { useEffect, useRef } from 'react';
import { LINE_EDITOR_HELP, SHORTCUT_HELP } from '../shortcuts.ts';

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
          <h2>Page</h2>
          <dl>
            {SHORTCUT_HELP.map((s) => (
              <div key={s.keys}>
                <dt>
                  <kbd>{s.keys}</kbd>
                </dt>
                <dd>{s.what}</dd>
              </div>
            ))}
          </dl>
          <h2>In a terminal</h2>
          <dl>
            {LINE_EDITOR_HELP.map((s) => (
              <div key={s.keys}>
                <dt>
                  <kbd>{s.keys}</kbd>
                </dt>
                <dd>{s.what}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </div>
  );
}
