// The MySQL store against the test run's private MariaDB: the shared conformance suite, each test
// on a database of its own, and what is MySQL's own (creating the database, the schema version,
// the generated column that stands in for a partial index).
import type { RowDataPacket } from 'mysql2';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openClassroomStore } from './index.ts';
import { MYSQL_MIGRATIONS } from './mysql-schema.ts';
import { MysqlClassroomStore } from './mysql-store.ts';
import { TestDatabases } from '../../testing/store/mysql-test-db.ts';
import { describeStoreConformance } from '../../testing/store/store.conformance.ts';

const databases = new TestDatabases();

afterAll(() => databases.dropAll());

describeStoreConformance('MySQL', async () => {
  const url = databases.newUrl();
  return { store: await MysqlClassroomStore.open(url), reopen: () => MysqlClassroomStore.open(url) };
});

describe('MysqlClassroomStore', () => {
  const stores: MysqlClassroomStore[] = [];
  const open = async (url: string) => {
    const store = await MysqlClassroomStore.open(url);
    stores.push(store);
    return store;
  };

  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it('is what openClassroomStore gives for a mysql:// URL, and creates the database', async () => {
    const url = databases.newUrl();
    const store = await openClassroomStore({ dataDir: '/nonexistent', url });
    stores.push(store as MysqlClassroomStore);
    expect(store).toBeInstanceOf(MysqlClassroomStore);
    const database = (store as MysqlClassroomStore).database;
    const conn = await databases.connect(database);
    try {
      const [rows] = await conn.query<RowDataPacket[]>(
        'SELECT table_name AS name, engine, table_collation AS collation FROM information_schema.tables ' +
          'WHERE table_schema = ? ORDER BY table_name',
        [database],
      );
      expect(rows.map((r) => r.name)).toEqual([
        'classes',
        'learners',
        'meta',
        'saved_files',
        'steps',
        'store_schema',
        'workspaces',
      ]);
      for (const row of rows)
        expect([row.name, row.engine, row.collation]).toEqual([row.name, 'InnoDB', 'utf8mb4_bin']);
      const [version] = await conn.query<RowDataPacket[]>('SELECT version FROM store_schema');
      expect(version).toEqual([{ version: MYSQL_MIGRATIONS.length }]);
    } finally {
      await conn.end();
    }
  });

  it('opens its own database again without migrating twice', async () => {
    const url = databases.newUrl();
    const first = await open(url);
    await first.setMeta('k', 'v');
    await first.close();
    const [a, b] = await Promise.all([open(url), open(url)]);
    expect(await a.getMeta('k')).toBe('v');
    expect(await b.getMeta('k')).toBe('v');
  });

  it('refuses a database written by a newer schema', async () => {
    const url = databases.newUrl();
    const store = await open(url);
    const conn = await databases.connect(store.database);
    try {
      await conn.query('UPDATE store_schema SET version = version + 1');
    } finally {
      await conn.end();
    }
    await expect(MysqlClassroomStore.open(url)).rejects.toThrow(/schema version \d+ is newer/);
  });

  it('keeps the name rule in a generated column that removal clears', async () => {
    const store = await open(databases.newUrl());
    await store.createClass({ id: 'c', name: 'C', code: 'C', createdAt: 't' });
    await store.addLearner({
      id: 'l1',
      classId: 'c',
      name: 'ÉMILE',
      tokenHash: 'h1',
      workspaceId: 'w1',
      joinedAt: 't',
    });
    await store.addLearner({ id: 'l2', classId: 'c', name: 'Bea', tokenHash: 'h2', workspaceId: 'w2', joinedAt: 't' });
    await store.removeLearner('l2', 't');
    const conn = await databases.connect(store.database);
    try {
      const [rows] = await conn.query<RowDataPacket[]>(
        'SELECT id, name_key, active_name_key FROM learners ORDER BY seq',
      );
      expect(rows).toEqual([
        { id: 'l1', name_key: 'émile', active_name_key: 'émile' },
        { id: 'l2', name_key: 'bea', active_name_key: null },
      ]);
    } finally {
      await conn.end();
    }
  });

  it('says which server and database it could not open, without the password', async () => {
    const url = databases.newUrl().replace(/:(\d+)\//, ':1/');
    const password = new URL(url).password;
    const err = await MysqlClassroomStore.open(url).then(
      () => new Error('opened'),
      (e: Error) => e,
    );
    expect(err.message).toMatch(/^classroom store at 127\.0\.0\.1:1\/playground_store_/);
    expect(err.message).not.toContain(password);
  });
});
