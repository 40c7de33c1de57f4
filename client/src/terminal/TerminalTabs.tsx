// The terminal area's tabs: the service tabs, always all there in the header's order; under them,
// while there are runs, a row with the open lesson's runs, which scrolls (with arrows and a fade
// where there is more), and "Earlier runs", a menu of the runs of lessons opened before, whose
// output stays.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ServiceInfo } from '../../../shared/protocol.ts';
import { RunDot } from '../runs/RunPane.tsx';
import { isLive, paneTitle, statusText, type RunPaneInfo } from '../runs/run-panes.ts';
import type { Workspace } from '../workspace.ts';
import type { PaneKey } from './pane-layout.ts';
import { SessionDot } from './SessionDot.tsx';

interface ServiceTabsProps {
  services: readonly ServiceInfo[];
  workspace: Workspace;
  visible: readonly PaneKey[];
  focusedKey: PaneKey | undefined;
  onShow: (key: PaneKey) => void;
}

/** The service terminals' tabs: always all of them, in the header's order. */
export function ServiceTabs({ services, workspace, visible, focusedKey, onShow }: ServiceTabsProps) {
  return (
    <div className="terminal-tabs service-tabs" role="tablist" aria-label="Terminals">
      {services.map(({ name, title }, i) => {
        const shown = visible.includes(name);
        const session = workspace.session(name);
        return (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={shown}
            className={`terminal-tab${shown ? ' shown' : ''}${focusedKey === name ? ' focused' : ''}`}
            title={i < 9 ? `${title} (Alt+${i + 1})` : title}
            data-testid={`tab-${name}`}
            onClick={() => onShow(name)}
          >
            {session && <SessionDot session={session} />}
            {title}
          </button>
        );
      })}
    </div>
  );
}

interface RunTabsProps {
  workspace: Workspace;
  runPanes: readonly RunPaneInfo[];
  /** The lesson open now (RunManager's snapshot). */
  lesson: string | null;
  visible: readonly PaneKey[];
  focusedKey: PaneKey | undefined;
  onShow: (key: PaneKey) => void;
}

/** A row under the service tabs, while there are runs: this lesson's, then the earlier ones' menu. */
export function RunTabsRow({ workspace, runPanes, lesson, visible, focusedKey, onShow }: RunTabsProps) {
  // A run of another lesson that is on screen (picked from the menu) stays in the strip meanwhile.
  const here = runPanes.filter((p) => p.lesson === lesson || visible.includes(p.key));
  const earlier = runPanes.filter((p) => !here.includes(p));
  if (runPanes.length === 0) return null;
  return (
    <div className="run-tabs-row" data-testid="run-tabs-row">
      <span className="run-tabs-label">Runs</span>
      {here.length === 0 && <span className="run-tabs-none">none in this lesson yet</span>}
      <RunTabStrip
        panes={here}
        lesson={lesson}
        visible={visible}
        focusedKey={focusedKey}
        onShow={onShow}
        onClose={(key) => workspace.runs.close(key)}
      />
      {earlier.length > 0 && (
        <EarlierRuns
          panes={earlier}
          onShow={onShow}
          onCloseAll={() => earlier.forEach((p) => workspace.runs.close(p.key))}
        />
      )}
    </div>
  );
}

interface StripProps {
  panes: readonly RunPaneInfo[];
  lesson: string | null;
  visible: readonly PaneKey[];
  focusedKey: PaneKey | undefined;
  onShow: (key: PaneKey) => void;
  onClose: (key: PaneKey) => void;
}

/** Pixels a click on an arrow scrolls the run tabs by. */
const SCROLL_STEP = 160;

