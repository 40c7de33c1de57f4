// Where the learner had scrolled each lesson to, for this browser tab: a reload (or coming back to
// a lesson) opens it where they were reading. sessionStorage, so a new tab starts at the top.
export const SCROLL_STORAGE_KEY = 'playground.lesson-scroll';

/** Lessons whose position is kept; past this the least recently scrolled are forgotten. */
export const MAX_KEPT_POSITIONS = 50;

type Store = Pick<Storage, 'getItem' | 'setItem'>;

function store(): Store | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The positions as stored ("course/lesson" → px from the top), least recent first. */
export function parsePositions(json: string | null): Map<string, number> {
  try {
    const value = JSON.parse(json ?? '{}') as Record<string, unknown>;
    return new Map(Object.entries(value).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] >= 0));
  } catch {
    return new Map();
  }
}

export function withPosition(positions: Map<string, number>, lesson: string, top: number): Map<string, number> {
  const next = new Map(positions);
  next.delete(lesson);
  next.set(lesson, Math.round(top));
  while (next.size > MAX_KEPT_POSITIONS) next.delete(next.keys().next().value!);
  return next;
}

export function savedScroll(lesson: string, storage: Store | null = store()): number | null {
  try {
    return parsePositions(storage?.getItem(SCROLL_STORAGE_KEY) ?? null).get(lesson) ?? null;
  } catch {
    return null;
  }
}

export function saveScroll(lesson: string, top: number, storage: Store | null = store()): void {
  try {
    const positions = withPosition(parsePositions(storage?.getItem(SCROLL_STORAGE_KEY) ?? null), lesson, top);
    storage?.setItem(SCROLL_STORAGE_KEY, JSON.stringify(Object.fromEntries(positions)));
  } catch {
    // Full or disabled: the lesson opens at its top next time.
  }
}
