// What a learner gets from the instructor, in a dock under the workspace: the snippets the
// instructor shared (open in the editor, look at, dismiss) and the instructor's terminals while
// they are broadcast. The dock is part of the page's layout — the editor and the terminals above
// it get smaller — so it never covers a control. Its divider sets the height of the instructor's
// screen (drag, or arrow keys), and it folds to its title bar; both are kept across reloads.
import { useEffect, useId, useRef, useState, useSyncExternalStore, type KeyboardEvent, type PointerEvent } from 'react';
import { ConfirmDialog } from '../dashboard/ConfirmDialog.tsx';
import type { Workspace } from '../workspace.ts';
import type { BroadcastStore, SharedSnippet } from './broadcast-store.ts';
import {
  DOCK_MIN_PX,
  DOCK_STEP_PX,
  DOCK_STORAGE_KEY,
  clampDockHeight,
  parseDockState,
  type DockState,
} from './dock-state.ts';
import { MirrorTerminals } from './MirrorTerminals.tsx';
import type { MirrorScreens } from './mirror-screens.ts';

/** Lines of a shared snippet shown when the learner looks at it in the dock. */
const PREVIEW_LINES = 12;

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function readDock(storage: Storage | null): DockState {
  try {
    return parseDockState(storage?.getItem(DOCK_STORAGE_KEY) ?? null);
  } catch {
    return parseDockState(null);
  }
}

interface Props {
  store: BroadcastStore<MirrorScreens>;
  workspace: Workspace;
}

