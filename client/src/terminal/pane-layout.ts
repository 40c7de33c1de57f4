// Which terminals the terminal area shows, and where: one pane (tabs), two side by side, or a 2×2
// grid. `order` is always the four services in some order; the first N are on screen. Keeping a
// permutation (rather than a list of panes) means a service is never shown twice and switching a
// pane to another service is a swap.
import { SERVICE_NAMES, isServiceName, type ServiceName } from '../../../shared/services.ts';

export type PaneLayout = 'single' | 'split' | 'grid';

export const PANE_LAYOUTS: readonly PaneLayout[] = ['single', 'split', 'grid'];

export const PANES_SHOWN: Record<PaneLayout, number> = { single: 1, split: 2, grid: 4 };

export const LAYOUT_TITLES: Record<PaneLayout, string> = {
  single: 'One terminal',
  split: 'Two side by side',
  grid: 'All four (2×2)',
};

export interface PaneLayoutState {
  layout: PaneLayout;
  order: ServiceName[];
  /** Index of the pane that has (or last had) the keyboard. */
  focused: number;
}

export const INITIAL_PANE_LAYOUT: PaneLayoutState = { layout: 'single', order: [...SERVICE_NAMES], focused: 0 };

export function visibleServices(state: PaneLayoutState): ServiceName[] {
  return state.order.slice(0, PANES_SHOWN[state.layout]);
}

export function focusedService(state: PaneLayoutState): ServiceName {
  return state.order[state.focused];
}

function swap(order: ServiceName[], i: number, j: number): ServiceName[] {
  const next = [...order];
  [next[i], next[j]] = [next[j], next[i]];
  return next;
}

/** Changes the layout, keeping the focused terminal on screen. */
export function setLayout(state: PaneLayoutState, layout: PaneLayout): PaneLayoutState {
  const shown = PANES_SHOWN[layout];
  if (state.focused < shown) return { ...state, layout };
  const target = shown - 1;
  return { layout, order: swap(state.order, state.focused, target), focused: target };
}

export function cycleLayout(state: PaneLayoutState): PaneLayoutState {
  const next = PANE_LAYOUTS[(PANE_LAYOUTS.indexOf(state.layout) + 1) % PANE_LAYOUTS.length];
  return setLayout(state, next);
}

/** Brings a service's terminal to the keyboard: its pane if shown, else into the focused pane. */
export function showService(state: PaneLayoutState, service: ServiceName): PaneLayoutState {
  const at = state.order.indexOf(service);
  if (at < PANES_SHOWN[state.layout]) return { ...state, focused: at };
  return { ...state, order: swap(state.order, at, state.focused) };
}

/** Switches one pane to a service; if that service was in another pane, the two swap. */
export function assignPane(state: PaneLayoutState, pane: number, service: ServiceName): PaneLayoutState {
  return { ...state, order: swap(state.order, pane, state.order.indexOf(service)), focused: pane };
}

export function focusPane(state: PaneLayoutState, pane: number): PaneLayoutState {
  return pane === state.focused ? state : { ...state, focused: pane };
}

/** Reads a saved state back, or the initial one if it is not a valid state. */
export function parsePaneLayout(json: string | null): PaneLayoutState {
  try {
    const value = JSON.parse(json ?? 'null') as Partial<PaneLayoutState> | null;
    if (!value || !PANE_LAYOUTS.includes(value.layout as PaneLayout)) return INITIAL_PANE_LAYOUT;
    const order = value.order;
    if (
      !Array.isArray(order) ||
      order.length !== SERVICE_NAMES.length ||
      !order.every((s) => typeof s === 'string' && isServiceName(s)) ||
      new Set(order).size !== order.length
    ) {
      return INITIAL_PANE_LAYOUT;
    }
    const layout = value.layout as PaneLayout;
    const focused = Number.isInteger(value.focused)
      ? Math.min(Math.max(0, value.focused!), PANES_SHOWN[layout] - 1)
      : 0;
    return { layout, order, focused };
  } catch {
    return INITIAL_PANE_LAYOUT;
  }
}
