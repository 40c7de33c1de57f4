// kill -9 of a process writing to the MySQL store (the writer, not the database) loses no
// acknowledged write and leaves no half-done one: an interrupted transaction is rolled back when
// its connection drops.
import { afterAll, it } from 'vitest';
import { expectAcknowledged, randomKillPoint, runAndKill, type KilledRun } from '../../testing/store/kill9-harness.ts';
import { MysqlClassroomStore } from './mysql-store.ts';
import { TestDatabases } from '../../testing/store/mysql-test-db.ts';

const ROUNDS = 2;

const databases = new TestDatabases();
afterAll(() => databases.dropAll());

it(`keeps every acknowledged write through ${ROUNDS} kill -9s of the writer`, { timeout: 90_000 }, async () => {
  const url = databases.newUrl();
  const runs: KilledRun[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    runs.push(await runAndKill({ kind: 'mysql', target: url, round, killAfter: randomKillPoint() }));
    const store = await MysqlClassroomStore.open(url);
    try {
      for (let r = 1; r <= round; r++) await expectAcknowledged(store, r, runs[r - 1]);
    } finally {
      await store.close();
    }
  }
});
