// The classroom store in one SQLite file (by default .playground/classroom.db), through
// better-sqlite3. Its calls are synchronous: a statement has committed when it returns, so the
// promises here resolve only after the write is in the file.
//
// Durability: WAL with synchronous = FULL, so every commit fsyncs the WAL before it returns and
// survives a power cut as well as a kill -9. The one exception is touchLearner (see
// TOUCH_SYNCHRONOUS). The fsync happens on the event loop; at ~0.2 ms on an SSD it costs less than
// the round trip a MySQL store would make, and the writes that pay it (joins, checks, saves) come
// from people clicking, not from a loop.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { nameKey } from './name-key.ts';
import { migrateSqlite } from './sqlite-schema.ts';
import {
  DuplicateError,
  type ClassRecord,
  type ClassroomStore,
  type LearnerRecord,
  type NewClass,
  type SavedFile,
  type StepRecord,
  type WorkspaceRecord,
} from './types.ts';
import {
  CLASS_COLUMNS,
  LEARNER_COLUMNS,
  STEP_COLUMNS,
  WORKSPACE_COLUMNS,
  toStep,
  toWorkspace,
  type StepRow,
  type WorkspaceRow,
  savedFile,
} from './rows.ts';

/**
 * How long a write waits for a lock held by another connection (a backup with the sqlite3 shell,
 * say) before it fails with SQLITE_BUSY. The server itself holds one connection.
 */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * touchLearner commits without an fsync: it runs every few seconds for every active learner, and
 * the timestamp it writes is the one value whose loss costs nothing. NORMAL in WAL mode still
 * write()s the commit to the WAL before returning, so a killed server loses no touch (the kernel
 * has it); only a power cut or kernel crash before the next fsync'd commit or checkpoint can take
 * the last touches back. The next FULL commit syncs them along with its own pages.
 */
const TOUCH_SYNCHRONOUS = 'NORMAL';
const WRITE_SYNCHRONOUS = 'FULL';

/** The file holds workspace passwords; SQLite gives its -wal and -shm files the same mode. */
const FILE_MODE = 0o600;

/**
 * SQLite names the columns of the constraint that failed ("UNIQUE constraint failed: classes.code");
 * anything else unique (a row id, a token hash) counts as the id.
 */
