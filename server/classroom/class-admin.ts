// Archiving and deleting a whole class. Archiving closes joining and keeps everything (the class
// leaves the dashboard's list of current classes and can come back). Deleting removes every
// learner as "Remove from class" does — their sessions end and their workspaces (instances, vhost,
// database) are destroyed — and then every record of the class: learners, step results and saved
// files.
import type { ClassSummary } from '../../shared/classroom-api.ts';
import { Limiter } from '../util/limiter.ts';
import { ClassroomError, type Classroom } from './classroom.ts';

/**
 * Workspaces destroyed at once while deleting a class: each one stops processes and drops a vhost
 * and a database, so a class of 100 takes seconds, not minutes, without crowding the shared servers.
 */
export const DELETE_CLASS_CONCURRENCY = 4;

export async function archiveClass(classroom: Classroom, classId: string, archived: boolean): Promise<ClassSummary> {
  const at = archived ? new Date().toISOString() : null;
  const current = await classroom.classOrThrow(classId);
  // Archiving an archived class keeps its first date.
  if (archived !== (current.archivedAt !== null)) await classroom.store.setClassArchived(classId, at);
  const c = await classroom.classOrThrow(classId);
  return { ...classroom.summary(c), learners: (await classroom.store.learnersOf(classId)).length };
}

export async function deleteClass(classroom: Classroom, classId: string): Promise<{ learners: number }> {
  await classroom.classOrThrow(classId);
  // Archived first, so nobody joins while the learners are being removed.
  await classroom.store.setClassArchived(classId, new Date().toISOString());
  const learners = await classroom.store.learnersOf(classId);
  const limiter = new Limiter(DELETE_CLASS_CONCURRENCY);
  await Promise.all(learners.map((l) => limiter.run(() => classroom.remove(l))));
  const deleted = await classroom.store.deleteClass(classId);
  if (!deleted) throw new ClassroomError(404, `there is no class "${classId}"`);
  return { learners: learners.length };
}
