// Classroom mode's settings, all from the environment (or `npm start -- --classroom`), each with a
// default that suits a class of up to 100 on one machine. docs/classroom.md lists them.
import { SERVICES } from '../services/registry.ts';
import type { ServiceSet } from '../services/service-set.ts';
import type { WorkspaceManagerOptions } from './workspaces/types.ts';

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
  /** Per-learner limits set in the environment; each service names its own variables (LimitSetting.env). */
  limits: NonNullable<WorkspaceManagerOptions['limits']>;
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
export function readClassroomConfig(env: NodeJS.ProcessEnv, services: ServiceSet = SERVICES): ClassroomConfig {
  const secret = env.INSTRUCTOR_SECRET?.trim() || null;
  if (secret !== null && secret.length < MIN_INSTRUCTOR_SECRET_LENGTH) {
    throw new Error(
      `INSTRUCTOR_SECRET must be at least ${MIN_INSTRUCTOR_SECRET_LENGTH} characters (or leave it unset to have one generated)`,
    );
  }
  const limits: ClassroomConfig['limits'] = {};
  for (const adapter of services.adapters) {
    for (const [name, setting] of Object.entries(adapter.classroom.limits)) {
      if (!setting.env) continue;
      (limits[adapter.name] ??= {})[name] = intSetting(env, setting.env, setting.default, setting.min, setting.max);
    }
  }
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
