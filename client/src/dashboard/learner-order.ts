// The grid's row order: as they joined (the default: rows stay put while the class works), by
// name, or with the most steps done first.
import type { LearnerView, StepColumn } from '../../../shared/classroom-api.ts';

export type LearnerOrder = 'joined' | 'name' | 'progress';

export const ORDER_TITLES: Record<LearnerOrder, string> = {
  joined: 'Join order',
  name: 'Name',
  progress: 'Most done',
};

export function doneCount(learner: LearnerView, columns: readonly StepColumn[]): number {
  let n = 0;
  for (const c of columns) if (learner.steps[c.key]?.doneAt) n++;
  return n;
}

export function orderLearners(
  learners: readonly LearnerView[],
  order: LearnerOrder,
  columns: readonly StepColumn[],
): LearnerView[] {
  const byJoin = (a: LearnerView, b: LearnerView) => a.joinedAt.localeCompare(b.joinedAt) || a.id.localeCompare(b.id);
  const list = [...learners];
  if (order === 'joined') return list.sort(byJoin);
  if (order === 'name')
    return list.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || byJoin(a, b));
  const done = new Map(list.map((l) => [l.id, doneCount(l, columns)]));
  return list.sort((a, b) => done.get(b.id)! - done.get(a.id)! || byJoin(a, b));
}
