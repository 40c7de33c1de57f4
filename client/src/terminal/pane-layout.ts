// Which panes the terminal area shows, and where: one pane (tabs), two side by side, or a 2×2
// grid. A pane shows a service terminal or a run; `order` holds all of them, the server's services
// always and the open run panes, and the first N are on screen. Keeping a permutation (rather than
// a list of panes) means nothing is shown twice and switching a pane to something else is a swap.
import { isRunPaneKey } from '../runs/run-panes.ts';

export type PaneLayout = 'single' | 'split' | 'grid';

/** A service name, or a run pane's key (run-panes.ts). */
export type PaneKey = string;

export const PANE_LAYOUTS: readonly PaneLayout[] = ['single', 'split', 'grid'];

export const PANES_SHOWN: Record<PaneLayout, number> = { single: 1, split: 2, grid: 4 };

export const LAYOUT_TITLES: Record<PaneLayout, string> = {
  single: 'One pane',
  split: 'Two side by side',
  grid: 'Four (2×2)',
};

export interface PaneLayoutState {
  layout: PaneLayout;
  order: PaneKey[];
  /** Index of the pane that has (or last had) the keyboard. */
  focused: number;
}

/** A service terminal's pane (the other panes are runs'). */
function isServiceKey(key: PaneKey): boolean {
  return !isRunPaneKey(key);
}

/** One pane, the services in the server's order, the first one focused. */
export function initialPaneLayout(services: readonly string[]): PaneLayoutState {
  return { layout: 'single', order: [...services], focused: 0 };
}

export function visiblePanes(state: PaneLayoutState): PaneKey[] {
  return state.order.slice(0, PANES_SHOWN[state.layout]);
}

export function focusedPane(state: PaneLayoutState): PaneKey {
  return state.order[state.focused];
}

function swap(order: PaneKey[], i: number, j: number): PaneKey[] {
  const next = [...order];
  [next[i], next[j]] = [next[j], next[i]];
  return next;
}

/**
 * Changes the layout, keeping the focused pane on screen. Panes that come on screen show the
 * services not shown yet, in the header's order (`services`), and a grid of services only puts
 * them in that order: memcached, Redis, RabbitMQ, MySQL, whatever was swapped before.
 */
export function setLayout(state: PaneLayoutState, layout: PaneLayout, services: readonly string[]): PaneLayoutState {
  const shown = PANES_SHOWN[layout];
  let next: PaneLayoutState =
    state.focused < shown
      ? { ...state, layout }
      : { layout, order: swap(state.order, state.focused, shown - 1), focused: shown - 1 };
  const focusedKey = focusedPane(next);
  let order = next.order;
  for (let slot = PANES_SHOWN[state.layout]; slot < shown && slot < order.length; slot++) {
    const service = services.find((s) => order.indexOf(s) >= slot);
    if (service !== undefined) order = swap(order, slot, order.indexOf(service));
  }
  const visible = order.slice(0, shown);
  if (layout === 'grid' && state.layout !== 'grid' && visible.every(isServiceKey)) {
    const rank = (k: PaneKey) => services.indexOf(k);
    order = [...visible.sort((a, b) => rank(a) - rank(b)), ...order.slice(shown)];
  }
  next = { ...next, order, focused: Math.max(0, order.indexOf(focusedKey)) };
  return next.focused < shown ? next : { ...next, focused: 0 };
}

export function cycleLayout(state: PaneLayoutState, services: readonly string[]): PaneLayoutState {
  const next = PANE_LAYOUTS[(PANE_LAYOUTS.indexOf(state.layout) + 1) % PANE_LAYOUTS.length];
  return setLayout(state, next, services);
}

/**
 * Another lesson opened: the runs of earlier lessons leave the screen (they stay reachable), and
 * each pane they held shows a service not shown yet, in the header's order.
 */
export function retireRuns(
  state: PaneLayoutState,
  services: readonly string[],
  stays: (run: PaneKey) => boolean,
): PaneLayoutState {
  const shown = PANES_SHOWN[state.layout];
  let order = state.order;
  for (let slot = 0; slot < shown && slot < order.length; slot++) {
    if (isServiceKey(order[slot]) || stays(order[slot])) continue;
    const service = services.find((s) => order.indexOf(s) >= shown);
    if (service !== undefined) order = swap(order, slot, order.indexOf(service));
  }
  return order === state.order ? state : { ...state, order };
}

/** Brings a terminal or run to the keyboard: its pane if shown, else into the focused pane. */
export function showPane(state: PaneLayoutState, key: PaneKey): PaneLayoutState {
  const at = state.order.indexOf(key);
  if (at === -1) return state;
  if (at < PANES_SHOWN[state.layout]) return at === state.focused ? state : { ...state, focused: at };
  return { ...state, order: swap(state.order, at, state.focused) };
}

