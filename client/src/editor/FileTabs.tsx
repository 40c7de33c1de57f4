// The editor's tab strip: a tab per file (rename, delete) and + for a new file, names checked as typed.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Floating } from '../Floating.tsx';
import type { FileStore, FileStoreSnapshot } from './file-store.ts';
import { MAX_EDITOR_FILES, fileNameProblem, languageOf, suggestFileName } from './file-names.ts';

/** The file being named: a new one (`+`) or a rename of an existing tab. */
type Naming = { kind: 'new' } | { kind: 'rename'; name: string };

/**
 * The editor's tab strip: a tab per file (double-click or F2 renames, × deletes), and `+` for a new
 * file. Names are checked as they are typed, with the rule a run applies to file names.
 */
export function FileTabs({ files, snapshot }: { files: FileStore; snapshot: FileStoreSnapshot }) {
  const { state, modified } = snapshot;
  const [naming, setNaming] = useState<Naming | null>(null);
  const names = state.files.map((f) => f.name);
  const full = names.length >= MAX_EDITOR_FILES;

  const remove = (name: string) => {
    const inLesson = snapshot.starters.some((f) => f.name === name);
    const question = inLesson
      ? `Delete ${name}? "Reset to the lesson's version" brings it back.`
      : `Delete ${name}? Its text is lost.`;
    if (window.confirm(question)) files.remove(name);
  };

  return (
    <div className="file-tabs" role="tablist" aria-label="Files">
      {state.files.map((f) =>
        naming?.kind === 'rename' && naming.name === f.name ? (
          <NameInput
            key={f.name}
            initial={f.name}
            label={`New name for ${f.name}`}
            check={(name) => fileNameProblem(name, names, f.name)}
            onDone={(name) => {
              setNaming(null);
              if (name !== null && name !== f.name) files.rename(f.name, name);
            }}
          />
        ) : (
          <div
            key={f.name}
            role="tab"
            tabIndex={f.name === state.active ? 0 : -1}
            aria-selected={f.name === state.active}
            className={`file-tab${f.name === state.active ? ' active' : ''}`}
            title={`${f.name} — double-click (or F2) to rename`}
            data-testid="file-tab"
            data-file={f.name}
            onClick={() => files.setActive(f.name)}
            onDoubleClick={() => setNaming({ kind: 'rename', name: f.name })}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') files.setActive(f.name);
              else if (e.key === 'F2') setNaming({ kind: 'rename', name: f.name });
              else if (e.key === 'Delete' && names.length > 1) remove(f.name);
            }}
          >
            <span className={`file-icon file-icon-${languageOf(f.name) ?? 'data'}`} aria-hidden="true" />
            <span className="file-name">{f.name}</span>
            {modified.includes(f.name) && (
              <span className="file-modified" title="Changed from the lesson's version" aria-label="changed" />
            )}
            {names.length > 1 && (
              <button
                type="button"
                className="file-close"
                aria-label={`Delete ${f.name}`}
                title={`Delete ${f.name}`}
                tabIndex={-1}
                onClick={(e) => {
                  e.stopPropagation();
                  remove(f.name);
                }}
                onDoubleClick={(e) => e.stopPropagation()}
              >
                ×
              </button>
            )}
          </div>
        ),
      )}
      {naming?.kind === 'new' ? (
        <NameInput
          initial={suggestFileName(names, languageOf(state.active) === 'javascript' ? '.js' : '.py')}
          label="Name of the new file"
          check={(name) => fileNameProblem(name, names)}
          onDone={(name) => {
            setNaming(null);
            if (name !== null) files.add(name);
          }}
        />
      ) : (
        <button
          type="button"
          className="file-add"
          aria-label="New file"
          title={
            full
              ? `At most ${MAX_EDITOR_FILES} files: delete one first`
              : 'New file (.py or .js runs; others go along as data)'
          }
          disabled={full}
          data-testid="file-add"
          onClick={() => setNaming({ kind: 'new' })}
        >
          +
        </button>
      )}
    </div>
  );
}

interface NameInputProps {
  initial: string;
  label: string;
  check: (name: string) => string | null;
  /** The accepted name, or null when naming was given up (Escape, or leaving with a bad name). */
  onDone: (name: string | null) => void;
}

function NameInput({ initial, label, check, onDone }: NameInputProps) {
  const [value, setValue] = useState(initial);
  const input = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  const problem = check(value.trim());

  useEffect(() => {
    const el = input.current!;
    el.focus();
    // Select the name without its extension, as file managers do.
    const dot = initial.lastIndexOf('.');
    el.setSelectionRange(0, dot > 0 ? dot : initial.length);
  }, [initial]);

  const finish = (name: string | null) => {
    if (done.current) return;
    done.current = true;
    onDone(name);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (!problem) finish(value.trim());
    } else if (e.key === 'Escape') {
      e.preventDefault();
      finish(null);
    }
  };

  return (
    <span className="file-name-input">
      <input
        ref={input}
        value={value}
        aria-label={label}
        aria-invalid={problem !== null}
        aria-describedby="file-name-problem"
        spellCheck={false}
        autoComplete="off"
        data-testid="file-name-input"
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => finish(problem ? null : value.trim())}
      />
      {problem && (
        <Floating anchor={input} className="file-name-problem" role="alert" data-testid="file-name-problem">
          <span id="file-name-problem">{problem}</span>
        </Floating>
      )}
    </span>
  );
}
