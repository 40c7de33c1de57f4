import { describe, expect, test } from 'vitest';
import {
  initialPaneLayout,
  assignPane,
  cycleLayout,
  focusedPane,
  parsePaneLayout,
  placeRun,
  retireRuns,
  serializePaneLayout,
  setLayout,
  showPane,
  syncPanes,
  visiblePanes,
  type PaneLayoutState,
} from './pane-layout.ts';

/** The services as the server's `hello` lists them. */
const SERVICES = ['memcached', 'redis', 'rabbitmq', 'mysql'];
const INITIAL_PANE_LAYOUT = initialPaneLayout(SERVICES);
const syncRunPanes = (s: PaneLayoutState, runs: string[]) => syncPanes(s, SERVICES, runs);
const parse = (json: string | null) => parsePaneLayout(json, SERVICES);

describe('pane layout', () => {
  test('cycles single → split → grid → single', () => {
    let s = INITIAL_PANE_LAYOUT;
    expect(visiblePanes(s)).toEqual(['memcached']);
    s = cycleLayout(s, SERVICES);
    expect(visiblePanes(s)).toEqual(['memcached', 'redis']);
    s = cycleLayout(s, SERVICES);
    expect(visiblePanes(s)).toEqual(['memcached', 'redis', 'rabbitmq', 'mysql']);
    s = cycleLayout(s, SERVICES);
    expect(s.layout).toBe('single');
  });

  test('keeps the focused terminal on screen when panes go away', () => {
    let s = setLayout(INITIAL_PANE_LAYOUT, 'grid', SERVICES);
    s = showPane(s, 'mysql');
    expect(s.focused).toBe(3);
    s = setLayout(s, 'single', SERVICES);
    expect(visiblePanes(s)).toEqual(['mysql']);
    expect(focusedPane(s)).toBe('mysql');
  });

  test("the grid shows the services in the header's order, after any swaps; a run on screen stays", () => {
    let s = showPane(INITIAL_PANE_LAYOUT, 'mysql');
    s = showPane(s, 'rabbitmq');
    expect(s.order).not.toEqual(SERVICES);
    s = setLayout(s, 'grid', SERVICES);
    expect(visiblePanes(s)).toEqual(SERVICES);
    expect(focusedPane(s)).toBe('rabbitmq');

    let r = syncRunPanes(INITIAL_PANE_LAYOUT, ['run-pane-1']);
    r = placeRun(r, 'run-pane-1', () => false);
    r = setLayout(r, 'grid', SERVICES);
    expect(visiblePanes(r)).toEqual(['run-pane-1', 'memcached', 'redis', 'rabbitmq']);
    expect(focusedPane(r)).toBe('run-pane-1');
  });

  test("another lesson's runs leave the screen for the services, in the header's order", () => {
    const live = new Set(['run-pane-1']);
    let s = syncRunPanes(INITIAL_PANE_LAYOUT, ['run-pane-1', 'run-pane-2']);
    s = placeRun(s, 'run-pane-1', (k) => live.has(k));
    live.add('run-pane-2');
    s = placeRun(s, 'run-pane-2', (k) => live.has(k));
    expect(visiblePanes(s)).toEqual(['run-pane-1', 'run-pane-2']);
    const kept = retireRuns(s, SERVICES, (k) => k === 'run-pane-2');
    expect(visiblePanes(kept)).toEqual(['memcached', 'run-pane-2']);
    const gone = retireRuns(s, SERVICES, () => false);
    expect(visiblePanes(gone)).toEqual(['memcached', 'redis']);
    expect(new Set(gone.order)).toEqual(new Set([...SERVICES, 'run-pane-1', 'run-pane-2']));
    expect(retireRuns(gone, SERVICES, () => false)).toBe(gone);
  });

  test('showing a hidden service puts it in the focused pane', () => {
    let s = setLayout(INITIAL_PANE_LAYOUT, 'split', SERVICES);
    s = showPane(s, 'redis');
    expect(s.focused).toBe(1);
    s = showPane(s, 'rabbitmq');
    expect(visiblePanes(s)).toEqual(['memcached', 'rabbitmq']);
    expect(focusedPane(s)).toBe('rabbitmq');
  });

  test('switching a pane to a service shown elsewhere swaps the two', () => {
    let s = setLayout(INITIAL_PANE_LAYOUT, 'split', SERVICES);
    s = assignPane(s, 0, 'redis');
    expect(visiblePanes(s)).toEqual(['redis', 'memcached']);
    expect(s.focused).toBe(0);
    expect(new Set(s.order).size).toBe(4);
  });

  test('reads back only valid saved states', () => {
    const saved = { layout: 'grid', order: ['mysql', 'redis', 'rabbitmq', 'memcached'], focused: 2 };
    expect(parse(JSON.stringify(saved))).toEqual(saved);
    expect(parse(JSON.stringify({ ...saved, focused: 9, layout: 'split' })).focused).toBe(1);
    expect(parse(JSON.stringify({ ...saved, order: ['mysql', 'mysql', 'redis', 'memcached'] }))).toEqual(
      INITIAL_PANE_LAYOUT,
    );
    expect(parse('{oops')).toEqual(INITIAL_PANE_LAYOUT);
    expect(parse(null)).toEqual(INITIAL_PANE_LAYOUT);
  });

  test('follows the services the server runs: a new one joins at the end, a gone one leaves', () => {
    const saved = { layout: 'split', order: ['mysql', 'redis', 'rabbitmq', 'memcached'], focused: 1 };
    const more = parsePaneLayout(JSON.stringify(saved), [...SERVICES, 'queue5']);
    expect(more.order).toEqual(['mysql', 'redis', 'rabbitmq', 'memcached', 'queue5']);
    const fewer = parsePaneLayout(JSON.stringify(saved), ['memcached', 'mysql']);
    expect(fewer).toEqual({ layout: 'split', order: ['mysql', 'memcached'], focused: 1 });
    // Before the server has said anything on a first visit: no services yet, nothing shown.
    expect(visiblePanes(initialPaneLayout([]))).toEqual([]);
    expect(syncPanes(initialPaneLayout([]), SERVICES, []).order).toEqual(SERVICES);
  });
});

