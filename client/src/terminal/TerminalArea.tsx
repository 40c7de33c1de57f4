import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Group, Panel, Separator } from 'react-resizable-panels';
import { SERVICE_NAMES, SERVICE_TITLES, type ServiceName } from '../../../shared/services.ts';
import { shortcutFor } from '../shortcuts.ts';
import type { Workspace } from '../workspace.ts';
import {
  LAYOUT_TITLES,
  PANES_SHOWN,
  PANE_LAYOUTS,
  assignPane,
  cycleLayout,
  focusPane,
  focusedService,
  parsePaneLayout,
  setLayout,
  showService,
  visibleServices,
  type PaneLayout,
  type PaneLayoutState,
} from './pane-layout.ts';
import { ShortcutHelp } from './ShortcutHelp.tsx';
import { SessionDot } from './SessionDot.tsx';
import { TerminalPane } from './TerminalPane.tsx';

const LAYOUT_KEY = 'playground.terminals.layout';

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
  const [state, setState] = useState<PaneLayoutState>(() =>
    parsePaneLayout(workspace.storage?.getItem(LAYOUT_KEY) ?? null),
  );
  const [helpOpen, setHelpOpen] = useState(false);
  const layerSlot = useRef<HTMLDivElement>(null);

  // Adopt the terminals' layer before the panes place terminals on it (they do so in passive effects).
  useLayoutEffect(() => {
    layerSlot.current!.appendChild(workspace.layer);
  }, [workspace.layer]);
  // Bumped when the learner asks for a terminal (tab, shortcut): the focused one then takes the keyboard.
  const [focusRequest, setFocusRequest] = useState(0);

  const change = useCallback((next: (s: PaneLayoutState) => PaneLayoutState, focus = true) => {
    setState(next);
    if (focus) setFocusRequest((n) => n + 1);
  }, []);

  useEffect(() => {
    try {
      workspace.storage?.setItem(LAYOUT_KEY, JSON.stringify(state));
    } catch {
      // Storage full or disabled: the layout lasts for this page only.
    }
  }, [state, workspace.storage]);

  useEffect(() => {
    if (focusRequest === 0) return;
    // After the panes have been laid out and the terminal moved into its pane.
    const frame = requestAnimationFrame(() => workspace.sessions[focusedService(state)].focus());
    return () => cancelAnimationFrame(frame);
  }, [focusRequest]);

  // The terminals sit in a layer above the panes, so a click into one is seen here, not by its pane.
  useEffect(() => {
    const offs = SERVICE_NAMES.map((service) =>
      workspace.sessions[service].onFocused(() =>
        change((s) => {
          const at = s.order.indexOf(service);
          return at < PANES_SHOWN[s.layout] ? focusPane(s, at) : s;
        }, false),
      ),
    );
    return () => offs.forEach((off) => off());
  }, [workspace, change]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = shortcutFor(event);
      if (!action) return;
      event.preventDefault();
      event.stopPropagation();
      if (action.kind === 'focus-service') change((s) => showService(s, action.service));
      else if (action.kind === 'cycle-layout') change(cycleLayout);
      else setHelpOpen((open) => !open);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [change]);

  const visible = visibleServices(state);
  const pane = (index: number) => (
    <TerminalPane
      key={index}
      index={index}
      session={workspace.sessions[state.order[index]]}
      layer={workspace.layer}
      focused={state.focused === index}
      showHeader={state.layout !== 'single'}
      onFocus={() => change((s) => focusPane(s, index), false)}
      onChoose={(service: ServiceName) => change((s) => assignPane(s, index, service))}
    />
  );

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
    panes = (
      <Group orientation="vertical" id="terminals-grid">
        <Panel id="row-0" minSize="15%" className="panel">
          <Group orientation="horizontal" id="terminals-grid-top">
            <Panel id="slot-0" minSize="15%" className="panel">
              {pane(0)}
            </Panel>
            <Separator className="separator separator-vertical" />
            <Panel id="slot-1" minSize="15%" className="panel">
              {pane(1)}
            </Panel>
          </Group>
        </Panel>
        <Separator className="separator separator-horizontal" />
        <Panel id="row-1" minSize="15%" className="panel">
          <Group orientation="horizontal" id="terminals-grid-bottom">
            <Panel id="slot-2" minSize="15%" className="panel">
              {pane(2)}
            </Panel>
            <Separator className="separator separator-vertical" />
            <Panel id="slot-3" minSize="15%" className="panel">
              {pane(3)}
            </Panel>
          </Group>
        </Panel>
      </Group>
    );
  }

  return (
    <section className="terminal-area" aria-label="Terminals" data-layout={state.layout}>
      <div className="pane-toolbar">
        <div className="terminal-tabs" role="tablist" aria-label="Terminals">
          {SERVICE_NAMES.map((service, i) => {
            const shown = visible.includes(service);
            const isFocused = focusedService(state) === service;
            return (
              <button
                key={service}
                type="button"
                role="tab"
                aria-selected={shown}
                className={`terminal-tab${shown ? ' shown' : ''}${isFocused ? ' focused' : ''}`}
                title={`${SERVICE_TITLES[service]} (Alt+${i + 1})`}
                data-testid={`tab-${service}`}
                onClick={() => change((s) => showService(s, service))}
              >
                <SessionDot session={workspace.sessions[service]} />
                {SERVICE_TITLES[service]}
              </button>
            );
          })}
        </div>
        <div className="toolbar-actions">
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
                onClick={() => change((s) => setLayout(s, layout))}
              >
                <svg viewBox="0 0 16 16" width="16" height="16" fill="currentColor" aria-hidden="true">
                  {LAYOUT_ICONS[layout]}
                </svg>
              </button>
            ))}
          </div>
          <ShortcutHelp open={helpOpen} onOpenChange={setHelpOpen} />
        </div>
      </div>
      <div className="terminal-panes">
        {panes}
        {/* Last, so that panes React inserts later still go underneath the terminals. */}
        <div className="terminal-layer-slot" ref={layerSlot} />
      </div>
    </section>
  );
}
