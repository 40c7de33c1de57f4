import { lazy, Suspense, useCallback, useState } from 'react';
import { ErrorBoundary } from '../ErrorBoundary.tsx';
import { STARTER_FILES } from './starter-files.ts';

// Monaco is several megabytes: it loads after the page is usable, in its own chunks.
const loadMonaco = () => import('./MonacoEditor.tsx');

const ACTIVE_FILE_KEY = 'playground.editor.active';

export function fileStorageKey(name: string): string {
  return `playground.editor.file.${name}`;
}

export function EditorPane({ storage }: { storage: Storage | null }) {
  const [active, setActive] = useState(() => {
    const saved = storage?.getItem(ACTIVE_FILE_KEY);
    return STARTER_FILES.some((f) => f.name === saved) ? saved! : STARTER_FILES[0].name;
  });
  const choose = useCallback(
    (name: string) => {
      setActive(name);
      try {
        storage?.setItem(ACTIVE_FILE_KEY, name);
      } catch {
        // Storage full or disabled: the choice lasts for this page only.
      }
    },
    [storage],
  );
  const file = STARTER_FILES.find((f) => f.name === active) ?? STARTER_FILES[0];
  // A new lazy component per attempt: React caches a failed import, so retrying needs a fresh one.
  const [MonacoEditor, setMonacoEditor] = useState(() => lazy(loadMonaco));

  return (
    <section className="editor-pane" aria-label="Editor">
      <div className="pane-toolbar">
        <div className="file-tabs" role="tablist" aria-label="Files">
          {STARTER_FILES.map((f) => (
            <button
              key={f.name}
              type="button"
              role="tab"
              aria-selected={f.name === active}
              className={`file-tab${f.name === active ? ' active' : ''}`}
              onClick={() => choose(f.name)}
            >
              <span className={`file-icon file-icon-${f.language}`} aria-hidden="true" />
              {f.name}
            </button>
          ))}
        </div>
        <span className="run-wrapper" title="Running snippets arrives with the snippet runner">
          <button type="button" className="button button-run" disabled aria-describedby="run-later">
            ▶ Run
          </button>
          <span id="run-later" className="visually-hidden">
            Running snippets arrives with the snippet runner
          </span>
        </span>
      </div>
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
            <MonacoEditor file={file} storage={storage} storageKey={fileStorageKey(file.name)} />
          </Suspense>
        </ErrorBoundary>
      </div>
    </section>
  );
}