function RunTabStrip({ panes, lesson, visible, focusedKey, onShow, onClose }: StripProps) {
  const strip = useRef<HTMLDivElement>(null);
  const [more, setMore] = useState({ left: false, right: false });

  const measure = useCallback(() => {
    const el = strip.current;
    if (!el) return;
    const left = el.scrollLeft > 1;
    const right = el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
    setMore((m) => (m.left === left && m.right === right ? m : { left, right }));
  }, []);

  useLayoutEffect(measure, [measure, panes.length]);
  useEffect(() => {
    const el = strip.current;
    if (!el) return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [measure]);

  /** By hand, not scrollIntoView: that would scroll the panels around the strip too. */
  const reveal = useCallback(
    (tab: HTMLElement) => {
      const el = strip.current;
      if (!el) return;
      const left = tab.offsetLeft - el.offsetLeft;
      if (left < el.scrollLeft) el.scrollLeft = left;
      else if (left + tab.offsetWidth > el.scrollLeft + el.clientWidth) {
        el.scrollLeft = left + tab.offsetWidth - el.clientWidth;
      }
      measure();
    },
    [measure],
  );

  // The focused run's tab stays in sight.
  useEffect(() => {
    const tab = [...(strip.current?.children ?? [])].find((el) => (el as HTMLElement).dataset.run === focusedKey);
    if (tab) reveal(tab as HTMLElement);
  }, [focusedKey, panes.length, reveal]);

  const scrollBy = (dx: number) => {
    strip.current?.scrollBy({ left: dx, behavior: 'smooth' });
  };

  if (panes.length === 0) return null;
  return (
    <div
      className={`run-tabs${more.left ? ' more-left' : ''}${more.right ? ' more-right' : ''}`}
      role="tablist"
      aria-label="Runs of this lesson"
      data-testid="run-tabs"
      data-overflow={more.left || more.right ? 'true' : 'false'}
    >
      {more.left && <ScrollArrow side="left" onClick={() => scrollBy(-SCROLL_STEP)} />}
      <div className="run-tabs-scroller" ref={strip} onScroll={measure}>
        {panes.map((info) => {
          const shown = visible.includes(info.key);
          const foreign = info.lesson !== lesson;
          return (
            <div
              key={info.key}
              role="tab"
              tabIndex={0}
              aria-selected={shown}
              className={`terminal-tab run-tab${shown ? ' shown' : ''}${focusedKey === info.key ? ' focused' : ''}`}
              title={`${info.file}: ${statusText(info)}${foreign ? ` (from ${info.lesson ?? 'another lesson'})` : ''}`}
              data-testid="run-tab"
              data-file={info.file}
              data-run={info.key}
              data-status={info.status}
              data-runs={info.runs}
              onClick={() => onShow(info.key)}
              onFocus={(e) => reveal(e.currentTarget)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') onShow(info.key);
              }}
            >
              <RunDot info={info} />
              {paneTitle(info)}
              {!isLive(info.status) && info.code !== null && (
                <span className={`run-code${info.code === 0 ? '' : ' run-code-bad'}`}>{info.code}</span>
              )}
              <button
                type="button"
                className="tab-close"
                aria-label={`Close ${paneTitle(info).slice(2)}`}
                title={isLive(info.status) ? 'Close (stops the program)' : 'Close'}
                tabIndex={-1}
                onClick={(e) => {
                  e.stopPropagation();
                  onClose(info.key);
                }}
              >
                ×
              </button>
            </div>
          );
        })}
      </div>
      {more.right && <ScrollArrow side="right" onClick={() => scrollBy(SCROLL_STEP)} />}
    </div>
  );
}

/** For the mouse: the keyboard reaches every tab with Tab, and the focused one scrolls into sight. */
function ScrollArrow({ side, onClick }: { side: 'left' | 'right'; onClick: () => void }) {
  return (
    <button
      type="button"
      className={`run-tabs-arrow run-tabs-arrow-${side}`}
      aria-label={`Scroll the run tabs ${side}`}
      tabIndex={-1}
      onClick={onClick}
    >
      {side === 'left' ? '‹' : '›'}
    </button>
  );
}

/** The runs of lessons opened before: one press shows one; their output is all still there. */
function EarlierRuns({
  panes,
  onShow,
  onCloseAll,
}: {
  panes: readonly RunPaneInfo[];
  onShow: (key: PaneKey) => void;
  onCloseAll: () => void;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    } else if (e.key === 'Tab') {
      setOpen(false);
    }
  };

  return (
    <div className="earlier-runs" ref={root}>
      <button
        ref={button}
        type="button"
        className="terminal-tab earlier-runs-button"
        aria-haspopup="menu"
        aria-expanded={open}
        title="Runs of lessons you opened before: their output is kept"
        data-testid="earlier-runs"
        onClick={() => setOpen((o) => !o)}
      >
        Earlier runs ({panes.length}) <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="earlier-runs-menu" role="menu" ref={menu} onKeyDown={onMenuKey} data-testid="earlier-runs-menu">
          {panes.map((info) => (
            <button
              key={info.key}
              type="button"
              role="menuitem"
              className="earlier-run"
              data-run={info.key}
              onClick={() => {
                setOpen(false);
                onShow(info.key);
              }}
            >
              <RunDot info={info} />
              <span className="earlier-run-title">{paneTitle(info)}</span>
              <span className="earlier-run-lesson">{info.lesson ?? 'another lesson'}</span>
              <span className="earlier-run-status">{statusText(info)}</span>
            </button>
          ))}
          <button
            type="button"
            role="menuitem"
            className="earlier-run earlier-run-close-all"
            onClick={() => {
              close();
              onCloseAll();
            }}
          >
            Close these runs (stops any still running)
          </button>
        </div>
      )}
    </div>
  );
}
