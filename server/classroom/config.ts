// Classroom mode's settings, all from the environment (or `npm start -- --classroom`), each with a
// default that suits a class of up to 100 on one machine. docs/classroom.md lists them.
import { checkEventsUrl } from './events/index.ts';
import { SERVICES } from '../services/registry.ts';
import type { ServiceSet } from '../services/service-set.ts';
import type { WorkspaceManagerOptions } from './workspaces/types.ts';

export interface ClassroomConfig {
  /** From INSTRUCTOR_SECRET; otherwise generated once and kept in the store (printed at start). */
  instructorSecret: string | null;
  /** CLASSROOM_EVENTS_URL: a redis:// URL shares the live events with other instances (events/index.ts). */
  eventsUrl?: string;
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
  /**
   * PUBLIC_URL: the address learners open, when it is not this machine's own (a reverse proxy, a DNS
   * name): the dashboard's join link uses it. Checked, without a trailing slash; its origin may
   * open the WebSocket too.
   */
  publicUrl: string | undefined;
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

/** PUBLIC_URL as an http(s) URL without query or fragment; the answer has no trailing slash. */
export function parsePublicUrl(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  const problem = `PUBLIC_URL must be an http:// or https:// address such as https://class.example.org, got ${JSON.stringify(raw)}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(problem);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username) {
    throw new Error(problem);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** CLASSROOM_EVENTS_URL, refused before anything starts when it is not a redis:// URL. */
function eventsUrl(raw: string | undefined): string | undefined {
  const url = raw?.trim() || undefined;
  checkEventsUrl(url);
  return url;
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
  const publicUrl = parsePublicUrl(env.PUBLIC_URL);
  const allowedOrigins = (env.PLAYGROUND_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  // Learners who come in through PUBLIC_URL open the socket from that origin.
  if (publicUrl && !allowedOrigins.includes(new URL(publicUrl).origin)) allowedOrigins.push(new URL(publicUrl).origin);
  return {
    instructorSecret: secret,
    storeUrl: env.CLASSROOM_STORE_URL || undefined,
    eventsUrl: eventsUrl(env.CLASSROOM_EVENTS_URL),
    prewarm: intSetting(env, 'CLASSROOM_PREWARM', 4, 0, 500),
    idleReclaimMs: intSetting(env, 'CLASSROOM_IDLE_MINUTES', 20, 1, 24 * 60) * 60_000,
    commandsPerSecond: intSetting(env, 'CLASSROOM_COMMANDS_PER_SECOND', 10, 1, 10_000),
    runsPerMinute: intSetting(env, 'CLASSROOM_RUNS_PER_MINUTE', 20, 1, 10_000),
    allowedOrigins,
    publicUrl,
    limits,
  };
}
