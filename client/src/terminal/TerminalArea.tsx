// The terminal area: the tabs (TerminalTabs.tsx), the layout (one, two or four panes), the layer
// on which the terminals are placed over the panes that show them, and which panes show their Wire
// view (client/src/wire/).
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Group, Panel, Separator } from 'react-resizable-panels';
import { RunPane } from '../runs/RunPane.tsx';
import { isLive, isRunPaneKey, paneTitle } from '../runs/run-panes.ts';
import { shortcutFor } from '../shortcuts.ts';
import type { Workspace } from '../workspace.ts';
import type { Placeable } from './layer-terminal.ts';
import {
  LAYOUT_TITLES,
  PANES_SHOWN,
  PANE_LAYOUTS,
  assignPane,
  cycleLayout,
  focusPane,
  focusedPane,
  parsePaneLayout,
  placeRun,
  retireRuns,
  serializePaneLayout,
  setLayout,
  showPane,
  syncPanes,
  visiblePanes,
  type PaneKey,
  type PaneLayout,
  type PaneLayoutState,
} from './pane-layout.ts';
import type { PaneChoice } from './PaneSelect.tsx';
import { InspectPanel } from '../inspect/InspectPanel.tsx';
import type { WireControl } from '../wire/WireToggle.tsx';
import { WIRE_OPEN_KEY, parseWireOpen, pruneWireOpen, serializeWireOpen, toggleWireOpen } from '../wire/wire-state.ts';
import { ServicePane } from './ServicePane.tsx';
import { ShortcutHelp } from './ShortcutHelp.tsx';
import { RunTabsRow, ServiceTabs } from './TerminalTabs.tsx';

const LAYOUT_KEY = 'playground.terminals.layout';
/** The service the Inspect tab shows, or nothing while the terminals do. */
const INSPECT_KEY = 'playground.inspect';

const LAYOUT_ICONS: Record<PaneLayout, ReactNode> = {
  single: <rect x="2" y="2" width="12" height="12" rx="1.5" />,
  split: (
    <>
      <rect x="2" y="2" width="5.5" height="12" rx="1.5" />
      <rect x="8.5" y="2" width="5.5" height="12" rx="1.5" />
    </>
  ),
  grid: (
    <>
      <rect x="2" y="2" width="5.5" height="5.5" rx="1.2" />
      <rect x="8.5" y="2" width="5.5" height="5.5" rx="1.2" />
      <rect x="2" y="8.5" width="5.5" height="5.5" rx="1.2" />
      <rect x="8.5" y="8.5" width="5.5" height="5.5" rx="1.2" />
    </>
  ),
};

