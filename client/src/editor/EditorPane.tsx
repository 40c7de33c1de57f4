// The editor pane: file tabs, the run environment, reset, Stop and Run in its toolbar, and the
// Monaco editor (loaded lazily) below. "Reset to the lesson's version" asks first, in an in-app
// dialog that lists what it will do to which file.
import { lazy, Suspense, useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { ConfirmDialog } from '../dashboard/ConfirmDialog.tsx';
import { ErrorBoundary } from '../ErrorBoundary.tsx';
import { EnvPopover } from '../runs/EnvPopover.tsx';
import { isLive, paneTitle } from '../runs/run-panes.ts';
import { shortcutFor } from '../shortcuts.ts';
import type { Workspace } from '../workspace.ts';
import { resetPlan, type ResetPlan } from './editor-files.ts';
import { FileTabs } from './FileTabs.tsx';
import { languageOf } from './file-names.ts';
import { RemoteSaveProblem, RemoteSaveStatus } from './RemoteSaveStatus.tsx';

// Monaco is several megabytes: it loads after the page is usable, in its own chunks.
const loadMonaco = () => import('./MonacoEditor.tsx');

export function EditorPane({ workspace }: { workspace: Workspace }) {
  const { files, runs, connection } = workspace;
  const snapshot = useSyncExternalStore(files.subscribe, files.getSnapshot);
  const { state: connectionState } = useSyncExternalStore(connection.subscribe, connection.getSnapshot);
  const { panes } = useSyncExternalStore(runs.subscribe, runs.getSnapshot);
  // A new lazy component per attempt: React caches a failed import, so retrying needs a fresh one.
  const [MonacoEditor, setMonacoEditor] = useState(() => lazy(loadMonaco));
  /** What the reset would do, while its question is open. */
  const [resetting, setResetting] = useState<ResetPlan | null>(null);

  const active = snapshot.state.active;
  const ready = snapshot.key !== null;
  const connected = connectionState === 'open';
  const runnable = languageOf(active) !== null;
  const canRun = ready && connected && runnable;
  const live = [...panes].reverse().find((p) => p.file === active && isLive(p.status));

  let runTitle = `Run ${active} (Ctrl+Enter)`;
  if (!active) runTitle = 'No file to run: add one with + (or a Run button of the lesson)';
  else if (!connected) runTitle = 'Not connected to the playground server: Run is back when it reconnects';
  else if (!runnable) runTitle = `${active} is not a program: only .py and .js files run`;

  const run = useCallback(() => {
    // Read at the moment of the key press, not from the render that installed the listener.
    if (files.getSnapshot().key === null || !connection.isOpen) return;
    const name = files.state.active;
    if (languageOf(name)) runs.run(name);
  }, [files, runs, connection]);

  // Ctrl/Cmd+Enter from anywhere on the page, the editor included (before Monaco sees the key).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (shortcutFor(event)?.kind !== 'run') return;
      event.preventDefault();
      event.stopPropagation();
      if (!event.repeat) run();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [run]);

  const reset = () => setResetting(resetPlan(snapshot.state, snapshot.starters));

  return (
    <section className="editor-pane" aria-label="Editor">
      <div className="pane-toolbar">
        {ready ? <FileTabs files={files} snapshot={snapshot} /> : <div className="file-tabs" />}
        <div className="toolbar-actions">
          {workspace.remoteFiles && <RemoteSaveStatus remote={workspace.remoteFiles} />}
          <EnvPopover env={workspace.env} />
          <button
            type="button"
            className="icon-button"
            title="Reset to the lesson's version"
            aria-label="Reset to the lesson's version"
            disabled={!snapshot.resettable || resetting !== null}
            data-testid="reset-files"
            onClick={reset}
          >
            <svg
              viewBox="0 0 16 16"
              width="15"
              height="15"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.6"
              aria-hidden="true"
            >
              <path d="M3.5 8a4.5 4.5 0 1 0 1.4-3.3" strokeLinecap="round" />
              <path d="M3 2.5v3h3" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </button>
          <button
            type="button"
            className="button button-stop"
            disabled={!live}
            title={
              live
                ? live.status === 'interrupting'
                  ? `Kill ${paneTitle(live).slice(2)} now`
                  : `Stop ${paneTitle(live).slice(2)}: Ctrl-C first, then a kill if pressed again`
                : `${active} is not running`
            }
            data-testid="stop-button"
            onClick={() => live && runs.stop(live.key)}
          >
            <span aria-hidden="true">■</span> {live?.status === 'interrupting' ? 'Kill' : 'Stop'}
          </button>
          <span className="run-wrapper" title={runTitle}>
            <button
              type="button"
              className="button button-run"
              disabled={!canRun}
              aria-label={runTitle}
              data-testid="run-button"
              onClick={run}
            >
              <span aria-hidden="true">▶</span> Run
            </button>
          </span>
        </div>
      </div>
      {snapshot.saveProblem && (
        <div className="editor-warning" role="status">
          {snapshot.saveProblem}
        </div>
      )}
      {workspace.remoteFiles && <RemoteSaveProblem remote={workspace.remoteFiles} />}
      <div className="editor-body">
        <ErrorBoundary
          fallback={(error, retry) => (
            <div className="placeholder placeholder-error">
              <p>The editor could not be loaded: {error.message}</p>
              <button
                type="button"
                className="button"
                onClick={() => {
                  setMonacoEditor(() => lazy(loadMonaco));
                  retry();
                }}
              >
                Try again
              </button>
            </div>
          )}
        >
          <Suspense fallback={<div className="placeholder">Loading the editor…</div>}>
            {ready ? (
              <MonacoEditor files={files} catalog={workspace.catalog} />
            ) : (
              <div className="placeholder">Loading the lesson's files…</div>
            )}
          </Suspense>
        </ErrorBoundary>
        {ready && snapshot.state.files.length === 0 && (
          <div className="placeholder editor-empty" data-testid="editor-empty">
            <p>This lesson starts without files.</p>
            <p>
              A lesson's <strong>Run</strong> or <strong>Open in editor</strong> button puts its program here;{' '}
              <kbd>+</kbd> above makes a file of your own (<code>.py</code> and <code>.js</code> files run).
            </p>
          </div>
        )}
      </div>
      {resetting && (
        <ResetDialog
          plan={resetting}
          onCancel={() => setResetting(null)}
          onConfirm={() => {
            setResetting(null);
            files.reset();
          }}
        />
      )}
    </section>
  );
}

