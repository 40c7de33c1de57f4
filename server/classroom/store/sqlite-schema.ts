// The SQLite schema, as a list of migrations: migration i brings a file from version i to i + 1,
// and PRAGMA user_version says where a file is. A later version appends to SQLITE_MIGRATIONS
// (e.g. an ALTER TABLE … ADD COLUMN); files written by an older server move forward on open.
//
// Every table has an INTEGER PRIMARY KEY `seq`, because lists are answered in the order rows were
// first written (learners in join order) and only an explicit INTEGER PRIMARY KEY is kept stable
// by VACUUM. The ids the server hands out are UNIQUE columns beside it.
//
// Timestamps are the ISO 8601 strings the caller gave, stored as text and returned unchanged.
import type { Database } from 'better-sqlite3';

export type SqliteMigration = (db: Database) => void;

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  // 0 → 1
  (db) => {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE classes (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        code TEXT NOT NULL,
        created_at TEXT NOT NULL,
        CONSTRAINT uq_class_code UNIQUE (code)
      );

      CREATE TABLE learners (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        class_id TEXT NOT NULL REFERENCES classes (id),
        name TEXT NOT NULL,
        -- nameKey(name): what "the same name" means (see name-key.ts).
        name_key TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        workspace_id TEXT NOT NULL,
        joined_at TEXT NOT NULL,
        last_active_at TEXT,
        current TEXT,
        removed_at TEXT
      );
      -- A removed learner's name is free again.
      CREATE UNIQUE INDEX uq_learner_active_name ON learners (class_id, name_key) WHERE removed_at IS NULL;
      CREATE INDEX ix_learner_class ON learners (class_id, seq);

      CREATE TABLE steps (
        seq INTEGER PRIMARY KEY,
        learner_id TEXT NOT NULL REFERENCES learners (id),
        step TEXT NOT NULL,
        done_at TEXT,
        attempts INTEGER NOT NULL,
        last_attempt_at TEXT,
        last_ok INTEGER,
        UNIQUE (learner_id, step)
      );

      -- One row per (learner, lesson): saveFiles replaces the whole set, so it is one value.
      CREATE TABLE saved_files (
        seq INTEGER PRIMARY KEY,
        learner_id TEXT NOT NULL REFERENCES learners (id),
        lesson TEXT NOT NULL,
        files TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        UNIQUE (learner_id, lesson)
      );

      CREATE TABLE workspaces (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        learner_id TEXT,
        secrets TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
    `);
  },
  // 1 → 2: a class can be archived (joining closes, its records stay).
  (db) => {
    db.exec('ALTER TABLE classes ADD COLUMN archived_at TEXT');
  },
];

/**
 * Brings the file up to the newest version, each step in its own transaction (SQLite's DDL is
 * transactional, so a server killed mid-migration leaves the file at the version before it).
 * Refuses a file from a newer server rather than guess at columns it does not know.
 */
export function migrateSqlite(db: Database, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `${db.name}: schema version ${current} is newer than this server's (${migrations.length}); ` +
        'it was written by a newer version of the playground',
    );
  }
  for (let version = current; version < migrations.length; version++) {
    // IMMEDIATE takes the write lock before reading, so two processes opening the same new file
    // cannot both run migration 0.
    db.transaction(() => {
      const now = db.pragma('user_version', { simple: true }) as number;
      if (now !== version) return;
      migrations[version](db);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
  return migrations.length;
}
