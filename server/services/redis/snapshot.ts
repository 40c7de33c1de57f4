// A copy of a learner's running Redis for another machine to start from (docs/scaling.md,
// "Failover"), taken without changing anything the learner can read about their own persistence:
// SAVE would reset `rdb_changes_since_last_save`, move LASTSAVE and rewrite their dump.rdb (so a
// write the persistence lesson loses in a crash would survive it), and a replica's SYNC would give
// ROLE a replication offset. Instead every key of every database is read with PTTL and DUMP (in a
// script, a batch at a time), the libraries with FUNCTION DUMP, and rdb-file.ts puts them together
// as the dump.rdb the other machine's start loads. What a learner could notice: DUMP counts as a
// read in `keyspace_hits`, as the Inspect view's look does, and the script is in the script cache
// (`number_of_cached_scripts` in INFO memory).
//
// Each batch is read at one instant, not the whole: a key written between two batches may be in
// its old or new state, and the next snapshot (the change mark moved) has it right.
import type { Redis } from 'ioredis';
import { type DumpedKey, type DumpedRedis, rdbFile } from './rdb-file.ts';

/** Keys asked for a batch at a time (SCAN's COUNT: a hint, not a bound). */
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

/**
 * One batch, in Redis: a SCAN step, then DUMP and PTTL of each key it found; answers the next
 * cursor, then key, PTTL and payload for each key still there. One command a batch instead of
 * two a key costs the app an eighth of the CPU (bench/redis-snapshot.ts: 20,000 keys, ~440 ms of
 * CPU with a pipeline, ~50 ms this way), and the batch is read at one instant.
 */
const DUMP_BATCH = `
local found = redis.call('SCAN', ARGV[1], 'COUNT', ARGV[2])
local out = {found[1]}
for _, key in ipairs(found[2]) do
  local payload = redis.call('DUMP', key)
  if payload then
    out[#out + 1] = key
    out[#out + 1] = redis.call('PTTL', key)
    out[#out + 1] = payload
  end
end
return out`;

async function dumpDatabase(redis: Redis, db: number): Promise<DumpedKey[]> {
  await redis.select(db);
  const keys: DumpedKey[] = [];
  let cursor = '0';
  do {
    const reply = (await redis.callBuffer('EVAL', DUMP_BATCH, '0', cursor, String(BATCH))) as Array<Buffer | number>;
    const now = Date.now();
    cursor = String(reply[0]);
    for (let i = 1; i + 2 < reply.length; i += 3) {
      const ttl = reply[i + 1] as number;
      keys.push({ key: reply[i] as Buffer, payload: reply[i + 2] as Buffer, expiresAtMs: ttl >= 0 ? now + ttl : null });
    }
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