export function TerminalArea({ workspace }: { workspace: Workspace }) {
  const { runs, catalog } = workspace;
  const { panes: runPanes, lesson } = useSyncExternalStore(runs.subscribe, runs.getSnapshot);
  const services = useSyncExternalStore(catalog.subscribe, catalog.getSnapshot);
  const [stored, setState] = useState<PaneLayoutState>(() =>
    parsePaneLayout(workspace.storage?.getItem(LAYOUT_KEY) ?? null, catalog.names),
  );
  // The server's services and the run panes come and go outside React; the layout follows them at
  // every change and every render.
  const withRuns = useCallback(
    (s: PaneLayoutState) =>
      syncPanes(
        s,
        catalog.names,
        runs.getSnapshot().panes.map((p) => p.key),
      ),
    [runs, catalog],
  );
  const state = withRuns(stored);
  const [helpOpen, setHelpOpen] = useState(false);
  const [inspecting, setInspecting] = useState<string | null>(() => workspace.storage?.getItem(INSPECT_KEY) || null);
  const inspectable = services.filter((s) => s.inspect);
  const inspect = useCallback(
    (service: string | null) => {
      setInspecting(service);
      try {
        workspace.storage?.setItem(INSPECT_KEY, service ?? '');
      } catch {
        // Storage full or disabled: the choice lasts until the reload.
      }
    },
    [workspace],
  );
  // The view of the terminal in front, if it has one: Alt+I in the Redis terminal shows Redis.
  const inFront = focusedPane(state);
  const layerSlot = useRef<HTMLDivElement>(null);
  // Bumped when the learner asks for a terminal (tab, shortcut): the focused one then takes the keyboard.
  const [focusRequest, setFocusRequest] = useState(0);
  // Alt+I again hides the view and gives the keyboard back to the terminal in front.
  const toggleInspect = useCallback(() => {
    const front = inspectable.find((s) => s.name === inFront);
    const next = inspecting ? null : (front?.name ?? inspectable[0]?.name ?? null);
    inspect(next);
    if (!next) setFocusRequest((n) => n + 1);
  }, [inspect, inspectable, inFront, inspecting]);

  // The panes whose Wire view is open, kept for the tab; the one Alt+W opened takes the keyboard.
  const [wireOpen, setWireOpen] = useState<readonly string[]>(() =>
    parseWireOpen(workspace.tabStorage?.getItem(WIRE_OPEN_KEY) ?? null),
  );
  const [wireByKeyboard, setWireByKeyboard] = useState<string | null>(null);
  useEffect(() => {
    try {
      workspace.tabStorage?.setItem(WIRE_OPEN_KEY, serializeWireOpen(wireOpen));
    } catch {
      // Storage full or disabled: the views stay open until the reload.
    }
  }, [wireOpen, workspace.tabStorage]);
  const toggleWire = useCallback(
    (key: PaneKey, keyboard: boolean) => {
      const opening = !wireOpen.includes(key);
      setWireOpen((keys) => toggleWireOpen(keys, key, opening));
      setWireByKeyboard(opening && keyboard ? key : null);
      // Closed from the keyboard: it goes back to the terminal in front.
      if (!opening && keyboard) setFocusRequest((n) => n + 1);
    },
    [wireOpen],
  );

  // Adopt the terminals' layer before the panes place terminals on it (they do so in passive effects).
  useLayoutEffect(() => {
    layerSlot.current!.appendChild(workspace.layer);
  }, [workspace.layer]);
  const change = useCallback(
    (next: (s: PaneLayoutState) => PaneLayoutState, focus = true) => {
      setState((s) => next(withRuns(s)));
      if (focus) setFocusRequest((n) => n + 1);
    },
    [withRuns],
  );

  const contentOf = useCallback(
    (key: PaneKey | undefined): Placeable | undefined =>
      key === undefined ? undefined : isRunPaneKey(key) ? runs.session(key) : workspace.session(key),
    [workspace, runs],
  );

  useEffect(() => {
    setState(withRuns);
  }, [runPanes, services, withRuns]);

  useEffect(() => {
    try {
      workspace.storage?.setItem(LAYOUT_KEY, serializePaneLayout(stored));
    } catch {
      // Storage full or disabled: the layout lasts for this page only.
    }
  }, [stored, workspace.storage]);

  useEffect(() => {
    if (focusRequest === 0) return;
    // After the panes have been laid out and the terminal moved into its pane.
    const frame = requestAnimationFrame(() => contentOf(focusedPane(state))?.focus());
    return () => cancelAnimationFrame(frame);
  }, [focusRequest]);

  // Another lesson: its runs take the screen; the earlier lesson's leave it for the services.
  useEffect(() => {
    change(
      (s) =>
        retireRuns(s, catalog.names, (key) => {
          const info = runs.session(key)?.getSnapshot();
          return info === undefined || info.lesson === lesson;
        }),
      false,
    );
  }, [lesson, runs, catalog, change]);

  // A lesson block about to type into a terminal brings it on screen with the keyboard.
  useEffect(() => workspace.onShowTerminal((service) => change((s) => showPane(s, service))), [workspace, change]);

  // A run that starts is put on screen (beside the other live run when there is one) and takes the
  // keyboard, so what the learner types next reaches its input() (Alt+0 goes back to the editor). A
  // run that comes back after a reload is shown without taking it.
  useEffect(
    () =>
      runs.onShow((key, focus) =>
        change(
          (s) =>
            placeRun(s, key, (k) => {
              const info = runs.session(k)?.getSnapshot();
              return info !== undefined && isLive(info.status);
            }),
          focus,
        ),
      ),
    [runs, change],
  );

  // The terminals sit in a layer above the panes, so a click into one is seen here, not by its pane.
  const runKeys = runPanes.map((p) => p.key).join(' ');
  // A run pane closed: its Wire view goes with it (a later pane may get its key).
  const runKeysBefore = useRef(runKeys);
  useEffect(() => {
    const before = runKeysBefore.current.split(' ').filter(Boolean);
    runKeysBefore.current = runKeys;
    setWireOpen((keys) => pruneWireOpen(keys, before, runKeys.split(' ').filter(Boolean)));
  }, [runKeys]);
  useEffect(() => {
    const keys: PaneKey[] = [...catalog.names, ...runKeys.split(' ').filter(Boolean)];
    const offs = keys.map(
      (key) =>
        contentOf(key)?.onFocused(() =>
          change((s) => {
            const at = s.order.indexOf(key);
            return at !== -1 && at < PANES_SHOWN[s.layout] ? focusPane(s, at) : s;
          }, false),
        ) ?? (() => {}),
    );
    return () => offs.forEach((off) => off());
  }, [runKeys, services, catalog, contentOf, change]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = shortcutFor(event, catalog.names.length);
      // Run and Alt+0 belong to the editor (EditorPane, WorkArea), the lesson keys to the lesson pane.
      if (!action || ['run', 'focus-editor', 'prev-lesson', 'next-lesson'].includes(action.kind)) return;
      event.preventDefault();
      event.stopPropagation();
      if (action.kind === 'focus-service') {
        const service = catalog.names[action.index];
        if (service) {
          inspect(null);
          change((s) => showPane(s, service));
        }
      } else if (action.kind === 'cycle-layout') change((s) => cycleLayout(s, catalog.names));
      else if (action.kind === 'toggle-inspect') toggleInspect();
      else if (action.kind === 'toggle-wire') {
        if (inFront === undefined) return;
        // Over the Inspect tab, Alt+W brings the terminal in front back with its view open.
        if (inspecting) inspect(null);
        if (!inspecting || !wireOpen.includes(inFront)) toggleWire(inFront, true);
      } else setHelpOpen((open) => !open);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [change, catalog, inspect, toggleInspect, toggleWire, inFront, inspecting, wireOpen]);

  const visible = visiblePanes(state);
  const focusedKey = focusedPane(state);

  const choices: PaneChoice[] = [
    ...services.map((s) => ({ key: s.name, title: s.title })),
    ...runPanes.map((p) => ({ key: p.key, title: paneTitle(p) })),
  ];
  const wireOf = (key: PaneKey): WireControl => ({
    open: wireOpen.includes(key),
    autoFocus: wireByKeyboard === key,
    onFocused: () => setWireByKeyboard(null),
    onToggle: () => toggleWire(key, false),
    onLeave: () => {
      const at = state.order.indexOf(key);
      if (at !== -1) change((s) => focusPane(s, at));
    },
    services,
  });
  const pane = (index: number) => {
    const key = state.order[index];
    const common = {
      index,
      layer: workspace.layer,
      focused: state.focused === index,
      choices,
      onFocus: () => change((s) => focusPane(s, index), false),
      onChoose: (k: PaneKey) => change((s) => assignPane(s, index, k)),
    };
    // Fewer terminals and runs than panes (a server with few services): the pane stays empty.
    if (key === undefined) return <div key={`empty-${index}`} className="terminal-pane" />;
    if (!isRunPaneKey(key)) {
      const session = workspace.session(key);
      if (!session) return <div key={key} className="terminal-pane" />;
      return (
        <ServicePane key={key} session={session} split={state.layout !== 'single'} wire={wireOf(key)} {...common} />
      );
    }
    const info = runPanes.find((p) => p.key === key);
    const session = runs.session(key);
    if (!info || !session) return <div key={key} className="terminal-pane" />;
    return (
      <RunPane
        key={key}
        info={info}
        session={session}
        runs={runs}
        split={state.layout !== 'single'}
        wire={wireOf(key)}
        {...common}
      />
    );
  };
  let panes: ReactNode;
  if (state.layout === 'single') {
    panes = pane(0);
  } else if (state.layout === 'split') {
    panes = (
      <Group orientation="horizontal" id="terminals-split">
        <Panel id="slot-0" minSize="15%" className="panel">
          {pane(0)}
        </Panel>
        <Separator className="separator separator-vertical" />
        <Panel id="slot-1" minSize="15%" className="panel">
          {pane(1)}
        </Panel>
      </Group>
    );
  } else {
    // One row of the 2×2 grid: two slots side by side.
    const gridRow = (row: number, name: string) => (
      <Panel id={`row-${row}`} minSize="15%" className="panel">
        <Group orientation="horizontal" id={`terminals-grid-${name}`}>
          <Panel id={`slot-${row * 2}`} minSize="15%" className="panel">
            {pane(row * 2)}
          </Panel>
          <Separator className="separator separator-vertical" />
          <Panel id={`slot-${row * 2 + 1}`} minSize="15%" className="panel">
            {pane(row * 2 + 1)}
          </Panel>
        </Group>
      </Panel>
    );
    panes = (
      <Group orientation="vertical" id="terminals-grid">
        {gridRow(0, 'top')}
        <Separator className="separator separator-horizontal" />
        {gridRow(1, 'bottom')}
      </Group>
    );
  }

  return (
    <section className="terminal-area" aria-label="Terminals" data-layout={state.layout}>
      <div className="pane-toolbar">
        <ServiceTabs
          services={services}
          workspace={workspace}
          visible={visible}
          focusedKey={focusedKey}
          onShow={(key) => {
            inspect(null);
            change((s) => showPane(s, key));
          }}
        />
        <div className="toolbar-actions">
          {inspectable.length > 0 && (
            <button
              type="button"
              className={`inspect-toggle${inspecting ? ' active' : ''}`}
              aria-pressed={inspecting !== null}
              title="See inside the services, live (Alt+I)"
              data-testid="inspect-toggle"
              onClick={toggleInspect}
            >
              Inspect
            </button>
          )}
          <div className="layout-toggle" role="radiogroup" aria-label="Layout">
            {PANE_LAYOUTS.map((layout) => (
              <button
                key={layout}
                type="button"
                role="radio"
                aria-checked={state.layout === layout}
                className={`icon-button${state.layout === layout ? ' active' : ''}`}
                title={`${LAYOUT_TITLES[layout]} (Alt+L cycles)`}
                aria-label={LAYOUT_TITLES[layout]}
                data-testid={`layout-${layout}`}
                onClick={() => change((s) => setLayout(s, layout, catalog.names))}
              >
                <svg viewBox="0 0 16 16" width="16" height="16" fill="currentColor" aria-hidden="true">
                  {LAYOUT_ICONS[layout]}
                </svg>
              </button>
            ))}
          </div>
          <ShortcutHelp open={helpOpen} onOpenChange={setHelpOpen} services={services} />
        </div>
      </div>
      <RunTabsRow
        workspace={workspace}
        runPanes={runPanes}
        lesson={lesson}
        visible={visible}
        focusedKey={focusedKey}
        onShow={(key) => change((s) => showPane(s, key))}
      />
      <div className="terminal-panes">
        {panes}
        {/* Last, so that panes React inserts later still go underneath the terminals. */}
        <div className="terminal-layer-slot" ref={layerSlot} />
        {inspecting && <InspectPanel workspace={workspace} service={inspecting} onService={inspect} />}
      </div>
    </section>
  );
}
