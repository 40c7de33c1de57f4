// What an instructor can do with a whole class: archive it (no new learners; everything stays, and
// it can come back) and delete it with its data, after an in-app question that says exactly what
// goes. Used on the class's page and on each archived class in the list.
import { useState } from 'react';
import type { ClassSummary } from '../../../shared/classroom-api.ts';
import { archiveClass, deleteClass } from './api.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

type State = { kind: 'idle' } | { kind: 'busy' } | { kind: 'confirm-delete' } | { kind: 'deleting' };

interface Props {
  summary: ClassSummary;
  /** The class as the server has it now (archived or back). */
  onChanged: (summary: ClassSummary) => void;
  /** The class is gone, with `learners` learners' data. */
  onDeleted: (summary: ClassSummary, learners: number) => void;
  /** Something failed: the message, in plain words, for the page to show. */
  onProblem: (message: string) => void;
  small?: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function ClassActions({ summary, onChanged, onDeleted, onProblem, small = false }: Props) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const archived = summary.archivedAt !== null;
  const size = small ? ' button-small' : '';

  const toggleArchive = () => {
    setState({ kind: 'busy' });
    archiveClass(summary.id, !archived).then(
      (changed) => {
        setState({ kind: 'idle' });
        onChanged(changed);
      },
      (err: Error) => {
        setState({ kind: 'idle' });
        onProblem(`${summary.name} was not ${archived ? 'restored' : 'archived'}: ${err.message}`);
      },
    );
  };

  const remove = () => {
    setState({ kind: 'deleting' });
    deleteClass(summary.id).then(
      ({ learners }) => onDeleted(summary, learners),
      (err: Error) => {
        setState({ kind: 'idle' });
        onProblem(`${summary.name} was not deleted: ${err.message}`);
      },
    );
  };

  return (
    <>
      <button
        type="button"
        className={`button${size}`}
        disabled={state.kind !== 'idle'}
        onClick={toggleArchive}
        title={
          archived
            ? 'Take new learners again and show it among the current classes'
            : 'Close joining and move it to the archived classes; nothing is deleted'
        }
        data-testid={archived ? 'class-restore' : 'class-archive'}
      >
        {archived ? 'Restore' : 'Archive'}
      </button>
      <button
        type="button"
        className={`button button-danger-quiet${size}`}
        disabled={state.kind !== 'idle'}
        onClick={() => setState({ kind: 'confirm-delete' })}
        data-testid="class-delete"
      >
        Delete…
      </button>
      {(state.kind === 'confirm-delete' || state.kind === 'deleting') && (
        <ConfirmDialog
          title={`Delete ${summary.name}?`}
          confirmLabel={state.kind === 'deleting' ? 'Deleting…' : 'Delete the class and its data'}
          danger
          initialFocus="cancel"
          busy={state.kind === 'deleting'}
          onConfirm={remove}
          onCancel={() => {
            if (state.kind !== 'deleting') setState({ kind: 'idle' });
          }}
        >
          <p>
            {summary.learners === 0
              ? 'No one has joined it. The class and its join code '
              : `${plural(summary.learners, 'learner')} ${summary.learners === 1 ? 'is' : 'are'} removed: their sessions end, their workspaces (keys, queues, tables) are deleted, and so are their progress and saved files. The class and its join code `}
            <strong>{summary.code}</strong> go too.
          </p>
          <p>
            This cannot be undone.{' '}
            {summary.learners > 0 && 'Export the CSV first to keep their progress, or archive the class instead.'}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
