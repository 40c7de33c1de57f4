// The watcher's decisions, against a fake server: when it takes writes away and gives them back,
// which statements it stops, and when the hint speaks.
import type { Pool } from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { capHint, databaseCapOf, DatabaseWatch } from './database-cap.ts';

const MB = 1024 * 1024;

/** Answers the watcher's queries from `state`, and records the statements it runs. */
function fakeServer() {
  const state = {
    innodb: new Map<string, number>(),
    other: new Map<string, number>(),
    running: [] as Array<{ user: string; queryId: number; ms: number }>,
    ran: [] as string[],
  };
  const rows = (m: Map<string, number>) => [...m].map(([db, bytes]) => ({ db, bytes: String(bytes) }));
  const pool = {
    query: async (sql: string, params?: unknown[]) => {
      if (sql.includes('INNODB_SYS_TABLESPACES')) return [rows(state.innodb)];
      if (sql.includes('information_schema.TABLES')) return [rows(state.other)];
      if (sql.includes('PROCESSLIST')) return [state.running.filter((r) => r.ms > Number(params![0]))];
      throw new Error(`unexpected ${sql}`);
    },
  } as unknown as Pool;
  const watch = new DatabaseWatch({
    pool,
    database: (id) => `ws_${id}`,
    capBytes: 4 * MB,
    statementMs: 10_000,
    revoke: (id) => [`revoke ${id}`],
    grant: (id) => [`grant ${id}`],
    run: async (statements) => {
      state.ran.push(...statements);
    },
    intervalMs: 60_000,
  });
  return { state, watch };
}

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
});

describe('the database watcher', () => {
  it('revokes once past the cap, grants once back under it, and counts every engine', async () => {
    const { state, watch } = fakeServer();
    watch.start();
    stop = () => watch.stop();
    watch.track('w1');
    watch.track('w2');
    state.innodb.set('ws_w1', 3 * MB).set('ws_w2', 1 * MB);
    state.other.set('ws_w1', 2 * MB);
    await watch.tick();
    expect(state.ran).toEqual(['revoke w1']);
    expect(databaseCapOf('w1')).toEqual({ database: 'ws_w1', capBytes: 4 * MB, bytes: 5 * MB, over: true });
    await watch.tick();
    expect(state.ran).toEqual(['revoke w1']);
    // TRUNCATE: the InnoDB file shrinks at once; other engines are measured every few looks.
    state.innodb.set('ws_w1', 64 * 1024);
    state.other.delete('ws_w1');
    for (let i = 0; i < 8; i++) await watch.tick();
    expect(state.ran).toEqual(['revoke w1', 'grant w1']);
    expect(databaseCapOf('w1')?.over).toBe(false);
    // A dropped database has no files at all.
    state.innodb.set('ws_w2', 5 * MB);
    await watch.tick();
    state.innodb.delete('ws_w2');
    await watch.tick();
    expect(state.ran.slice(2)).toEqual(['revoke w2', 'grant w2']);
  });

  it('kills, by query id, the statements of its learners that outran the limit by a second', async () => {
    const { state, watch } = fakeServer();
    watch.track('w1');
    state.running = [
      { user: 'w1', queryId: 41, ms: 12_000 },
      { user: 'w1', queryId: 42, ms: 10_500 },
      { user: 'root', queryId: 43, ms: 60_000 },
    ];
    await watch.tick();
    expect(state.ran).toEqual(['KILL QUERY ID 41']);
  });

  it('hints only at a refusal on the learner’s own database, while it is over the cap', async () => {
    const { state, watch } = fakeServer();
    watch.start();
    stop = () => watch.stop();
    watch.track('w1');
    const denied = "INSERT command denied to user 'w1'@'127.0.0.1' for table `ws_w1`.`notes`";
    expect(capHint('w1', denied)).toBeNull();
    state.innodb.set('ws_w1', 6.5 * MB);
    await watch.tick();
    expect(capHint('w1', denied)).toBe(
      [
        "your database ws_w1 holds 6.5 MB, over the classroom's size cap of 4 MB:",
        'INSERT, UPDATE, CREATE, ALTER and INDEX are refused until it is back under the cap.',
        "Free space with TRUNCATE TABLE or DROP TABLE (a DELETE does not shrink a table's file).",
      ].join('\n'),
    );
    expect(capHint('w1', "SELECT command denied to user 'w1'@'127.0.0.1' for table `ws_w2`.`notes`")).toBeNull();
    expect(capHint('w2', denied)).toBeNull();
    await watch.stop();
    // A stopped watcher speaks for nobody.
    expect(capHint('w1', denied)).toBeNull();
  });
});
