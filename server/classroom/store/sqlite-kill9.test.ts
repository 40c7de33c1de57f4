// kill -9 of a process writing to the SQLite store loses no acknowledged write and leaves a sound
// file, round after round on the same file (each round opens what the last kill left, WAL and all).
// A unit test: it needs nothing but a temp directory.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { expectAcknowledged, randomKillPoint, runAndKill, type KilledRun } from '../../testing/store/kill9-harness.ts';
import { SqliteClassroomStore } from './sqlite-store.ts';

const ROUNDS = 3;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classroom-kill9-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it(`keeps every acknowledged write through ${ROUNDS} kill -9s`, { timeout: 60_000 }, async () => {
  const file = path.join(dir, 'classroom.db');
  const runs: KilledRun[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    runs.push(await runAndKill({ kind: 'sqlite', target: file, round, killAfter: randomKillPoint() }));

    // Before anything opens it the normal way: the file as the kill left it must be sound.
    const raw = new Database(file);
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(raw.pragma('foreign_key_check')).toEqual([]);
    } finally {
      raw.close();
    }

    const store = SqliteClassroomStore.open(file);
    try {
      // Earlier rounds' writes too: opening and killing again must not lose them.
      for (let r = 1; r <= round; r++) await expectAcknowledged(store, r, runs[r - 1]);
    } finally {
      await store.close();
    }
  }
});
