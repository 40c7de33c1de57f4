// A learner's Redis copied for another machine (failover between app instances), against real
// redis-servers started with the classroom's own config: the copy leaves everything the
// persistence lesson reads as it was (LASTSAVE, the changes since the last save, dump.rdb, ROLE),
// and a Redis started from it has every key of every database, with its type, value and expiry,
// and the function libraries.
import { type ChildProcess, execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceContext } from '../classroom-types.ts';
import { startLearnerRedis } from '../../testing/learner-redis.ts';
import { redisLearners } from './classroom.ts';

const LIBRARY = "#!lua name=snaplib\nredis.register_function('twice', function(keys, args) return args[1] * 2 end)";

let root: string;
const children: ChildProcess[] = [];
const clients: Redis[] = [];

async function startRedis(name: string, seed?: Buffer): Promise<{ ctx: InstanceContext; port: number; dir: string }> {
  const dir = path.join(root, name);
  const ctx: InstanceContext = {
    dir,
    limits: { memoryMb: 32, connections: 64 },
    secret: `secret/${name}?&`,
    isRoot: process.getuid?.() === 0,
  };
  if (seed) await redisLearners.seed!(ctx, seed);
  const { port, child } = await startLearnerRedis(ctx);
  children.push(child);
  return { ctx, port, dir };
}

/** A learner's own connection: the default user, as their terminal. */
function learnerClient(port: number, db = 0): Redis {
  const client = new Redis({ host: '127.0.0.1', port, db, maxRetriesPerRequest: 0 });
  clients.push(client);
  return client;
}

async function persistence(client: Redis) {
  const info = await client.info('persistence');
  const field = (name: string) => new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1];
  return {
    lastsave: await client.lastsave(),
    changes: field('rdb_changes_since_last_save'),
    saves: field('rdb_saves'),
    role: await client.role(),
  };
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'redis-snapshot-'));
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  for (const child of children) child.kill('SIGKILL');
  await fs.rm(root, { recursive: true, force: true });
});

describe("a snapshot of a learner's Redis", () => {
  it('changes nothing the persistence lesson reads, and a Redis started from it has all of it back', async () => {
    const source = await startRedis('source');
    const learner = learnerClient(source.port);
    // The lesson's steps: a write, BGSAVE, a write after it.
    await learner.set('persist:note', 'written before the snapshot');
    await learner.bgsave();
    await expect
      .poll(async () => /^rdb_bgsave_in_progress:0/m.test(await learner.info('persistence')), { timeout: 5_000 })
      .toBe(true);
    await learner.set('persist:late', 'written after the snapshot');
    // Every type, an expiry, a key that is not text, another database, a library.
    await learner.set('with:ttl', 'soon', 'PX', 600_000);
    await learner.rpush('a:list', 'x', 'y', 'z');
    await learner.hset('a:hash', { f1: 'v1', f2: 'v2' });
    await learner.sadd('a:set', 'm1', 'm2');
    await learner.zadd('a:zset', 1, 'one', 2.5, 'two');
    await learner.xadd('a:stream', '1-1', 'field', 'value');
    await learner.set(Buffer.from([0xff, 0x00, 0x80]), Buffer.from([1, 2, 3]));
    await learner.set('big', 'v'.repeat(20_000));
    await learnerClient(source.port, 3).set('in:db3', 'three');
    await learner.function('LOAD', LIBRARY);
    const dumpFile = path.join(source.dir, 'dump.rdb');
    const before = { ...(await persistence(learner)), file: await fs.readFile(dumpFile) };
    expect(Number(before.changes)).toBeGreaterThan(10);
    expect(before.role).toEqual(['master', 0, []]);

    const taken = await redisLearners.snapshot!(source.port, source.ctx, null);
    expect(taken).not.toBeNull();
    const after = { ...(await persistence(learner)), file: await fs.readFile(dumpFile) };
    expect(after).toEqual(before);

    // Redis's own checker reads the file whole, checksum included.
    await fs.writeFile(path.join(root, 'copy.rdb'), taken!.bytes);
    const { stdout } = await promisify(execFile)('/usr/bin/redis-check-rdb', [path.join(root, 'copy.rdb')]);
    expect(stdout).toMatch(/Checksum OK/);
    expect(stdout).toMatch(/RDB looks OK/);

    // Nothing changed: nothing taken. A write: taken again.
    expect(await redisLearners.snapshot!(source.port, source.ctx, taken!.mark)).toBeNull();
    await learner.set('one:more', '1');
    const again = await redisLearners.snapshot!(source.port, source.ctx, taken!.mark);
    expect(again?.mark).not.toBe(taken!.mark);
    // A save by the learner with the same count of writes since is a change too.
    await learner.set('one:more', '2');
    const beforeSave = (await redisLearners.snapshot!(source.port, source.ctx, null))!.mark;
    await learner.save();
    await learner.set('one:more', '3');
    await learner.set('one:more', '4');
    expect(await redisLearners.snapshot!(source.port, source.ctx, beforeSave)).not.toBeNull();

    // Another machine starts from the first snapshot.
    const copy = await startRedis('copy', taken!.bytes);
    const moved = learnerClient(copy.port);
    expect(await moved.get('persist:note')).toBe('written before the snapshot');
    expect(await moved.get('persist:late')).toBe('written after the snapshot');
    expect(await moved.exists('one:more')).toBe(0);
    const ttl = await moved.pttl('with:ttl');
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
    expect(await moved.pttl('persist:note')).toBe(-1);
    expect(await moved.lrange('a:list', 0, -1)).toEqual(['x', 'y', 'z']);
    expect(await moved.hgetall('a:hash')).toEqual({ f1: 'v1', f2: 'v2' });
    expect((await moved.smembers('a:set')).sort()).toEqual(['m1', 'm2']);
    expect(await moved.zrange('a:zset', '0', '-1', 'WITHSCORES')).toEqual(['one', '1', 'two', '2.5']);
    expect(await moved.xrange('a:stream', '-', '+')).toEqual([['1-1', ['field', 'value']]]);
    expect(await moved.getBuffer(Buffer.from([0xff, 0x00, 0x80]))).toEqual(Buffer.from([1, 2, 3]));
    expect(await moved.strlen('big')).toBe(20_000);
    expect(await learnerClient(copy.port, 3).get('in:db3')).toBe('three');
    expect(await moved.dbsize()).toBe(10);
    expect(await moved.fcall('twice', 0, 21)).toBe(42);
  });

  it('of an empty Redis is a file an empty Redis starts from', async () => {
    const empty = await startRedis('empty');
    const taken = await redisLearners.snapshot!(empty.port, empty.ctx, null);
    const copy = await startRedis('empty-copy', taken!.bytes);
    expect(await learnerClient(copy.port).dbsize()).toBe(0);
  });
});
