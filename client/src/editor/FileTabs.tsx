// The editor's tab strip: a tab per file (rename, delete) and + for a new file, names checked as typed.
// The active tab is scrolled into view whenever it changes (a reload, a lesson's Run button opening a
// file at the far end of a long strip) and whenever the strip gets narrower (the save status or a
// wider Stop appearing beside it), and deleting asks in an in-app dialog.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { ConfirmDialog } from '../dashboard/ConfirmDialog.tsx';
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
  const [deleting, setDeleting] = useState<string | null>(null);
  const strip = useRef<HTMLDivElement>(null);
  const names = state.files.map((f) => f.name);
  const full = names.length >= MAX_EDITOR_FILES;

  useLayoutEffect(() => revealActive(strip.current), [state.active, names.length]);
  useEffect(() => {
    const el = strip.current;
    if (!el) return;
    const observer = new ResizeObserver(() => revealActive(el));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const remove = (name: string) => setDeleting(name);
  const doomed = deleting === null ? undefined : state.files.find((f) => f.name === deleting);
  const starter = deleting !== null && snapshot.starters.some((f) => f.name === deleting);

  return (
    <div className="file-tabs" role="tablist" aria-label="Files" ref={strip}>
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
              else if (e.key === 'Delete') remove(f.name);
            }}
          >
            <span className={`file-icon file-icon-${languageOf(f.name) ?? 'data'}`} aria-hidden="true" />
            <span className="file-name">{f.name}</span>
            {modified.includes(f.name) && (
              <span className="file-modified" title="Changed from the lesson's version" aria-label="changed" />
            )}
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
            if (name !== null) files.create(name);
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
      {deleting !== null && (
        <ConfirmDialog
          title={`Delete ${deleting}?`}
          confirmLabel={`Delete ${deleting}`}
          danger={!starter}
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            files.remove(deleting);
            setDeleting(null);
          }}
        >
          <p data-testid="delete-file-note">
            {starter
              ? `${deleting} is one of the lesson's files: "Reset to the lesson's version" brings it back.`
              : doomed?.base !== undefined
                ? `${deleting} came from the lesson (or your instructor)${modified.includes(deleting) ? ': your edits to it are lost' : ''}.`
                : `${deleting} is a file of yours: its text is lost.`}
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/**
 * Scrolls the strip (only the strip: scrollIntoView would move the page's panels too) just far
 * enough to show the whole active tab.
 */
function revealActive(el: HTMLElement | null): void {
  const tab = el?.querySelector<HTMLElement>('.file-tab.active');
  if (!el || !tab) return;
  const left = tab.offsetLeft - el.offsetLeft;
  // The last tab brings the + after it along: a new file is the next thing one does there.
  const last = tab.nextElementSibling?.classList.contains('file-tab') !== true;
  const right = last ? el.scrollWidth : left + tab.offsetWidth;
  if (left < el.scrollLeft) el.scrollLeft = left;
  else if (right > el.scrollLeft + el.clientWidth) el.scrollLeft = right - el.clientWidth;
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
