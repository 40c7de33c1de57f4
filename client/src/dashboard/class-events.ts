// The class as the dashboard knows it, kept current by the event stream: a snapshot replaces it, a
// learner event replaces (or adds) that learner, a removal drops one.
import type { ClassDetail, ClassEvent } from '../../../shared/classroom-api.ts';

export function applyClassEvent(detail: ClassDetail | null, event: ClassEvent): ClassDetail | null {
  switch (event.kind) {
    case 'snapshot':
      return event.detail;
    case 'learner': {
      if (!detail) return detail; // before the snapshot: it will carry this learner
      const at = detail.learners.findIndex((l) => l.id === event.learner.id);
      const learners =
        at === -1 ? [...detail.learners, event.learner] : detail.learners.map((l, i) => (i === at ? event.learner : l));
      return { ...detail, learners, class: { ...detail.class, learners: learners.length } };
    }
    case 'removed': {
      if (!detail || !detail.learners.some((l) => l.id === event.learnerId)) return detail;
      const learners = detail.learners.filter((l) => l.id !== event.learnerId);
      return { ...detail, learners, class: { ...detail.class, learners: learners.length } };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** An event from the stream's text; null for anything that is not one (a comment, a newer server's kind). */
export function parseClassEvent(data: string): ClassEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const e = value as { kind?: unknown; detail?: unknown; learner?: unknown; learnerId?: unknown };
  if (e.kind === 'snapshot' && typeof e.detail === 'object' && e.detail !== null) return value as ClassEvent;
  if (e.kind === 'learner' && typeof e.learner === 'object' && e.learner !== null) return value as ClassEvent;
  if (e.kind === 'removed' && typeof e.learnerId === 'string') return value as ClassEvent;
  return null;
}
