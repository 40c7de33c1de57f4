// A copy of a learner's running Redis for another machine to start from (docs/scaling.md,
// "Failover"), taken without changing anything the learner can read about their own persistence:
// SAVE would reset `rdb_changes_since_last_save`, move LASTSAVE and rewrite their dump.rdb (so a
// write the persistence lesson loses in a crash would survive it), and a replica's SYNC would give
// ROLE a replication offset. Instead every key of every database is read with PTTL and DUMP, the
// libraries with FUNCTION DUMP, and rdb-file.ts puts them together as the dump.rdb the other
// machine's start loads. DUMP counts as a read in `keyspace_hits`, as the Inspect view's look does.
//
// Keys are read in batches, not at one instant: a key written while it runs may be in its old or
// new state, and the next snapshot (the change mark moved) has it right.
import type { Redis } from 'ioredis';
import { type DumpedKey, type DumpedRedis, rdbFile } from './rdb-file.ts';

/** Keys asked for a batch at a time: one SCAN, then one pipeline of PTTL and DUMP. */
const BATCH = 500;

/**
 * Moves whenever the data may have changed: the server's run id (a restart), the saves it made
 * and the writes since its last one (both kept by Redis; reading them changes neither).
 */
export async function changeMark(redis: Redis): Promise<string> {
  const info = (await redis.call('INFO', 'server', 'persistence')) as string;
  const field = (name: string) => new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1] ?? '?';
  return `${field('run_id')}:${field('rdb_saves')}:${field('rdb_changes_since_last_save')}`;
}

/** The databases that hold keys, from INFO keyspace ("db3:keys=2,expires=0,avg_ttl=0"). */
async function databasesInUse(redis: Redis): Promise<number[]> {
  const info = await redis.info('keyspace');
  return [...info.matchAll(/^db(\d+):keys=(\d+)/gm)].filter((m) => Number(m[2]) > 0).map((m) => Number(m[1]));
}

async function dumpDatabase(redis: Redis, db: number): Promise<DumpedKey[]> {
  await redis.select(db);
  const keys: DumpedKey[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scanBuffer(cursor, 'COUNT', BATCH);
    cursor = next.toString();
    if (batch.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.pttl(key).dumpBuffer(key);
    const replies = (await pipeline.exec()) ?? [];
    const now = Date.now();
    batch.forEach((key, i) => {
      const [ttlError, ttl] = replies[2 * i];
      const [dumpError, payload] = replies[2 * i + 1];
      if (ttlError) throw ttlError;
      if (dumpError) throw dumpError;
      // Gone since the SCAN (deleted, or expired): nothing to keep.
      if (payload === null || ttl === -2) return;
      keys.push({ key, payload: payload as Buffer, expiresAtMs: (ttl as number) >= 0 ? now + (ttl as number) : null });
    });
  } while (cursor !== '0');
  return keys;
}

/** Everything the Redis holds, as a dump.rdb; `redis` may be in any database, and is left in db 0. */
export async function snapshotFile(redis: Redis): Promise<Buffer> {
  const dumped: DumpedRedis = { functions: null, databases: [] };
  const functions = (await redis.callBuffer('FUNCTION', 'DUMP')) as Buffer | null;
  dumped.functions = functions && functions.length > 0 ? functions : null;
  for (const db of await databasesInUse(redis)) dumped.databases.push({ db, keys: await dumpDatabase(redis, db) });
  await redis.select(0);
  return rdbFile(dumped);
}
