// The classroom store in a MySQL or MariaDB database (CLASSROOM_STORE_URL=mysql://…), through a
// small mysql2 pool. Same contract and same answers as the SQLite store; the differences are in
// mysql-schema.ts (no partial indexes, DDL that commits on its own).
//
// Durability: a write resolves after the server acknowledged its COMMIT (autocommit for single
// statements). Whether that commit is on disk or in the server's memory is the server's setting,
// innodb_flush_log_at_trx_commit: 1 (the default) survives anything; 2 survives a killed mysqld but
// not a power cut. A killed playground server loses nothing either way.
import mysql, {
  type ConnectionOptions,
  type ExecuteValues,
  type Pool,
  type PoolConnection,
  type ResultSetHeader,
  type RowDataPacket,
} from 'mysql2/promise';
import { parseMysqlUrl, type MysqlTarget } from '../../services/mysql/mysql-url.ts';
import { migrateMysql } from './mysql-schema.ts';
import { nameKey } from './name-key.ts';
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
 * Connections held open. Every call is one short statement (recordCheck: one short transaction),
 * so a few connections keep up with a whole class; more would only queue inside InnoDB and count
 * against the server's max_connections.
 */
const POOL_SIZE = 4;

/** A database server that does not answer within this is reported, not waited for. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Strict, whatever the server's default: without it an over-long name or step would be cut to the
 * column's length with only a warning, and two different values could collide. NO_ENGINE_SUBSTITUTION
 * makes a server without InnoDB refuse the tables instead of making them MyISAM (no transactions, no
 * foreign keys).
 */
const SESSION_SQL_MODE = 'TRADITIONAL,NO_ENGINE_SUBSTITUTION';

const ER_DUP_ENTRY = 1062;
const ER_BAD_DB_ERROR = 1049;

const EXPECTED = 'expected mysql://user:password@host:port/database';

type Row<T> = T & RowDataPacket;

interface ClassRow {
  id: string;
  name: string;
  code: string;
  createdAt: string;
  archivedAt: string | null;
}

type LearnerRow = LearnerRecord;

// mysql2 rows are its own objects; the store answers plain records with exactly the contract's fields.
function toClass(row: ClassRow): ClassRecord {
  return { id: row.id, name: row.name, code: row.code, createdAt: row.createdAt, archivedAt: row.archivedAt };
}

function toLearner(row: LearnerRow): LearnerRecord {
  return {
    id: row.id,
    classId: row.classId,
    name: row.name,
    tokenHash: row.tokenHash,
    workspaceId: row.workspaceId,
    joinedAt: row.joinedAt,
    lastActiveAt: row.lastActiveAt,
    current: row.current,
    removedAt: row.removedAt,
  };
}

/**
 * MariaDB names the key ("for key 'uq_class_code'"), MySQL 8 the table and key
 * ("for key 'classes.uq_class_code'").
 */
