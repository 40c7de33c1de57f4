// The workspace column: the editor above the terminals, sized for the panes the open lesson uses.
// A terminals lesson folds the editor to a bar (one press brings it back); each kind of lesson
// keeps the learner's own divider position (work-layout.ts).
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Group, Panel, Separator, useGroupRef, type Layout, type LayoutChangedMeta } from 'react-resizable-panels';
import type { LessonWorkspace } from '../../shared/lesson-api.ts';
import { EditorPane } from './editor/EditorPane.tsx';
import { shortcutFor } from './shortcuts.ts';
import { onEditorRequest, requestEditor } from './show-editor.ts';
import { TerminalArea } from './terminal/TerminalArea.tsx';
import {
  WORK_LAYOUT_DEFAULTS,
  isFolded,
  parseWorkLayout,
  unfoldedLayout,
  workLayoutKey,
  type WorkLayout,
} from './work-layout.ts';
import type { Workspace } from './workspace.ts';

interface Props {
  workspace: Workspace;
  /** The open lesson's panes (or the last lesson's, while the next one loads). */
  kind: LessonWorkspace;
}

export function WorkArea({ workspace, kind }: Props) {
  const { storage } = workspace;
  const group = useGroupRef();
  const stored = useCallback(
    (k: LessonWorkspace) => {
      try {
        return parseWorkLayout(storage?.getItem(workLayoutKey(k)) ?? null);
      } catch {
        return null;
      }
    },
    [storage],
  );
  const [initial] = useState<WorkLayout>(() => stored(kind) ?? WORK_LAYOUT_DEFAULTS[kind]);
  const [folded, setFolded] = useState(() => isFolded(initial));
  const shownKind = useRef(kind);

  const keep = useCallback(
    (layout: WorkLayout) => {
      try {
        storage?.setItem(workLayoutKey(shownKind.current), JSON.stringify(layout));
      } catch {
        // Storage full or disabled: the layout lasts for this page only.
      }
    },
    [storage],
  );

  // Another kind of lesson: its layout, as the learner last left it.
  useLayoutEffect(() => {
    if (shownKind.current === kind) return;
    shownKind.current = kind;
    const next = stored(kind) ?? WORK_LAYOUT_DEFAULTS[kind];
    group.current?.setLayout({ editor: next.editor, terminals: next.terminals });
    // In the same frame as the lesson, not after the panels report back.
    setFolded(isFolded(next));
  }, [kind, stored, group]);

  const onLayoutChanged = (layout: Layout, meta: LayoutChangedMeta) => {
    const now = { editor: layout.editor ?? 0, terminals: layout.terminals ?? 100 };
    setFolded(isFolded(now));
    // Only what the learner did with the divider is theirs to keep; a lesson's default is not.
    if (meta.isUserInteraction) keep(now);
  };

  const unfold = useCallback(() => {
    const next = unfoldedLayout(stored(shownKind.current), shownKind.current);
    group.current?.setLayout({ editor: next.editor, terminals: next.terminals });
    keep(next);
  }, [stored, keep, group]);

  const foldedNow = useRef(folded);
  foldedNow.current = folded;
  useEffect(
    () =>
      onEditorRequest(() => {
        if (foldedNow.current) unfold();
      }),
    [unfold],
  );

  // Alt+0, from a terminal or a run's pane: back to the editor, brought on screen if it is folded.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (shortcutFor(event)?.kind !== 'focus-editor') return;
      event.preventDefault();
      event.stopPropagation();
      requestEditor({ focus: true });
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  return (
    <div className="work-area" data-editor={folded ? 'folded' : 'shown'}>
      {folded && (
        <div className="editor-folded" data-testid="editor-folded">
          <span className="editor-folded-text">
            <strong>Editor</strong>
            {kind === 'terminals' ? ' — this lesson uses only the terminals' : ' — folded away'}
          </span>
          <button type="button" className="button button-small" data-testid="editor-unfold" onClick={unfold}>
            Show the editor
          </button>
        </div>
      )}
      <Group
        orientation="vertical"
        id="playground-work"
        className="work-group"
        groupRef={group}
        defaultLayout={{ editor: initial.editor, terminals: initial.terminals }}
        onLayoutChanged={onLayoutChanged}
      >
        <Panel id="editor" collapsible collapsedSize={0} minSize="12%" className="panel">
          <EditorPane workspace={workspace} />
        </Panel>
        <Separator className="separator separator-horizontal" />
        <Panel id="terminals" minSize="20%" className="panel">
          <TerminalArea workspace={workspace} />
        </Panel>
      </Group>
    </div>
  );
}