describe('run panes in the layout', () => {
  const live =
    (...keys: string[]) =>
    (k: string) =>
      keys.includes(k);

  test('follows the open run panes: new ones join off screen, closed ones leave', () => {
    let s = syncRunPanes(INITIAL_PANE_LAYOUT, ['run-pane-1', 'run-pane-2']);
    expect(s.order).toEqual(['memcached', 'redis', 'rabbitmq', 'mysql', 'run-pane-1', 'run-pane-2']);
    expect(syncRunPanes(s, ['run-pane-1', 'run-pane-2'])).toBe(s);
    s = showPane(s, 'run-pane-2');
    expect(visiblePanes(s)).toEqual(['run-pane-2']);
    s = syncRunPanes(s, ['run-pane-1']);
    expect(s.order).not.toContain('run-pane-2');
    expect(s.order).toHaveLength(5);
    expect(s.focused).toBe(0);
  });

  test('a run in a single pane takes it; a second live run splits the area beside the first', () => {
    let s = syncRunPanes(INITIAL_PANE_LAYOUT, ['run-pane-1']);
    s = placeRun(s, 'run-pane-1', live('run-pane-1'));
    expect(s.layout).toBe('single');
    expect(visiblePanes(s)).toEqual(['run-pane-1']);
    s = syncRunPanes(s, ['run-pane-1', 'run-pane-2']);
    s = placeRun(s, 'run-pane-2', live('run-pane-1', 'run-pane-2'));
    expect(s.layout).toBe('split');
    expect(visiblePanes(s)).toEqual(['run-pane-1', 'run-pane-2']);
    expect(s.focused).toBe(1);
    expect(new Set(s.order).size).toBe(6);
  });

  test('closing a run brings back the terminal it covered', () => {
    let s = syncRunPanes(showPane(INITIAL_PANE_LAYOUT, 'redis'), ['run-pane-1']);
    expect(visiblePanes(s)).toEqual(['redis']);
    s = placeRun(s, 'run-pane-1', live('run-pane-1'));
    expect(visiblePanes(s)).toEqual(['run-pane-1']);
    s = syncRunPanes(s, []);
    expect(visiblePanes(s)).toEqual(['redis']);
    expect(new Set(s.order).size).toBe(4);
  });

  test('the split happens even when the live run is off screen', () => {
    let s = syncRunPanes(INITIAL_PANE_LAYOUT, ['run-pane-1', 'run-pane-2']);
    s = placeRun(s, 'run-pane-2', live('run-pane-1', 'run-pane-2'));
    expect(visiblePanes(s)).toEqual(['run-pane-1', 'run-pane-2']);
  });

  test('in a split, a run replaces a finished run first, then the last service terminal shown', () => {
    const base: PaneLayoutState = {
      layout: 'split',
      order: ['redis', 'run-pane-1', 'memcached', 'rabbitmq', 'mysql', 'run-pane-2'],
      focused: 0,
    };
    // run-pane-1 finished: it makes room.
    expect(visiblePanes(placeRun(base, 'run-pane-2', live('run-pane-2')))).toEqual(['redis', 'run-pane-2']);
    // run-pane-1 is live (a consumer): the terminal goes, the consumer stays.
    const s = placeRun(base, 'run-pane-2', live('run-pane-1', 'run-pane-2'));
    expect(visiblePanes(s)).toEqual(['run-pane-2', 'run-pane-1']);
    expect(s.focused).toBe(0);
    // Two terminals shown: the second (right) one makes room.
    const terminals = syncRunPanes(setLayout(INITIAL_PANE_LAYOUT, 'split', SERVICES), ['run-pane-3']);
    expect(visiblePanes(placeRun(terminals, 'run-pane-3', live('run-pane-3')))).toEqual(['memcached', 'run-pane-3']);
  });

  test('a run already on screen only gets the focus', () => {
    const s: PaneLayoutState = {
      layout: 'split',
      order: ['redis', 'run-pane-1', 'memcached', 'rabbitmq', 'mysql'],
      focused: 0,
    };
    expect(placeRun(s, 'run-pane-1', live())).toEqual({ ...s, focused: 1 });
  });

  test('only the services are saved', () => {
    const s: PaneLayoutState = {
      layout: 'split',
      order: ['run-pane-1', 'redis', 'memcached', 'rabbitmq', 'mysql'],
      focused: 1,
    };
    expect(JSON.parse(serializePaneLayout(s))).toEqual({
      layout: 'split',
      order: ['redis', 'memcached', 'rabbitmq', 'mysql'],
      focused: 0,
    });
    expect(parse(serializePaneLayout(s)).order).toEqual(['redis', 'memcached', 'rabbitmq', 'mysql']);
  });
});
