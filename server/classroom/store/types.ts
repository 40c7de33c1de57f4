// Where the classroom keeps what must outlive the server process: classes, learners (with the hash
// of their token), each learner's step results, current lesson and saved editor files, the
// workspaces' records (ports are not kept; passwords are), and a few settings. Two implementations:
// SQLite under .playground/ (the default) and a MySQL database (CLASSROOM_STORE_URL). Both behave
// the same; server/testing/store/store.conformance.ts holds the tests they share.
//
// Every write is durable when its promise resolves: a server killed with SIGKILL right after loses
// nothing that was acknowledged.

export interface ClassRecord {
  id: string;
  name: string;
  /** The join code, unique among classes (normalized, upper case). */
  code: string;
  createdAt: string;
  /** When the instructor archived it (joining closes; everything recorded stays); null while active. */
  archivedAt: string | null;
}

/** A class as created: never archived yet. */
export type NewClass = Omit<ClassRecord, 'archivedAt'>;

export interface LearnerRecord {
  id: string;
  classId: string;
  /** Display name, unique within the class among learners not removed. */
  name: string;
  /** sha256 (hex) of the learner's token; the token itself is never stored. */
  tokenHash: string;
  workspaceId: string;
  joinedAt: string;
  lastActiveAt: string | null;
  /** "course/lesson" or null. */
  current: string | null;
  /** Set when the instructor removed the learner; removed learners are not returned by lookups. */
  removedAt: string | null;
}

export interface StepRecord {
  /** "course/lesson/step" */
  step: string;
  doneAt: string | null;
  attempts: number;
  lastAttemptAt: string | null;
  lastOk: boolean | null;
}

export interface WorkspaceRecord {
  /** Short, service-safe: [a-z0-9]+, e.g. "w0007"; names the vhost, the MySQL database and user. */
  id: string;
  /** null while it waits in the warm pool. */
  learnerId: string | null;
  /** Passwords and other per-workspace secrets, by name (e.g. {rabbitmq: "…", mysql: "…"}). */
  secrets: Record<string, string>;
  createdAt: string;
}

export interface SavedFile {
  name: string;
  content: string;
  /** The lesson's version of the file (shared/classroom-api.ts, SavedEditorFile); absent: the learner's own. */
  base?: string;
}

/** A unique constraint said no (join code, or a display name taken in the class). */
export class DuplicateError extends Error {
  constructor(
    readonly field: 'code' | 'name' | 'id',
    message: string,
  ) {
    super(message);
  }
}

export interface ClassroomStore {
  /** Small settings, e.g. the generated instructor secret. */
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;

  /** Throws DuplicateError('code') if the code is taken. */
  createClass(record: NewClass): Promise<ClassRecord>;
  /** Archived ones too, in the order they were created. */
  classes(): Promise<ClassRecord[]>;
  classById(id: string): Promise<ClassRecord | null>;
  classByCode(code: string): Promise<ClassRecord | null>;
  /** Archives the class (`at`) or brings it back (null); false when there is no such class. */
  setClassArchived(id: string, at: string | null): Promise<boolean>;
  /**
   * Deletes the class and everything recorded of its learners, removed ones included: their step
   * results, saved files and the learners themselves, in one transaction. Workspace records are left
   * to the workspace manager (the caller destroys the workspaces first). Answers how many learner
   * records went (removed learners included), or null (and nothing changes) when there is no such class.
   */
  deleteClass(id: string): Promise<{ learners: number } | null>;

  /** Throws DuplicateError('name') when a learner not removed has that name in the class (case-insensitive). */
  addLearner(record: Omit<LearnerRecord, 'lastActiveAt' | 'current' | 'removedAt'>): Promise<LearnerRecord>;
  /** Removed learners too (the caller looks at removedAt). */
  learnerById(id: string): Promise<LearnerRecord | null>;
  /** Only a learner not removed. */
  learnerByTokenHash(tokenHash: string): Promise<LearnerRecord | null>;
  /** Learners not removed, in join order. */
  learnersOf(classId: string): Promise<LearnerRecord[]>;
  removeLearner(id: string, at: string): Promise<void>;
  /** Called often (every few seconds per active learner): implementations keep it cheap. */
  touchLearner(id: string, at: string): Promise<void>;
  setCurrent(id: string, lesson: string | null): Promise<void>;

  /** One check attempt: attempts+1, lastAttemptAt, lastOk; doneAt is set the first time ok is true. */
  recordCheck(learnerId: string, step: string, ok: boolean, at: string): Promise<StepRecord>;
  stepsOf(learnerId: string): Promise<StepRecord[]>;
  /** Every step record of the class's learners (not removed), by learner id. */
  stepsOfClass(classId: string): Promise<Map<string, StepRecord[]>>;

  /** Replaces the saved files of one lesson. */
  saveFiles(learnerId: string, lesson: string, files: SavedFile[], at: string): Promise<void>;
  filesOf(learnerId: string, lesson: string): Promise<{ files: SavedFile[]; savedAt: string } | null>;

  /** Insert or replace. */
  putWorkspace(record: WorkspaceRecord): Promise<void>;
  workspaces(): Promise<WorkspaceRecord[]>;
  workspaceById(id: string): Promise<WorkspaceRecord | null>;
  deleteWorkspace(id: string): Promise<void>;

  close(): Promise<void>;
}