const list = (names: string[]) =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** The question before a reset: what happens to which file, in the order the learner would care. */
function ResetDialog({ plan, onCancel, onConfirm }: { plan: ResetPlan; onCancel: () => void; onConfirm: () => void }) {
  const { edited, deleted, restored } = plan;
  const count = edited.length + deleted.length + restored.length;
  return (
    <ConfirmDialog
      title="Reset the editor to the lesson's version?"
      confirmLabel={`Reset ${count} ${count === 1 ? 'file' : 'files'}`}
      danger={edited.length + deleted.length > 0}
      initialFocus="cancel"
      onCancel={onCancel}
      onConfirm={onConfirm}
    >
      <ul className="reset-plan" data-testid="reset-plan">
        {edited.length > 0 && (
          <li data-testid="reset-edited">
            <strong>{list(edited)}</strong> {edited.length === 1 ? 'goes' : 'go'} back to the lesson's text: your edits
            are lost.
          </li>
        )}
        {deleted.length > 0 && (
          <li data-testid="reset-deleted">
            <strong>{list(deleted)}</strong> {deleted.length === 1 ? 'is a file' : 'are files'} you made (or renamed),
            not the lesson's: {deleted.length === 1 ? 'it is' : 'they are'} deleted.
          </li>
        )}
        {restored.length > 0 && (
          <li data-testid="reset-restored">
            <strong>{list(restored)}</strong>, which you deleted, {restored.length === 1 ? 'comes' : 'come'} back.
          </li>
        )}
      </ul>
      <p>Files you have not changed stay as they are. Your terminals, runs and the servers' data are not touched.</p>
    </ConfirmDialog>
  );
}