function asDuplicate(err: unknown): unknown {
  const e = err as { errno?: number; message?: string };
  if (e.errno !== ER_DUP_ENTRY) return err;
  const key = /for key '(?:[^']*\.)?([^'.]+)'/.exec(e.message ?? '')?.[1];
  if (key === 'uq_class_code') return new DuplicateError('code', 'that join code is taken');
  if (key === 'uq_learner_active_name') return new DuplicateError('name', 'that name is taken in this class');
  if (key === 'uq_learner_token') return new DuplicateError('id', 'that token already belongs to a learner');
  return new DuplicateError('id', `that id is taken (${e.message})`);
}

/** The store's URL, checked; the errors name CLASSROOM_STORE_URL and never repeat the password. */
export function parseStoreUrl(url: string): MysqlTarget & { database: string } {
  let target: MysqlTarget;
  try {
    target = parseMysqlUrl(url);
  } catch (err) {
    const message = (err as Error).message.replace(/^MYSQL_URL:\s*/, '');
    throw new Error(`CLASSROOM_STORE_URL: ${message}`, { cause: err });
  }
  if (!target.database) throw new Error(`CLASSROOM_STORE_URL: no database name; ${EXPECTED}`);
  return { ...target, database: target.database };
}

export class MysqlClassroomStore implements ClassroomStore {
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    /** The database's name, for messages and tests. */
    readonly database: string,
  ) {}

  /**
   * Connects, creates the database if it does not exist (which needs CREATE on it) and brings the
   * schema up to date.
   */
  static async open(url: string): Promise<MysqlClassroomStore> {
    const target = parseStoreUrl(url);
    const options: ConnectionOptions = {
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      connectTimeout: CONNECT_TIMEOUT_MS,
      charset: 'UTF8MB4_BIN',
    };
    const pool = mysql.createPool({ ...options, database: target.database, connectionLimit: POOL_SIZE });
    // Queued on the new connection before anything a caller sends, so every statement runs strict.
    pool.pool.on('connection', (conn) => {
      conn.query(`SET SESSION sql_mode = '${SESSION_SQL_MODE}'`, (err: Error | null) => {
        if (err) conn.destroy();
      });
    });
    try {
      let conn: PoolConnection;
      try {
        conn = await pool.getConnection();
      } catch (err) {
        if ((err as { errno?: number }).errno !== ER_BAD_DB_ERROR) throw err;
        await createDatabase(options, target.database);
        conn = await pool.getConnection();
      }
      try {
        await migrateMysql(conn, target.database);
      } finally {
        conn.release();
      }
      return new MysqlClassroomStore(pool, target.database);
    } catch (err) {
      await pool.end().catch(() => {});
      throw new Error(`classroom store at ${target.address}/${target.database}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  private async rows<T>(sql: string, params: ExecuteValues[]): Promise<T[]> {
    const [rows] = await this.pool.execute<Row<T>[]>(sql, params);
    return rows;
  }

  private async write(sql: string, params: ExecuteValues[]): Promise<void> {
    try {
      await this.pool.execute(sql, params);
    } catch (err) {
      throw asDuplicate(err);
    }
  }

  async getMeta(key: string): Promise<string | null> {
    const rows = await this.rows<{ value: string }>('SELECT value FROM meta WHERE `key` = ?', [key]);
    return rows[0]?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.write('INSERT INTO meta (`key`, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = ?', [
      key,
      value,
      value,
    ]);
  }

  async createClass(record: NewClass): Promise<ClassRecord> {
    const { id, name, code, createdAt } = record;
    await this.write('INSERT INTO classes (id, name, code, created_at) VALUES (?, ?, ?, ?)', [
      id,
      name,
      code,
      createdAt,
    ]);
    return { id, name, code, createdAt, archivedAt: null };
  }

  async classes(): Promise<ClassRecord[]> {
    return (await this.rows<ClassRow>(`SELECT ${CLASS_COLUMNS} FROM classes ORDER BY seq`, [])).map(toClass);
  }

  async classById(id: string): Promise<ClassRecord | null> {
    const rows = await this.rows<ClassRow>(`SELECT ${CLASS_COLUMNS} FROM classes WHERE id = ?`, [id]);
    return rows[0] ? toClass(rows[0]) : null;
  }

  async classByCode(code: string): Promise<ClassRecord | null> {
    const rows = await this.rows<ClassRow>(`SELECT ${CLASS_COLUMNS} FROM classes WHERE code = ?`, [code]);
    return rows[0] ? toClass(rows[0]) : null;
  }

  async setClassArchived(id: string, at: string | null): Promise<boolean> {
    // changedRows would say 0 for archiving an archived class again; affectedRows counts the match.
    const [result] = await this.pool.execute<ResultSetHeader>('UPDATE classes SET archived_at = ? WHERE id = ?', [
      at,
      id,
    ]);
    return result.affectedRows > 0;
  }

  async deleteClass(id: string): Promise<{ learners: number } | null> {
    return this.transaction(async (conn) => {
      // The class row locked first: a join into it waits, then finds no class.
      const [found] = await conn.execute<Row<{ id: string }>[]>('SELECT id FROM classes WHERE id = ? FOR UPDATE', [id]);
      if (found.length === 0) return null;
      // Child tables first: the foreign keys refuse it the other way round.
      await conn.execute('DELETE s FROM steps s JOIN learners l ON s.learner_id = l.id WHERE l.class_id = ?', [id]);
      await conn.execute('DELETE f FROM saved_files f JOIN learners l ON f.learner_id = l.id WHERE l.class_id = ?', [
        id,
      ]);
      const [learners] = await conn.execute<ResultSetHeader>('DELETE FROM learners WHERE class_id = ?', [id]);
      await conn.execute('DELETE FROM classes WHERE id = ?', [id]);
      return { learners: learners.affectedRows };
    });
  }

  async addLearner(record: Omit<LearnerRecord, 'lastActiveAt' | 'current' | 'removedAt'>): Promise<LearnerRecord> {
    const { id, classId, name, tokenHash, workspaceId, joinedAt } = record;
    await this.write(
      'INSERT INTO learners (id, class_id, name, name_key, token_hash, workspace_id, joined_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?)',
      [id, classId, name, nameKey(name), tokenHash, workspaceId, joinedAt],
    );
    return { id, classId, name, tokenHash, workspaceId, joinedAt, lastActiveAt: null, current: null, removedAt: null };
  }

  async learnerById(id: string): Promise<LearnerRecord | null> {
    const rows = await this.rows<LearnerRow>(`SELECT ${LEARNER_COLUMNS} FROM learners WHERE id = ?`, [id]);
    return rows[0] ? toLearner(rows[0]) : null;
  }

  async learnerByTokenHash(tokenHash: string): Promise<LearnerRecord | null> {
    const rows = await this.rows<LearnerRow>(
      `SELECT ${LEARNER_COLUMNS} FROM learners WHERE token_hash = ? AND removed_at IS NULL`,
      [tokenHash],
    );
    return rows[0] ? toLearner(rows[0]) : null;
  }

  async learnersOf(classId: string): Promise<LearnerRecord[]> {
    const rows = await this.rows<LearnerRow>(
      `SELECT ${LEARNER_COLUMNS} FROM learners WHERE class_id = ? AND removed_at IS NULL ORDER BY seq`,
      [classId],
    );
    return rows.map(toLearner);
  }

  async removeLearner(id: string, at: string): Promise<void> {
    // The first removal is the one that counts.
    await this.write('UPDATE learners SET removed_at = ? WHERE id = ? AND removed_at IS NULL', [at, id]);
  }

  async touchLearner(id: string, at: string): Promise<void> {
    await this.write('UPDATE learners SET last_active_at = ? WHERE id = ?', [at, id]);
  }

  async setCurrent(id: string, lesson: string | null): Promise<void> {
    await this.write('UPDATE learners SET current = ? WHERE id = ?', [lesson, id]);
  }

  async recordCheck(learnerId: string, step: string, ok: boolean, at: string): Promise<StepRecord> {
    const doneAt = ok ? at : null;
    const lastOk = ok ? 1 : 0;
    // MySQL has no RETURNING: the upsert's row lock, held to the commit, keeps a concurrent check
    // of the same step from changing the row between the upsert and the read.
    return this.transaction(async (conn) => {
      await conn.execute(
        'INSERT INTO steps (learner_id, step, done_at, attempts, last_attempt_at, last_ok) VALUES (?, ?, ?, 1, ?, ?) ' +
          'ON DUPLICATE KEY UPDATE attempts = attempts + 1, last_attempt_at = ?, last_ok = ?, ' +
          'done_at = COALESCE(done_at, ?)',
        [learnerId, step, doneAt, at, lastOk, at, lastOk, doneAt],
      );
      const [rows] = await conn.execute<Row<StepRow>[]>(
        `SELECT ${STEP_COLUMNS} FROM steps WHERE learner_id = ? AND step = ?`,
        [learnerId, step],
      );
      return toStep(rows[0]);
    });
  }

  async stepsOf(learnerId: string): Promise<StepRecord[]> {
    const rows = await this.rows<StepRow>(`SELECT ${STEP_COLUMNS} FROM steps WHERE learner_id = ? ORDER BY seq`, [
      learnerId,
    ]);
    return rows.map(toStep);
  }

  async stepsOfClass(classId: string): Promise<Map<string, StepRecord[]>> {
    const rows = await this.rows<Omit<StepRow, 'step'> & { learnerId: string; step: string | null }>(
      'SELECT l.id AS learnerId, s.step, s.done_at AS doneAt, s.attempts, s.last_attempt_at AS lastAttemptAt, ' +
        's.last_ok AS lastOk FROM learners l LEFT JOIN steps s ON s.learner_id = l.id ' +
        'WHERE l.class_id = ? AND l.removed_at IS NULL ORDER BY l.seq, s.seq',
      [classId],
    );
    const byLearner = new Map<string, StepRecord[]>();
    for (const row of rows) {
      let steps = byLearner.get(row.learnerId);
      if (!steps) byLearner.set(row.learnerId, (steps = []));
      // A learner without steps comes back once, with the step columns null.
      if (row.step !== null) steps.push(toStep(row as StepRow));
    }
    return byLearner;
  }

  async saveFiles(learnerId: string, lesson: string, files: SavedFile[], at: string): Promise<void> {
    const value = JSON.stringify(files.map(savedFile));
    await this.write(
      'INSERT INTO saved_files (learner_id, lesson, files, saved_at) VALUES (?, ?, ?, ?) ' +
        'ON DUPLICATE KEY UPDATE files = ?, saved_at = ?',
      [learnerId, lesson, value, at, value, at],
    );
  }

  async filesOf(learnerId: string, lesson: string): Promise<{ files: SavedFile[]; savedAt: string } | null> {
    const rows = await this.rows<{ files: string; savedAt: string }>(
      'SELECT files, saved_at AS savedAt FROM saved_files WHERE learner_id = ? AND lesson = ?',
      [learnerId, lesson],
    );
    return rows[0] ? { files: JSON.parse(rows[0].files), savedAt: rows[0].savedAt } : null;
  }

  async putWorkspace(record: WorkspaceRecord): Promise<void> {
    const { id, learnerId, createdAt } = record;
    const secrets = JSON.stringify(record.secrets);
    await this.write(
      'INSERT INTO workspaces (id, learner_id, secrets, created_at) VALUES (?, ?, ?, ?) ' +
        'ON DUPLICATE KEY UPDATE learner_id = ?, secrets = ?, created_at = ?',
      [id, learnerId, secrets, createdAt, learnerId, secrets, createdAt],
    );
  }

  async workspaces(): Promise<WorkspaceRecord[]> {
    return (await this.rows<WorkspaceRow>(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces ORDER BY seq`, [])).map(
      toWorkspace,
    );
  }

  async workspaceById(id: string): Promise<WorkspaceRecord | null> {
    const rows = await this.rows<WorkspaceRow>(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE id = ?`, [id]);
    return rows[0] ? toWorkspace(rows[0]) : null;
  }

  async deleteWorkspace(id: string): Promise<void> {
    await this.write('DELETE FROM workspaces WHERE id = ?', [id]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async transaction<T>(work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      const result = await work(conn);
      await conn.commit();
      conn.release();
      return result;
    } catch (err) {
      // A connection whose rollback fails is in an unknown state: it does not go back to the pool.
      await conn.rollback().then(
        () => conn.release(),
        () => conn.destroy(),
      );
      throw asDuplicate(err);
    }
  }
}

async function createDatabase(options: ConnectionOptions, database: string): Promise<void> {
  const conn = await mysql.createConnection(options);
  try {
    await conn.query(
      `CREATE DATABASE IF NOT EXISTS ${conn.escapeId(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    );
  } finally {
    await conn.end();
  }
}