export function InstructorDock({ store, workspace }: Props) {
  const { snippets, mirror } = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const storage = workspace.storage;
  const [dock, setDock] = useState<DockState>(() => readDock(storage));
  const [replacing, setReplacing] = useState<SharedSnippet | null>(null);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const bodyId = useId();

  useEffect(() => {
    try {
      storage?.setItem(DOCK_STORAGE_KEY, JSON.stringify(dock));
    } catch {
      // Storage full or off: the dock keeps its size for this page only.
    }
  }, [dock, storage]);

  if (snippets.length === 0 && !mirror) return null;

  const height = clampDockHeight(dock.height, window.innerHeight);
  const setHeight = (h: number) => setDock((d) => ({ ...d, height: clampDockHeight(h, window.innerHeight) }));

  /** Puts the snippet in the editor and shows it; the learner's own file of that name only after asking. */
  const open = (snippet: SharedSnippet, replace: boolean) => {
    const { files } = workspace;
    const existing = files.file(snippet.name);
    if (!existing) {
      const problem = files.add(snippet.name, snippet.code);
      if (problem) {
        setProblems((p) => ({ ...p, [snippet.id]: `${snippet.name} could not be added: ${problem}` }));
        return;
      }
    } else if (existing.content !== snippet.code) {
      if (!replace) {
        setReplacing(snippet);
        return;
      }
      files.setContent(snippet.name, snippet.code);
    }
    files.setActive(snippet.name);
    store.dismiss(snippet.id);
    // Monaco takes the keyboard through its hidden textarea; it exists once the tab is drawn.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.editor-pane .monaco-editor textarea')?.focus());
  };

  const summary = [
    mirror ? 'the instructor’s screen, live' : null,
    snippets.length > 0 ? `${snippets.length} shared ${snippets.length === 1 ? 'file' : 'files'}` : null,
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <section
      className={`instructor-dock${dock.collapsed ? ' collapsed' : ''}`}
      aria-label="From your instructor"
      data-testid="instructor-dock"
      data-collapsed={dock.collapsed}
    >
      {mirror && !dock.collapsed && <DockDivider height={height} onHeight={setHeight} />}
      <header className="dock-bar">
        {mirror && <span className="live-dot" aria-hidden="true" />}
        <h2 className="dock-title">From your instructor</h2>
        <span className="dock-summary">{summary}</span>
        <button
          type="button"
          className="button button-small button-quiet dock-toggle"
          aria-expanded={!dock.collapsed}
          aria-controls={bodyId}
          data-testid="dock-toggle"
          onClick={() => setDock((d) => ({ ...d, collapsed: !d.collapsed }))}
        >
          {dock.collapsed ? 'Show' : 'Hide'}
        </button>
      </header>
      <div id={bodyId} className="dock-body" hidden={dock.collapsed}>
        {snippets.length > 0 && (
          <ul className="dock-snippets" aria-label="Shared files">
            {snippets.map((s) => (
              <SnippetRow
                key={s.id}
                snippet={s}
                problem={problems[s.id] ?? null}
                onOpen={() => open(s, false)}
                onDismiss={() => store.dismiss(s.id)}
              />
            ))}
          </ul>
        )}
        {mirror && (
          <div className="dock-mirror" style={{ height }} data-testid="mirror-panel">
            <MirrorTerminals screens={mirror} empty="Waiting for the instructor's terminals…" />
          </div>
        )}
      </div>
      {replacing && (
        <ConfirmDialog
          title={`Replace your ${replacing.name}?`}
          confirmLabel={`Replace with the instructor's ${replacing.name}`}
          onConfirm={() => {
            const snippet = replacing;
            setReplacing(null);
            open(snippet, true);
          }}
          onCancel={() => setReplacing(null)}
        >
          <p>
            Your {replacing.name} in this lesson differs from the one your instructor shared. Its text is replaced by
            the instructor's; your other files stay as they are.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function SnippetRow({
  snippet,
  problem,
  onOpen,
  onDismiss,
}: {
  snippet: SharedSnippet;
  problem: string | null;
  onOpen: () => void;
  onDismiss: () => void;
}) {
  const [looking, setLooking] = useState(false);
  const codeId = useId();
  const lines = snippet.code.split('\n');
  const more = lines.length - PREVIEW_LINES;
  return (
    <li className="dock-snippet" data-testid="broadcast-card" data-file={snippet.name}>
      <div className="dock-snippet-line">
        <span className={`file-icon file-icon-${snippet.language}`} aria-hidden="true" />
        <span className="dock-snippet-name">
          Your instructor shared <code>{snippet.name}</code>
        </span>
        <time dateTime={snippet.at}>{clock(snippet.at)}</time>
        <span className="dock-snippet-actions">
          <button
            type="button"
            className="button button-small button-run"
            data-testid="broadcast-open"
            onClick={onOpen}
          >
            Open in editor
          </button>
          <button
            type="button"
            className="button button-small button-quiet"
            aria-expanded={looking}
            aria-controls={codeId}
            data-testid="broadcast-look"
            onClick={() => setLooking((l) => !l)}
          >
            {looking ? 'Hide code' : 'Show code'}
          </button>
          <button
            type="button"
            className="button button-small button-quiet"
            data-testid="broadcast-dismiss"
            onClick={onDismiss}
          >
            Dismiss
          </button>
        </span>
      </div>
      {problem && (
        <p className="dock-snippet-problem" role="alert">
          {problem}
        </p>
      )}
      <pre id={codeId} className="dock-snippet-code" hidden={!looking}>
        <code>{lines.slice(0, PREVIEW_LINES).join('\n')}</code>
        {more > 0 && <span className="dock-snippet-more">{`\n… ${more} more line${more === 1 ? '' : 's'}`}</span>}
      </pre>
    </li>
  );
}

/** The line above the instructor's screen: drag it, or focus it and use the arrow keys. */
function DockDivider({ height, onHeight }: { height: number; onHeight: (h: number) => void }) {
  const drag = useRef<{ startY: number; startHeight: number } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    drag.current = { startY: e.clientY, startHeight: height };
    e.currentTarget.setPointerCapture(e.pointerId);
    e.preventDefault();
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    // Up makes the dock taller: the divider is its top edge.
    if (d) onHeight(d.startHeight + (d.startY - e.clientY));
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? DOCK_STEP_PX * 4 : DOCK_STEP_PX;
    const to =
      e.key === 'ArrowUp'
        ? height + step
        : e.key === 'ArrowDown'
          ? height - step
          : e.key === 'Home'
            ? DOCK_MIN_PX
            : e.key === 'End'
              ? Number.MAX_SAFE_INTEGER
              : null;
    if (to === null) return;
    e.preventDefault();
    onHeight(to);
  };
  return (
    <div
      className="dock-divider"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Height of the instructor's screen"
      aria-valuenow={height}
      aria-valuemin={DOCK_MIN_PX}
      tabIndex={0}
      title="Drag, or use the arrow keys, to make the instructor's screen taller or shorter"
      data-testid="dock-divider"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}
