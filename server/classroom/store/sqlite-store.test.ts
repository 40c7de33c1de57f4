// The SQLite store: the shared conformance suite on a file in a temp directory, and what is SQLite's
// own (settings, file mode, migrations, indexes).
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openClassroomStore } from './index.ts';
import { migrateSqlite, SQLITE_MIGRATIONS } from './sqlite-schema.ts';
import { SqliteClassroomStore } from './sqlite-store.ts';
import { describeStoreConformance } from '../../testing/store/store.conformance.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'classroom-store-'));
let fileCount = 0;
const newFile = () => path.join(root, `store-${++fileCount}`, 'classroom.db');

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describeStoreConformance('SQLite', async () => {
  const file = newFile();
  return { store: SqliteClassroomStore.open(file), reopen: async () => SqliteClassroomStore.open(file) };
});

describe('SqliteClassroomStore', () => {
  const stores: SqliteClassroomStore[] = [];
  const raw: Database.Database[] = [];
  const open = (file: string) => {
    const store = SqliteClassroomStore.open(file);
    stores.push(store);
    return store;
  };
  const inspect = (file: string) => {
    const db = new Database(file);
    raw.push(db);
    return db;
  };

  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const db of raw.splice(0)) db.close();
  });

  it('creates its directory and a file only its owner can read', () => {
    const file = newFile();
    open(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('runs in WAL mode with synchronous FULL and foreign keys, also right after a touch', async () => {
    const store = open(newFile());
    const db = (store as unknown as { db: Database.Database }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // 2 = FULL
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    await store.touchLearner('nobody', '2025-01-01T00:00:00.000Z');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('writes the schema version and opens its own file again without migrating twice', async () => {
    const file = newFile();
    const first = open(file);
    await first.setMeta('k', 'v');
    await first.close();
    expect(inspect(file).pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    const second = open(file);
    expect(await second.getMeta('k')).toBe('v');
  });

  it('refuses a file written by a newer schema', () => {
    const file = newFile();
    open(file);
    const db = inspect(file);
    db.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`);
    expect(() => SqliteClassroomStore.open(file)).toThrow(/schema version \d+ is newer/);
  });

  it('moves an older file forward with the migrations added since, each once', async () => {
    const file = newFile();
    const store = open(file);
    await store.setMeta('kept', 'yes');
    await store.close();

    let runs = 0;
    const withV2 = [
      ...SQLITE_MIGRATIONS,
      (db: Database.Database) => {
        runs++;
        db.exec("ALTER TABLE learners ADD COLUMN colour TEXT NOT NULL DEFAULT 'blue'");
      },
    ];
    const db = inspect(file);
    expect(migrateSqlite(db, withV2)).toBe(SQLITE_MIGRATIONS.length + 1);
    expect(migrateSqlite(db, withV2)).toBe(SQLITE_MIGRATIONS.length + 1);
    expect(runs).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length + 1);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'kept'").pluck().get()).toBe('yes');
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('learners')).toContain('colour');
  });

  it('leaves a failed migration undone, version and all', () => {
    const file = newFile();
    open(file);
    const db = inspect(file);
    const failing = [
      ...SQLITE_MIGRATIONS,
      (d: Database.Database) => {
        d.exec('ALTER TABLE learners ADD COLUMN colour TEXT');
        throw new Error('disk on fire');
      },
    ];
    expect(() => migrateSqlite(db, failing)).toThrow('disk on fire');
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('learners')).not.toContain('colour');
  });

  it('answers the frequent lookups from indexes', () => {
    const file = newFile();
    open(file);
    const db = inspect(file);
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    expect(plan("SELECT * FROM learners WHERE token_hash = 'x' AND removed_at IS NULL")).toMatch(/USING INDEX/);
    expect(plan("SELECT * FROM classes WHERE code = 'X'")).toMatch(/USING INDEX/);
    expect(plan("SELECT * FROM learners WHERE class_id = 'c' AND removed_at IS NULL ORDER BY seq")).toMatch(
      /USING INDEX ix_learner_class/,
    );
    expect(plan("SELECT * FROM steps WHERE learner_id = 'l' ORDER BY seq")).toMatch(/USING INDEX/);
  });

  it('is what openClassroomStore gives without a URL, at <dataDir>/classroom.db', async () => {
    const dataDir = path.dirname(newFile());
    const store = await openClassroomStore({ dataDir });
    stores.push(store as SqliteClassroomStore);
    expect(store).toBeInstanceOf(SqliteClassroomStore);
    expect((store as SqliteClassroomStore).file).toBe(path.join(dataDir, 'classroom.db'));
    expect(fs.existsSync(path.join(dataDir, 'classroom.db'))).toBe(true);
  });
});

describe('openClassroomStore', () => {
  it('names CLASSROOM_STORE_URL and what it accepts, without repeating the URL', async () => {
    const promise = openClassroomStore({ dataDir: root, url: 'postgres://admin:hunter2@db:5432/class' });
    await expect(promise).rejects.toThrow(/^CLASSROOM_STORE_URL: postgres:\/\/ is not supported; expected mysql:\/\//);
    await expect(promise).rejects.not.toThrow(/hunter2/);
    await expect(openClassroomStore({ dataDir: root, url: 'classroom.db' })).rejects.toThrow(
      /CLASSROOM_STORE_URL: not a URL.*unset.*SQLite/,
    );
  });

  it('wants a database name in a mysql:// URL', async () => {
    await expect(openClassroomStore({ dataDir: root, url: 'mysql://u:p@127.0.0.1:1/' })).rejects.toThrow(
      'CLASSROOM_STORE_URL: no database name',
    );
  });
});
