// Classroom mode's settings, all from the environment (or `npm start -- --classroom`), each with a
// default that suits a class of up to 100 on one machine. docs/classroom.md lists them.
import type { WorkspaceLimits } from './workspaces/types.ts';
import { DEFAULT_WORKSPACE_LIMITS } from './workspaces/types.ts';

export interface ClassroomConfig {
  /** From INSTRUCTOR_SECRET; otherwise generated once and kept in the store (printed at start). */
  instructorSecret: string | null;
  /** CLASSROOM_STORE_URL: a mysql:// URL keeps classes and progress in MySQL instead of SQLite. */
  storeUrl: string | undefined;
  /** CLASSROOM_PREWARM: workspaces provisioned ahead of the learners (the expected class size). */
  prewarm: number;
  /** CLASSROOM_IDLE_MINUTES: a workspace nobody uses for this long has its instances stopped. */
  idleReclaimMs: number;
  /** CLASSROOM_COMMANDS_PER_SECOND: terminal lines per learner per second (bursts of 4× allowed). */
  commandsPerSecond: number;
  /** CLASSROOM_RUNS_PER_MINUTE: snippet runs per learner per minute (bursts of 5 allowed). */
  runsPerMinute: number;
  /** PLAYGROUND_ORIGINS: extra origins allowed to open the WebSocket (comma-separated), e.g. a proxy's. */
  allowedOrigins: string[];
  limits: WorkspaceLimits;
}

/** The shortest INSTRUCTOR_SECRET accepted: it guards every learner's workspace. */
export const MIN_INSTRUCTOR_SECRET_LENGTH = 12;

export function classroomRequested(argv: string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--classroom') || env.PLAYGROUND_MODE === 'classroom';
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Reads the settings; throws an Error naming the variable when one is malformed. */
export function readClassroomConfig(env: NodeJS.ProcessEnv): ClassroomConfig {
  const secret = env.INSTRUCTOR_SECRET?.trim() || null;
  if (secret !== null && secret.length < MIN_INSTRUCTOR_SECRET_LENGTH) {
    throw new Error(
      `INSTRUCTOR_SECRET must be at least ${MIN_INSTRUCTOR_SECRET_LENGTH} characters (or leave it unset to have one generated)`,
    );
  }
  const limits: WorkspaceLimits = {
    ...DEFAULT_WORKSPACE_LIMITS,
    redisMemoryMb: intSetting(env, 'CLASSROOM_REDIS_MEMORY_MB', DEFAULT_WORKSPACE_LIMITS.redisMemoryMb, 1, 4096),
    memcachedMemoryMb: intSetting(
      env,
      'CLASSROOM_MEMCACHED_MEMORY_MB',
      DEFAULT_WORKSPACE_LIMITS.memcachedMemoryMb,
      1,
      4096,
    ),
    rabbitmqMaxQueues: intSetting(env, 'CLASSROOM_MAX_QUEUES', DEFAULT_WORKSPACE_LIMITS.rabbitmqMaxQueues, 1, 10_000),
    rabbitmqMaxConnections: intSetting(
      env,
      'CLASSROOM_MAX_AMQP_CONNECTIONS',
      DEFAULT_WORKSPACE_LIMITS.rabbitmqMaxConnections,
      1,
      10_000,
    ),
    mysqlMaxConnections: intSetting(
      env,
      'CLASSROOM_MAX_MYSQL_CONNECTIONS',
      DEFAULT_WORKSPACE_LIMITS.mysqlMaxConnections,
      1,
      10_000,
    ),
  };
  return {
    instructorSecret: secret,
    storeUrl: env.CLASSROOM_STORE_URL || undefined,
    prewarm: intSetting(env, 'CLASSROOM_PREWARM', 4, 0, 500),
    idleReclaimMs: intSetting(env, 'CLASSROOM_IDLE_MINUTES', 20, 1, 24 * 60) * 60_000,
    commandsPerSecond: intSetting(env, 'CLASSROOM_COMMANDS_PER_SECOND', 10, 1, 10_000),
    runsPerMinute: intSetting(env, 'CLASSROOM_RUNS_PER_MINUTE', 20, 1, 10_000),
    allowedOrigins: (env.PLAYGROUND_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    limits,
  };
}