function asDuplicate(err: unknown): unknown {
  const e = err as { code?: string; message?: string };
  if (e.code !== 'SQLITE_CONSTRAINT_UNIQUE' && e.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return err;
  const message = e.message ?? '';
  if (message.includes('classes.code')) return new DuplicateError('code', 'that join code is taken');
  if (message.includes('learners.name_key')) return new DuplicateError('name', 'that name is taken in this class');
  if (message.includes('learners.token_hash'))
    return new DuplicateError('id', 'that token already belongs to a learner');
  return new DuplicateError('id', `that id is taken (${message})`);
}

function createStatements(db: Database.Database) {
  return {
    getMeta: db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck(),
    setMeta: db.prepare<[string, string]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),

    createClass: db.prepare<[string, string, string, string]>(
      'INSERT INTO classes (id, name, code, created_at) VALUES (?, ?, ?, ?)',
    ),
    classes: db.prepare<[], ClassRecord>(`SELECT ${CLASS_COLUMNS} FROM classes ORDER BY seq`),
    classById: db.prepare<[string], ClassRecord>(`SELECT ${CLASS_COLUMNS} FROM classes WHERE id = ?`),
    classByCode: db.prepare<[string], ClassRecord>(`SELECT ${CLASS_COLUMNS} FROM classes WHERE code = ?`),
    setClassArchived: db.prepare<[string | null, string]>('UPDATE classes SET archived_at = ? WHERE id = ?'),
    // A class's records go child tables first: the foreign keys refuse it the other way round.
    deleteClassSteps: db.prepare<[string]>(
      'DELETE FROM steps WHERE learner_id IN (SELECT id FROM learners WHERE class_id = ?)',
    ),
    deleteClassFiles: db.prepare<[string]>(
      'DELETE FROM saved_files WHERE learner_id IN (SELECT id FROM learners WHERE class_id = ?)',
    ),
    deleteClassLearners: db.prepare<[string]>('DELETE FROM learners WHERE class_id = ?'),
    deleteClass: db.prepare<[string]>('DELETE FROM classes WHERE id = ?'),

    addLearner: db.prepare<[string, string, string, string, string, string, string]>(
      'INSERT INTO learners (id, class_id, name, name_key, token_hash, workspace_id, joined_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    learnerById: db.prepare<[string], LearnerRecord>(`SELECT ${LEARNER_COLUMNS} FROM learners WHERE id = ?`),
    learnerByTokenHash: db.prepare<[string], LearnerRecord>(
      `SELECT ${LEARNER_COLUMNS} FROM learners WHERE token_hash = ? AND removed_at IS NULL`,
    ),
    learnersOf: db.prepare<[string], LearnerRecord>(
      `SELECT ${LEARNER_COLUMNS} FROM learners WHERE class_id = ? AND removed_at IS NULL ORDER BY seq`,
    ),
    // The first removal is the one that counts.
    removeLearner: db.prepare<[string, string]>(
      'UPDATE learners SET removed_at = ? WHERE id = ? AND removed_at IS NULL',
    ),
    touchLearner: db.prepare<[string, string]>('UPDATE learners SET last_active_at = ? WHERE id = ?'),
    setCurrent: db.prepare<[string | null, string]>('UPDATE learners SET current = ? WHERE id = ?'),
    syncTouch: db.prepare(`PRAGMA synchronous = ${TOUCH_SYNCHRONOUS}`),
    syncWrite: db.prepare(`PRAGMA synchronous = ${WRITE_SYNCHRONOUS}`),

    // One statement, so the read-modify-write of attempts cannot interleave with another.
    recordCheck: db.prepare<[string, string, string | null, string, number], StepRow>(
      'INSERT INTO steps (learner_id, step, done_at, attempts, last_attempt_at, last_ok) VALUES (?, ?, ?, 1, ?, ?) ' +
        'ON CONFLICT (learner_id, step) DO UPDATE SET attempts = attempts + 1, ' +
        'last_attempt_at = excluded.last_attempt_at, last_ok = excluded.last_ok, ' +
        'done_at = COALESCE(done_at, excluded.done_at) ' +
        `RETURNING ${STEP_COLUMNS}`,
    ),
    stepsOf: db.prepare<[string], StepRow>(`SELECT ${STEP_COLUMNS} FROM steps WHERE learner_id = ? ORDER BY seq`),
    stepsOfClass: db.prepare<[string], StepRow & { learnerId: string; step: string | null }>(
      'SELECT l.id AS learnerId, s.step, s.done_at AS doneAt, s.attempts, s.last_attempt_at AS lastAttemptAt, ' +
        's.last_ok AS lastOk FROM learners l LEFT JOIN steps s ON s.learner_id = l.id ' +
        'WHERE l.class_id = ? AND l.removed_at IS NULL ORDER BY l.seq, s.seq',
    ),

    saveFiles: db.prepare<[string, string, string, string]>(
      'INSERT INTO saved_files (learner_id, lesson, files, saved_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (learner_id, lesson) DO UPDATE SET files = excluded.files, saved_at = excluded.saved_at',
    ),
    filesOf: db.prepare<[string, string], { files: string; savedAt: string }>(
      'SELECT files, saved_at AS savedAt FROM saved_files WHERE learner_id = ? AND lesson = ?',
    ),

    putWorkspace: db.prepare<[string, string | null, string, string]>(
      'INSERT INTO workspaces (id, learner_id, secrets, created_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (id) DO UPDATE SET learner_id = excluded.learner_id, secrets = excluded.secrets, ' +
        'created_at = excluded.created_at',
    ),
    workspaces: db.prepare<[], WorkspaceRow>(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces ORDER BY seq`),
    workspaceById: db.prepare<[string], WorkspaceRow>(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE id = ?`),
    deleteWorkspace: db.prepare<[string]>('DELETE FROM workspaces WHERE id = ?'),
  };
}

export class SqliteClassroomStore implements ClassroomStore {
  private readonly statements: ReturnType<typeof createStatements>;

  private constructor(private readonly db: Database.Database) {
    this.statements = createStatements(db);
  }

  /** Opens (creating if need be) the store at `file`, brought up to the current schema. */
  static open(file: string): SqliteClassroomStore {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, 'a', FILE_MODE));
    const db = new Database(file);
    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${WRITE_SYNCHRONOUS}`);
      db.pragma('foreign_keys = ON');
      migrateSqlite(db);
      return new SqliteClassroomStore(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** The underlying file's path, for backups and tests. */
  get file(): string {
    return this.db.name;
  }

  async getMeta(key: string): Promise<string | null> {
    return this.statements.getMeta.get(key) ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.statements.setMeta.run(key, value);
  }

  async createClass(record: NewClass): Promise<ClassRecord> {
    try {
      this.statements.createClass.run(record.id, record.name, record.code, record.createdAt);
    } catch (err) {
      throw asDuplicate(err);
    }
    return { id: record.id, name: record.name, code: record.code, createdAt: record.createdAt, archivedAt: null };
  }

  async classes(): Promise<ClassRecord[]> {
    return this.statements.classes.all();
  }

  async classById(id: string): Promise<ClassRecord | null> {
    return this.statements.classById.get(id) ?? null;
  }

  async classByCode(code: string): Promise<ClassRecord | null> {
    return this.statements.classByCode.get(code) ?? null;
  }

  async setClassArchived(id: string, at: string | null): Promise<boolean> {
    return this.statements.setClassArchived.run(at, id).changes > 0;
  }

  async deleteClass(id: string): Promise<{ learners: number } | null> {
    const s = this.statements;
    return this.db.transaction(() => {
      if (!s.classById.get(id)) return null;
      s.deleteClassSteps.run(id);
      s.deleteClassFiles.run(id);
      const learners = s.deleteClassLearners.run(id).changes;
      s.deleteClass.run(id);
      return { learners };
    })();
  }

  async addLearner(record: Omit<LearnerRecord, 'lastActiveAt' | 'current' | 'removedAt'>): Promise<LearnerRecord> {
    const { id, classId, name, tokenHash, workspaceId, joinedAt } = record;
    try {
      this.statements.addLearner.run(id, classId, name, nameKey(name), tokenHash, workspaceId, joinedAt);
    } catch (err) {
      throw asDuplicate(err);
    }
    return { id, classId, name, tokenHash, workspaceId, joinedAt, lastActiveAt: null, current: null, removedAt: null };
  }

  async learnerById(id: string): Promise<LearnerRecord | null> {
    return this.statements.learnerById.get(id) ?? null;
  }

  async learnerByTokenHash(tokenHash: string): Promise<LearnerRecord | null> {
    return this.statements.learnerByTokenHash.get(tokenHash) ?? null;
  }

  async learnersOf(classId: string): Promise<LearnerRecord[]> {
    return this.statements.learnersOf.all(classId);
  }

  async removeLearner(id: string, at: string): Promise<void> {
    this.statements.removeLearner.run(at, id);
  }

  async touchLearner(id: string, at: string): Promise<void> {
    this.statements.syncTouch.run();
    try {
      this.statements.touchLearner.run(at, id);
    } finally {
      this.statements.syncWrite.run();
    }
  }

  async setCurrent(id: string, lesson: string | null): Promise<void> {
    this.statements.setCurrent.run(lesson, id);
  }

  async recordCheck(learnerId: string, step: string, ok: boolean, at: string): Promise<StepRecord> {
    const row = this.statements.recordCheck.get(learnerId, step, ok ? at : null, at, ok ? 1 : 0);
    if (!row) throw new Error('recordCheck: the upsert returned no row');
    return toStep(row);
  }

  async stepsOf(learnerId: string): Promise<StepRecord[]> {
    return this.statements.stepsOf.all(learnerId).map(toStep);
  }

  async stepsOfClass(classId: string): Promise<Map<string, StepRecord[]>> {
    const byLearner = new Map<string, StepRecord[]>();
    for (const row of this.statements.stepsOfClass.all(classId)) {
      let steps = byLearner.get(row.learnerId);
      if (!steps) byLearner.set(row.learnerId, (steps = []));
      // A learner without steps comes back once, with the step columns null.
      if (row.step !== null) steps.push(toStep(row as StepRow));
    }
    return byLearner;
  }

  async saveFiles(learnerId: string, lesson: string, files: SavedFile[], at: string): Promise<void> {
    const value = JSON.stringify(files.map(savedFile));
    this.statements.saveFiles.run(learnerId, lesson, value, at);
  }

  async filesOf(learnerId: string, lesson: string): Promise<{ files: SavedFile[]; savedAt: string } | null> {
    const row = this.statements.filesOf.get(learnerId, lesson);
    return row ? { files: JSON.parse(row.files), savedAt: row.savedAt } : null;
  }

  async putWorkspace(record: WorkspaceRecord): Promise<void> {
    const { id, learnerId, secrets, createdAt } = record;
    try {
      this.statements.putWorkspace.run(id, learnerId, JSON.stringify(secrets), createdAt);
    } catch (err) {
      throw asDuplicate(err);
    }
  }

  async workspaces(): Promise<WorkspaceRecord[]> {
    return this.statements.workspaces.all().map(toWorkspace);
  }

  async workspaceById(id: string): Promise<WorkspaceRecord | null> {
    const row = this.statements.workspaceById.get(id);
    return row ? toWorkspace(row) : null;
  }

  async deleteWorkspace(id: string): Promise<void> {
    this.statements.deleteWorkspace.run(id);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
