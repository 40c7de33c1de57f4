// The workload of the kill -9 tests: what kill9-writer.ts writes, and what kill9-harness.ts then
// expects to find. Ids carry the round, so several killed runs can share one database.
import type { ClassroomStore, SavedFile } from '../../classroom/store/types.ts';

/** The writes of one iteration, in order; the writer prints `<kind> <iteration>` after each. */
export const WRITE_KINDS = ['class', 'learner', 'check', 'files', 'touch', 'meta', 'workspace'] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];

/** More than any kill point: the writer must never finish on its own. */
export const WRITER_ITERATIONS = 1_000_000;

const EPOCH = Date.UTC(2025, 0, 1);
export const at = (i: number) => new Date(EPOCH + i * 1000).toISOString();

export const classId = (round: number, i: number) => `r${round}-class-${i}`;
export const learnerId = (round: number, i: number) => `r${round}-learner-${i}`;
export const workspaceId = (round: number, i: number) => `r${round}w${i}`;
export const CHECKED_STEP = 'redis/01-strings/set';
export const LESSON = 'redis/01-strings';

export function files(round: number, i: number): SavedFile[] {
  // Big enough that a write spans several pages, so a kill can land inside one.
  return [
    { name: 'main.py', content: `# round ${round}, save ${i}\n` + `print("é€😀 ${i}")\n`.repeat(2_000) },
    { name: 'notes.md', content: `save ${i}` },
  ];
}

/** One write of the workload; the writer runs these in order for i = 0, 1, 2, … */
export async function write(store: ClassroomStore, round: number, i: number, kind: WriteKind): Promise<void> {
  const learner0 = learnerId(round, 0);
  switch (kind) {
    case 'class':
      await store.createClass({ id: classId(round, i), name: `Class ${i}`, code: `R${round}C${i}`, createdAt: at(i) });
      return;
    case 'learner':
      await store.addLearner({
        id: learnerId(round, i),
        classId: classId(round, i),
        name: `Learner ${i}`,
        tokenHash: `r${round}-token-${i}`,
        workspaceId: workspaceId(round, i),
        joinedAt: at(i),
      });
      return;
    case 'check':
      // All on one row, so the count of attempts must match the count of acknowledgements.
      await store.recordCheck(learner0, CHECKED_STEP, i % 3 === 0, at(i));
      return;
    case 'files':
      await store.saveFiles(learnerId(round, i), LESSON, files(round, i), at(i));
      return;
    case 'touch':
      await store.touchLearner(learner0, at(i));
      return;
    case 'meta':
      await store.setMeta(`round-${round}`, String(i));
      return;
    case 'workspace':
      await store.putWorkspace({
        id: workspaceId(round, i),
        learnerId: learnerId(round, i),
        secrets: { mysql: `pw-${i}` },
        createdAt: at(i),
      });
      return;
    default: {
      const unknown: never = kind;
      throw new Error(`unknown write ${String(unknown)}`);
    }
  }
}
