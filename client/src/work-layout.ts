// How the page divides its space, as plain data: the lesson beside the workspace, and inside the
// workspace the editor above the terminals, sized for the panes the open lesson uses (its front
// matter's `workspace:`). The learner's own divider positions are kept per kind of lesson, so a
// learner who widens the terminals in a terminals lesson finds them so in the next one, and the
// editor's size in lessons that use it is not lost to one that does not.
import { LESSON_WORKSPACES, type LessonWorkspace } from '../../shared/lesson-api.ts';

/** Percentages of the workspace column, summing to 100; editor 0 is the editor folded away. */
export interface WorkLayout {
  editor: number;
  terminals: number;
}

/** Below this width (px) the lesson and the workspace are two tabs instead of side by side. */
export const SIDE_BY_SIDE_MIN_PX = 1100;
export const NARROW_QUERY = `(max-width: ${SIDE_BY_SIDE_MIN_PX - 0.02}px)`;

/**
 * The lesson's share of a wide window, as a percentage. At 1280 px it gives the prose about 70
 * characters a line (measured by e2e/layout.e2e.ts), the middle of the 60–80 that reads best.
 */
export const LESSON_DEFAULT_PERCENT = 48;

/** Layouts stored before the lesson got its readable width are ignored: the id names this one. */
export const MAIN_LAYOUT_ID = 'playground-main-v2';

export const WORK_LAYOUT_DEFAULTS: Record<LessonWorkspace, WorkLayout> = {
  all: { editor: 38, terminals: 62 },
  // The editor is folded to a bar: the terminals take its space, and one press brings it back.
  terminals: { editor: 0, terminals: 100 },
  // Snippets and their runs: the editor gets the larger share; runs still show below.
  editor: { editor: 60, terminals: 40 },
};

export const workLayoutKey = (kind: LessonWorkspace) => `playground.layout.work.${kind}`;

/** The kind of the lesson last shown, so that a reload lays the page out before the lesson arrives. */
export const LAST_KIND_KEY = 'playground.layout.kind';

export function parseLessonWorkspace(value: string | null): LessonWorkspace | null {
  return (LESSON_WORKSPACES as readonly string[]).includes(value ?? '') ? (value as LessonWorkspace) : null;
}

/** A stored layout, or null when it is not one (hand-edited, or from another version). */
export function parseWorkLayout(json: string | null): WorkLayout | null {
  try {
    const v = JSON.parse(json ?? 'null') as Partial<WorkLayout> | null;
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 100;
    if (!v || !ok(v.editor) || !ok(v.terminals)) return null;
    if (Math.abs(v.editor + v.terminals - 100) > 1) return null;
    return { editor: v.editor, terminals: v.terminals };
  } catch {
    return null;
  }
}

/** The editor counts as folded below this share (a dragged-down editor shows nothing usable). */
export const FOLDED_BELOW_PERCENT = 1;

export const isFolded = (layout: WorkLayout) => layout.editor < FOLDED_BELOW_PERCENT;

/** What "Show the editor" opens to: the kind's last open layout, else the usual one. */
export function unfoldedLayout(stored: WorkLayout | null, kind: LessonWorkspace): WorkLayout {
  if (stored && !isFolded(stored)) return stored;
  const fallback = WORK_LAYOUT_DEFAULTS[kind];
  return isFolded(fallback) ? WORK_LAYOUT_DEFAULTS.all : fallback;
}