/** Switches one pane to a terminal or run; if that was in another pane, the two swap. */
export function assignPane(state: PaneLayoutState, pane: number, key: PaneKey): PaneLayoutState {
  const at = state.order.indexOf(key);
  if (at === -1) return state;
  return { ...state, order: swap(state.order, pane, at), focused: pane };
}

export function focusPane(state: PaneLayoutState, pane: number): PaneLayoutState {
  return pane === state.focused ? state : { ...state, focused: pane };
}

/**
 * Follows the server's services and the open run panes: those that went leave `order` (what was
 * behind them moves up), new ones join at the end, off screen until placed.
 */
export function syncPanes(
  state: PaneLayoutState,
  services: readonly string[],
  runKeys: readonly PaneKey[],
): PaneLayoutState {
  const wanted = new Set([...services, ...runKeys]);
  const kept = state.order.filter((k) => wanted.has(k));
  const added = [...services, ...runKeys].filter((k) => !kept.includes(k));
  if (added.length === 0 && kept.length === state.order.length) return state;
  const focusedKey = focusedPane(state);
  const order = [...kept, ...added];
  const shown = PANES_SHOWN[state.layout];
  const at = order.indexOf(focusedKey);
  return { ...state, order, focused: at !== -1 && at < shown ? at : Math.min(state.focused, shown - 1) };
}

/**
 * Puts a run that just started on screen so that it can be watched beside the other live run, the
 * way the lessons use them (a consumer and a producer):
 * - in one pane, beside another live run, the area splits in two: the other run left, this one right;
 * - otherwise it takes a shown pane: one with a finished run, else a service terminal (the last
 *   one: the first usually holds the terminal being worked in), else the last pane.
 */
export function placeRun(state: PaneLayoutState, key: PaneKey, isLiveRun: (key: PaneKey) => boolean): PaneLayoutState {
  const at = state.order.indexOf(key);
  if (at === -1) return state;
  const shown = PANES_SHOWN[state.layout];
  if (at < shown) return focusPane(state, at);
  if (state.layout === 'single') {
    const other = isLiveRun(state.order[0])
      ? state.order[0]
      : [...state.order].reverse().find((k) => k !== key && isLiveRun(k));
    if (!other) return { ...state, order: replaceShown(state.order, shown, 0, key), focused: 0 };
    const rest = state.order.filter((k) => k !== other && k !== key);
    return { layout: 'split', order: [other, key, ...rest], focused: 1 };
  }
  const visible = state.order.slice(0, shown);
  let target = visible.findIndex((k) => isRunPaneKey(k) && !isLiveRun(k));
  if (target === -1) target = lastIndex(visible, isServiceKey);
  if (target === -1) target = shown - 1;
  return { ...state, order: replaceShown(state.order, shown, target, key), focused: target };
}

/**
 * Shows `key` in pane `target`; what was there becomes the first hidden item, so that closing the
 * run brings it back on screen.
 */
function replaceShown(order: readonly PaneKey[], shown: number, target: number, key: PaneKey): PaneKey[] {
  const visible = order.slice(0, shown);
  const displaced = visible[target];
  visible[target] = key;
  return [...visible, displaced, ...order.slice(shown).filter((k) => k !== key)];
}

function lastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}

/** What is saved: run panes do not outlive the page, so only the services' places are kept. */
export function serializePaneLayout(state: PaneLayoutState): string {
  const order = state.order.filter(isServiceKey);
  const focusedKey = focusedPane(state);
  const focused = isServiceKey(focusedKey) ? order.indexOf(focusedKey) : 0;
  return JSON.stringify({ layout: state.layout, order, focused: Math.min(focused, PANES_SHOWN[state.layout] - 1) });
}

/**
 * Reads a saved state back, or the initial one for `services` if it is not a valid state (services
 * the server has gained or lost since are added or dropped by syncPanes).
 */
export function parsePaneLayout(json: string | null, services: readonly string[]): PaneLayoutState {
  const initial = initialPaneLayout(services);
  try {
    const value = JSON.parse(json ?? 'null') as Partial<PaneLayoutState> | null;
    if (!value || !PANE_LAYOUTS.includes(value.layout as PaneLayout)) return initial;
    const order = value.order;
    if (
      !Array.isArray(order) ||
      !order.every((s) => typeof s === 'string' && isServiceKey(s)) ||
      new Set(order).size !== order.length
    ) {
      return initial;
    }
    const layout = value.layout as PaneLayout;
    const focused = Number.isInteger(value.focused)
      ? Math.min(Math.max(0, value.focused!), PANES_SHOWN[layout] - 1)
      : 0;
    return syncPanes({ layout, order: order as string[], focused }, services, []);
  } catch {
    return initial;
  }
}
