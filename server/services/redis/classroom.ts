// Classroom mode: each learner's own redis-server (~3.5 MB, ~20 ms to start), hardened so that a
// learner who can type any command cannot reach outside it, and persistent so their keys outlive
// idle reclaim and server restarts.
//
// Persistence: `save ""` (no automatic snapshots: the Redis lessons check that, and it keeps disks
// quiet) with `shutdown-on-sigterm save`: every stop — idle reclaim, close(), a leftover stopped
// at the next start — writes dump.rdb in the workspace's directory, and the next start loads it.
// Only a SIGKILL of the daemon itself (or a machine crash) loses what changed since its last stop.
//
// Two users:
//   default  what learners get (no password, as a fresh Redis): every command except those below.
//   manager  the workspace manager's own (password in the workspace's secrets, stored as a
//            SHA-256 in the config): FLUSHALL on reset, and anything else it may need.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { InstanceContext, LearnerInstances, Limits } from '../classroom-types.ts';
import type { Endpoint } from '../endpoint.ts';
import { redisRequest } from './connection.ts';
import { openRedis } from './own-client.ts';
import { isErrorValue, valueText } from './reply-value.ts';
import type { RedisTarget } from './redis-url.ts';
import { changeMark, snapshotFile } from './snapshot.ts';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const REDIS_ADMIN_USER = 'manager';
/** Admin commands and probes: answers come in milliseconds on loopback. */
const ADMIN_TIMEOUT_MS = 5_000;
const PROBE_TIMEOUT_MS = 1_000;
/** How the snapshot's connection is named in CLIENT LIST. */
const SNAPSHOT_CONNECTION = 'playground-snapshot';

/**
 * Denied to learners, and why. The rule is "+@all minus these" rather than an allow list, because
 * the lessons use a wide range (KEYS, SCAN, FLUSHALL, FLUSHDB, INFO, MONITOR, SUBSCRIBE, CLIENT
 * LIST/ID, OBJECT, TTL, SORT, CONFIG GET, BGSAVE, LASTSAVE, ROLE, WAIT…) and `-@dangerous` would
 * take many of them away.
 */
// prettier-ignore
export const LEARNER_DENIED = [
  // Opens a connection from this server to any host:port and writes keys there (RESTORE) — into
  // another learner's Redis, whose default user has no password.
  '-migrate',
  // Make this instance a replica of another learner's: it would receive their whole dataset.
  '-replicaof', '-slaveof', '-failover',
  // The replication protocol itself; no lesson speaks it, and a replica link pins a fork and a buffer.
  '-sync', '-psync', '-replconf',
  // CONFIG SET would lift maxmemory/maxclients or move `dir`/`dbfilename` (the classic way to
  // write files anywhere as the server's user); REWRITE writes the config file; RESETSTAT clears
  // the counters the instructor may look at. CONFIG GET stays: the lessons read settings with it.
  '-config|set', '-config|rewrite', '-config|resetstat',
  // ACL SETUSER/DELUSER/LOAD/SAVE would give the learner the manager's powers or lock the manager
  // out; LIST/GETUSER would show the manager's password hash. WHOAMI, CAT, LOG and HELP are harmless.
  '-acl', '+acl|whoami', '+acl|cat', '+acl|log', '+acl|help',
  // Stopping the instance is the manager's decision (it saves first; a learner's SHUTDOWN NOSAVE
  // would lose their data and read as a crash).
  '-shutdown',
  // DEBUG can crash or freeze the server and change internals; MODULE LOAD runs any shared library
  // as the server's user. Both are also off by configuration (enable-*-command no), twice is safer.
  '-debug', '-module',
  // Allowed on purpose: SAVE/BGSAVE/BGREWRITEAOF write only this instance's own files into its own
  // directory (which cannot be moved), and the lessons teach BGSAVE; CLIENT KILL/PAUSE and MONITOR
  // reach only this instance's own connections; FLUSHALL empties only the learner's own data.
];

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** redis.conf of a learner's instance; rewritten at every start (its port may change). */
export function redisConfig(options: { port: number; dir: string; limits: Limits; adminPassword: string }): string {
  const { port, dir, limits } = options;
  return [
    '# Written by the playground at every start; edits are overwritten.',
    `port ${port}`,
    'bind 127.0.0.1',
    'protected-mode yes',
    `dir ${dir}`,
    'dbfilename dump.rdb',
    'save ""',
    'appendonly no',
    'shutdown-on-sigterm save',
    'daemonize no',
    'logfile ""',
    'loglevel warning',
    `maxmemory ${limits.memoryMb}mb`,
    // noeviction: over the limit, writes fail with Redis's own "OOM command not allowed when used
    // memory > 'maxmemory'" and nothing the learner stored disappears by itself. An eviction policy
    // would make keys vanish silently, which in a lesson looks like a bug in the learner's code.
    'maxmemory-policy noeviction',
    `maxclients ${limits.connections}`,
    // The Inspect view is pushed by these (inspect.ts).
    'notify-keyspace-events KA',
    // The defaults, written out: no CONFIG SET of protected settings, no DEBUG, no MODULE.
    'enable-protected-configs no',
    'enable-debug-command no',
    'enable-module-command no',
    // A malformed RESTORE payload from a learner is refused instead of crashing the server.
    'sanitize-dump-payload clients',
    `user default on nopass ~* &* +@all ${LEARNER_DENIED.join(' ')}`,
    `user ${REDIS_ADMIN_USER} on #${sha256(options.adminPassword)} ~* &* +@all`,
    '',
  ].join('\n');
}

