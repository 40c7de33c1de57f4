// A modal yes/no before something that cannot be taken back (resetting or removing a learner).
import { useEffect, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The action cannot be undone: the button says so in red. */
  danger?: boolean;
  /**
   * Which button has the keyboard when the dialog opens. Deleting a whole class starts on Cancel,
   * so an Enter meant for something else cannot confirm it.
   */
  initialFocus?: 'confirm' | 'cancel';
  /** The confirm button waits (the action runs): it says so and cannot be pressed twice. */
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A modal question before something that cannot be taken back; Escape and Cancel say no. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger = false,
  initialFocus = 'confirm',
  busy = false,
  onConfirm,
  onCancel,
}: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = dialog.current!;
    if (!el.open) el.showModal();
    return () => el.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby="confirm-title"
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) onConfirm();
        }}
      >
        <h2 id="confirm-title">{title}</h2>
        <div className="confirm-body">{children}</div>
        <div className="confirm-actions">
          <button
            type="button"
            className="button"
            onClick={onCancel}
            autoFocus={initialFocus === 'cancel'}
            data-testid="confirm-cancel"
          >
            Cancel
          </button>
          <button
            type="submit"
            className={`button ${danger ? 'button-danger' : 'button-primary'}`}
            autoFocus={initialFocus === 'confirm'}
            disabled={busy}
            aria-busy={busy}
            data-testid="confirm-ok"
          >
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
