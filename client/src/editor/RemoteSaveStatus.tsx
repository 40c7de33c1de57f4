// Classroom mode: whether the class server has the editor's files, and why not when it has not.
import { useSyncExternalStore } from 'react';
import type { RemoteFilePersistence, RemoteSaveState } from './remote-files.ts';

const LABELS: Record<RemoteSaveState, string | null> = {
  idle: null,
  saving: 'Saving…',
  saved: 'Saved',
  retrying: 'Not saved — retrying',
  refused: 'Not saved',
  failed: 'Not saved',
};

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Classroom mode: whether the class server has the files, in a word beside the tabs. */
export function RemoteSaveStatus({ remote }: { remote: RemoteFilePersistence }) {
  const { state, problem, savedAt } = useSyncExternalStore(remote.subscribe, remote.getSnapshot);
  const label = LABELS[state];
  if (!label) return null;
  const title = problem ?? (savedAt ? `Saved on the class server at ${clock(savedAt)}` : 'Saving on the class server');
  return (
    <span
      className={`save-status save-status-${state}`}
      title={title}
      role="status"
      data-testid="save-status"
      data-state={state}
    >
      <span className="save-status-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

/** The reason, in full, when the files are not saved for a reason the learner can act on. */
export function RemoteSaveProblem({ remote }: { remote: RemoteFilePersistence }) {
  const { state, problem } = useSyncExternalStore(remote.subscribe, remote.getSnapshot);
  if (!problem || (state !== 'refused' && state !== 'failed')) return null;
  return (
    <div className="editor-warning" role="alert" data-testid="save-problem">
      {problem}
    </div>
  );
}
