// The MySQL/MariaDB schema: the same tables as sqlite-schema.ts, as a list of migrations, with the
// version in a one-row table `store_schema` (MySQL has no user_version).
//
// MySQL commits every DDL statement on its own, so a migration cannot be rolled back as a whole:
// a server stopped halfway leaves some tables made and the version not yet raised. Each statement
// is therefore written to be run again (CREATE TABLE IF NOT EXISTS; later ones can use MariaDB's
// ADD COLUMN IF NOT EXISTS, or check information_schema first on MySQL).
//
// Everything is utf8mb4_bin: comparisons are exact, as in SQLite. Where the classroom wants
// "the same name", it compares name_key, which the store computes (see name-key.ts); MariaDB has no
// partial indexes, so the "among learners not removed" part is a generated column that is NULL for
// removed learners (NULLs never collide in a unique index).
//
// Lengths are what the server's own values need with room to spare; the keys of composite indexes
// stay under InnoDB's 3072-byte limit at 4 bytes a character.
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

/** A statement, or a step that must look before it acts (MySQL has no ADD COLUMN IF NOT EXISTS). */
export type MysqlStatement = string | ((conn: PoolConnection, database: string) => Promise<void>);
export type MysqlMigration = readonly MysqlStatement[];

/**
 * ALTER TABLE … ADD COLUMN that can run again: MariaDB has ADD COLUMN IF NOT EXISTS, MySQL 8 does
 * not, so it asks information_schema first.
 */
function addColumn(table: string, column: string, definition: string): MysqlStatement {
  return async (conn, database) => {
    const [rows] = await conn.query<RowDataPacket[]>(
      'SELECT 1 FROM information_schema.columns WHERE table_schema = ? AND table_name = ? AND column_name = ?',
      [database, table, column],
    );
    if (rows.length === 0) await conn.query(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  };
}

export const MYSQL_MIGRATIONS: readonly MysqlMigration[] = [
  // 0 → 1
  [
    `CREATE TABLE IF NOT EXISTS meta (
      \`key\` VARCHAR(191) NOT NULL PRIMARY KEY,
      value MEDIUMTEXT NOT NULL
    ) ${TABLE_OPTIONS}`,

    `CREATE TABLE IF NOT EXISTS classes (
      seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      id VARCHAR(64) NOT NULL,
      name VARCHAR(255) NOT NULL,
      code VARCHAR(64) NOT NULL,
      created_at VARCHAR(40) NOT NULL,
      UNIQUE KEY uq_class_id (id),
      UNIQUE KEY uq_class_code (code)
    ) ${TABLE_OPTIONS}`,

    `CREATE TABLE IF NOT EXISTS learners (
      seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      id VARCHAR(64) NOT NULL,
      class_id VARCHAR(64) NOT NULL,
      name VARCHAR(191) NOT NULL,
      name_key VARCHAR(191) NOT NULL,
      active_name_key VARCHAR(191) GENERATED ALWAYS AS (IF(removed_at IS NULL, name_key, NULL)) STORED,
      token_hash VARCHAR(128) NOT NULL,
      workspace_id VARCHAR(64) NOT NULL,
      joined_at VARCHAR(40) NOT NULL,
      last_active_at VARCHAR(40) NULL,
      current VARCHAR(255) NULL,
      removed_at VARCHAR(40) NULL,
      UNIQUE KEY uq_learner_id (id),
      UNIQUE KEY uq_learner_token (token_hash),
      UNIQUE KEY uq_learner_active_name (class_id, active_name_key),
      KEY ix_learner_class (class_id, seq),
      CONSTRAINT fk_learner_class FOREIGN KEY (class_id) REFERENCES classes (id)
    ) ${TABLE_OPTIONS}`,

    `CREATE TABLE IF NOT EXISTS steps (
      seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      learner_id VARCHAR(64) NOT NULL,
      step VARCHAR(255) NOT NULL,
      done_at VARCHAR(40) NULL,
      attempts INT NOT NULL,
      last_attempt_at VARCHAR(40) NULL,
      last_ok TINYINT(1) NULL,
      UNIQUE KEY uq_step (learner_id, step),
      CONSTRAINT fk_step_learner FOREIGN KEY (learner_id) REFERENCES learners (id)
    ) ${TABLE_OPTIONS}`,

    `CREATE TABLE IF NOT EXISTS saved_files (
      seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      learner_id VARCHAR(64) NOT NULL,
      lesson VARCHAR(255) NOT NULL,
      files LONGTEXT NOT NULL,
      saved_at VARCHAR(40) NOT NULL,
      UNIQUE KEY uq_saved_lesson (learner_id, lesson),
      CONSTRAINT fk_saved_learner FOREIGN KEY (learner_id) REFERENCES learners (id)
    ) ${TABLE_OPTIONS}`,

    `CREATE TABLE IF NOT EXISTS workspaces (
      seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      id VARCHAR(64) NOT NULL,
      learner_id VARCHAR(64) NULL,
      secrets TEXT NOT NULL,
      created_at VARCHAR(40) NOT NULL,
      UNIQUE KEY uq_workspace_id (id)
    ) ${TABLE_OPTIONS}`,
  ],
  // 1 → 2: a class can be archived (joining closes, its records stay).
  [addColumn('classes', 'archived_at', 'VARCHAR(40) NULL')],
];

/** GET_LOCK names are at most 64 characters and server-wide, so the database is part of it. */
function lockName(database: string): string {
  return `classroom_store.${database}`.slice(0, 64);
}

/** How long a second server waits for another one's migration to finish. */
const MIGRATION_LOCK_TIMEOUT_S = 60;

/**
 * Brings the database up to the newest version under a named lock, so two servers starting on one
 * database do not both migrate. Refuses a database written by a newer server.
 */
export async function migrateMysql(
  conn: PoolConnection,
  database: string,
  migrations: readonly MysqlMigration[] = MYSQL_MIGRATIONS,
): Promise<number> {
  const [lock] = await conn.query<Array<{ got: number | null } & RowDataPacket>>('SELECT GET_LOCK(?, ?) AS got', [
    lockName(database),
    MIGRATION_LOCK_TIMEOUT_S,
  ]);
  if (lock[0]?.got !== 1) throw new Error(`${database}: another server has been migrating the schema for too long`);
  try {
    await conn.query(
      `CREATE TABLE IF NOT EXISTS store_schema (
        id TINYINT NOT NULL PRIMARY KEY,
        version INT NOT NULL
      ) ${TABLE_OPTIONS}`,
    );
    await conn.query('INSERT IGNORE INTO store_schema (id, version) VALUES (1, 0)');
    const [rows] = await conn.query<Array<{ version: number } & RowDataPacket>>(
      'SELECT version FROM store_schema WHERE id = 1',
    );
    const current = rows[0].version;
    if (current > migrations.length) {
      throw new Error(
        `${database}: schema version ${current} is newer than this server's (${migrations.length}); ` +
          'it was written by a newer version of the playground',
      );
    }
    for (let version = current; version < migrations.length; version++) {
      for (const statement of migrations[version]) {
        if (typeof statement === 'string') await conn.query(statement);
        else await statement(conn, database);
      }
      await conn.query('UPDATE store_schema SET version = ? WHERE id = 1', [version + 1]);
    }
    return migrations.length;
  } finally {
    await conn.query('SELECT RELEASE_LOCK(?)', [lockName(database)]);
  }
}
