// What both stores read back: the same column names under the same aliases, and one conversion
// from a row to the contract's record (SQLite and MySQL both hand booleans back as 0/1, and MySQL
// may hand counts back as strings).
import type { SavedFile, StepRecord, WorkspaceRecord } from './types.ts';

export interface StepRow {
  step: string;
  doneAt: string | null;
  attempts: number;
  lastAttemptAt: string | null;
  lastOk: number | null;
}

export interface WorkspaceRow {
  id: string;
  learnerId: string | null;
  secrets: string;
  createdAt: string;
}

export const CLASS_COLUMNS = 'id, name, code, created_at AS createdAt, archived_at AS archivedAt';
export const LEARNER_COLUMNS =
  'id, class_id AS classId, name, token_hash AS tokenHash, workspace_id AS workspaceId, joined_at AS joinedAt, ' +
  'last_active_at AS lastActiveAt, current, removed_at AS removedAt';
export const STEP_COLUMNS = 'step, done_at AS doneAt, attempts, last_attempt_at AS lastAttemptAt, last_ok AS lastOk';
export const WORKSPACE_COLUMNS = 'id, learner_id AS learnerId, secrets, created_at AS createdAt';

export function toStep(row: StepRow): StepRecord {
  return {
    step: row.step,
    doneAt: row.doneAt,
    attempts: Number(row.attempts),
    lastAttemptAt: row.lastAttemptAt,
    lastOk: row.lastOk === null ? null : Number(row.lastOk) === 1,
  };
}

/** A saved file exactly as the contract has it: a base only when there is one. */
export function savedFile(f: SavedFile): SavedFile {
  return f.base === undefined
    ? { name: f.name, content: f.content }
    : { name: f.name, content: f.content, base: f.base };
}

export function toWorkspace(row: WorkspaceRow): WorkspaceRecord {
  return { id: row.id, learnerId: row.learnerId, secrets: JSON.parse(row.secrets), createdAt: row.createdAt };
}