function redisEndpoint(port: number): Endpoint {
  const address = `127.0.0.1:${port}`;
  return { url: `redis://${address}`, address };
}

/** The manager's own connection, for the playground's clients (ioredis). */
function adminEndpoint(port: number, ctx: InstanceContext): Endpoint {
  const address = `127.0.0.1:${port}`;
  return { url: `redis://${REDIS_ADMIN_USER}:${encodeURIComponent(ctx.secret)}@${address}/0`, address };
}

function target(port: number, user?: string, password?: string): RedisTarget {
  return { host: '127.0.0.1', port, address: `127.0.0.1:${port}`, db: 0, user, password };
}

/** Runs commands as the manager's user; throws on an error reply. */
export async function redisAdmin(port: number, adminPassword: string, commands: string[][]): Promise<void> {
  const replies = await redisRequest(target(port, REDIS_ADMIN_USER, adminPassword), commands, ADMIN_TIMEOUT_MS);
  replies.forEach((reply, i) => {
    if (isErrorValue(reply)) throw new Error(`Redis ${commands[i][0]}: ${valueText(reply)}`);
  });
}

function configFile(ctx: InstanceContext): string {
  return path.join(ctx.dir, 'redis.conf');
}

export const redisLearners: LearnerInstances = {
  kind: 'instance',
  aptPackages: ['redis-server'],
  binaries: [REDIS_SERVER],
  limits: {
    /** maxmemory (MB); over it, writes fail with Redis's own OOM error. */
    memoryMb: { env: 'CLASSROOM_REDIS_MEMORY_MB', default: 32, min: 1, max: 4096 },
    /** maxclients. */
    connections: { default: 64, min: 1, max: 10_000 },
  },
  command: REDIS_SERVER,
  // shutdown-on-sigterm save: the snapshot is written before it exits.
  stopSignal: 'SIGTERM',
  async prepare(port, ctx) {
    // Mode 600: it holds the manager's password hash. Rewritten at every start: the port changes.
    const config = redisConfig({ port, dir: ctx.dir, limits: ctx.limits, adminPassword: ctx.secret });
    await fs.writeFile(configFile(ctx), config, { mode: 0o600 });
    return [configFile(ctx)];
  },
  async probe(port, pid) {
    const [info] = await redisRequest(target(port), [['INFO', 'server', 'persistence']], PROBE_TIMEOUT_MS);
    const text = valueText(info) ?? '';
    const answered = Number(/^process_id:(\d+)/m.exec(text)?.[1]);
    if (answered !== pid) throw new Error(`port ${port} is answered by pid ${answered}, not ${pid}`);
    // While it loads dump.rdb, every data command answers -LOADING.
    if (!/^loading:0/m.test(text)) throw new Error('still loading its snapshot');
  },
  endpoint: redisEndpoint,
  /** Every key of every database, and the scripts and functions too. */
  flush: (port, ctx) => redisAdmin(port, ctx.secret, [['FLUSHALL'], ['SCRIPT', 'FLUSH'], ['FUNCTION', 'FLUSH']]),
  /** A stopped Redis keeps its keys in its snapshot. */
  forget: (ctx) => fs.rm(path.join(ctx.dir, 'dump.rdb'), { force: true }),
  async snapshot(port, ctx, since) {
    const redis = await openRedis(adminEndpoint(port, ctx), SNAPSHOT_CONNECTION);
    try {
      const mark = await changeMark(redis);
      return mark === since ? null : { bytes: await snapshotFile(redis), mark };
    } finally {
      redis.disconnect();
    }
  },
  async seed(ctx, bytes) {
    await fs.mkdir(ctx.dir, { recursive: true });
    await fs.writeFile(path.join(ctx.dir, 'dump.rdb'), bytes);
  },
};
