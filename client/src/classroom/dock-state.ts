// The instructor's dock on a learner's page (InstructorDock.tsx): how tall the instructor's screen
// is and whether the dock is folded, kept across reloads. The dock sits under the workspace in the
// page's own layout, so it takes room from the panes instead of covering them; these limits keep
// the panes usable whatever the learner drags it to.

/** The instructor's screen is never shorter than this: a few lines of a terminal. */
export const DOCK_MIN_PX = 120;
/** Nor taller than this share of the window: the workspace above keeps the rest. */
export const DOCK_MAX_SHARE = 0.6;
/** Until the learner resizes it. */
export const DOCK_DEFAULT_PX = 260;
/** One press of an arrow key on the dock's divider. */
export const DOCK_STEP_PX = 24;

export const DOCK_STORAGE_KEY = 'playground.instructor-dock';

export interface DockState {
  /** Height of the instructor's screen, in CSS pixels. */
  height: number;
  /** Folded to its title bar. */
  collapsed: boolean;
}

export const DEFAULT_DOCK: DockState = { height: DOCK_DEFAULT_PX, collapsed: false };

/** The height kept between the minimum and the window's share. */
export function clampDockHeight(height: number, windowHeight: number): number {
  const max = Math.max(DOCK_MIN_PX, Math.floor(windowHeight * DOCK_MAX_SHARE));
  return Math.round(Math.min(max, Math.max(DOCK_MIN_PX, height)));
}

/** What was stored, or the default for anything unreadable (another version, a hand edit). */
export function parseDockState(raw: string | null): DockState {
  if (!raw) return DEFAULT_DOCK;
  try {
    const value = JSON.parse(raw) as Partial<DockState>;
    const height = typeof value.height === 'number' && Number.isFinite(value.height) ? value.height : DOCK_DEFAULT_PX;
    return { height, collapsed: value.collapsed === true };
  } catch {
    return DEFAULT_DOCK;
  }
}
