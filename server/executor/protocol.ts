// The executor's own protocol: how the web server (executor/client.ts) asks the executor process
// (executor/main.ts) for runs, over a unix socket or TCP. One frame is one line of JSON; each
// direction is one discriminated union, checked on arrival with the schemas below, and a version is
// checked at `hello`. docs/executor-protocol.md explains every frame.
//
// Runs are numbered by the web server, per connection. A run's frames may arrive in the order the
// in-process runner calls them: `output` (and `queued`) can come before `started`, and `exit` comes
// last, once, for every run that got `started`; a run that could not start gets `refused` instead.
import { z } from 'zod';
import { MAX_RUN_CODE_BYTES, MAX_RUN_FILES } from '../../shared/limits.ts';
import { RUN_LANGUAGES } from '../../shared/constants.ts';
import { isForwardFilter } from '../services/forward-filters.ts';

export const EXECUTOR_PROTOCOL_VERSION = 1;

/**
 * The longest frame either side accepts: a run's main file and its files at their limits, as JSON
 * (escaping can double a byte), with room to spare. A longer line is a broken peer, not a big run.
 */
export const MAX_FRAME_BYTES = 4 * (MAX_RUN_FILES + 1) * MAX_RUN_CODE_BYTES + 64 * 1024;

const runId = z.number().int().nonnegative();
const connId = z.number().int().nonnegative();
const text = z.string();

const port = z.number().int().min(1).max(65535);
/** What the run may reach, decided by the web server (runner/run-network.ts). */
const network = z.object({
  env: z.record(z.string(), z.string()),
  forwards: z
    .array(
      z.object({
        port,
        host: z.string().max(255),
        targetPort: port,
        filter: z
          .object({
            kind: z.string().refine(isForwardFilter, 'an unknown forward filter'),
            options: z.record(z.string().max(64), z.string().max(1024)),
          })
          .optional(),
      }),
    )
    .max(64),
});

export const runStartSchema = z.object({
  language: z.enum(RUN_LANGUAGES),
  code: z.string(),
  name: z.string().optional(),
  files: z.array(z.object({ name: z.string(), content: z.string() })),
  network,
  learner: z.string().max(256).optional(),
  cols: z.number().int().positive().max(1000).optional(),
  rows: z.number().int().positive().max(1000).optional(),
  /** Copy what the run's connections carry back as `wire` frames. */
  trace: z.boolean().optional(),
});

/** Web server → executor. */
export const toExecutorSchema = z.discriminatedUnion('t', [
  /**
   * First frame on a connection. `token`: the executor's shared secret when it listens on TCP.
   * `tunnel`: the executor reaches the learner's services through this connection (`dial`), not
   * by itself (an executor on another machine). `fill`: the services are up, warm the pools now.
   */
  z.object({
    t: z.literal('hello'),
    version: z.number().int(),
    token: z.string().max(256).optional(),
    tunnel: z.boolean(),
    fill: z.boolean(),
  }),
  z.object({ t: z.literal('fill') }),
  z.object({ t: z.literal('start'), id: runId, run: runStartSchema }),
  z.object({ t: z.literal('input'), id: runId, data: text }),
  z.object({ t: z.literal('interrupt'), id: runId }),
  /** Stops a run, or gives up one that still waits for a slot. */
  z.object({ t: z.literal('kill'), id: runId, reason: text }),
  z.object({
    t: z.literal('resize'),
    id: runId,
    cols: z.number().int().positive().max(1000),
    rows: z.number().int().positive().max(1000),
  }),
  /** Answers a `warmed` once the warm interpreters are ready (tests, benches). */
  z.object({ t: z.literal('warm'), id: runId }),
  /** Tunnel: bytes (base64) from the service to the run, and the end of either direction. */
  z.object({ t: z.literal('data'), conn: connId, data: text }),
  z.object({ t: z.literal('end'), conn: connId }),
  z.object({ t: z.literal('close'), conn: connId }),
]);
export type ToExecutor = z.infer<typeof toExecutorSchema>;
export type RunStart = z.infer<typeof runStartSchema>;

const load = z.object({
  busy: z.number().int().nonnegative(),
  live: z.number().int().nonnegative(),
  queued: z.number().int().nonnegative(),
});

/** Executor → web server. */
export const fromExecutorSchema = z.discriminatedUnion('t', [
  /** The answer to `hello`: who answers, and how loaded it is. */
  z.object({ t: z.literal('welcome'), version: z.number().int(), pid: z.number().int(), load }),
  /** The hello was refused (version, token); the executor closes the connection after it. */
  z.object({ t: z.literal('denied'), message: text }),
  /** Runs computing, alive and waiting for a slot; sent when it changes, at most every LOAD_EVERY_MS. */
  z.object({ t: z.literal('load'), load }),
  z.object({ t: z.literal('queued'), id: runId, ahead: z.number().int().nonnegative() }),
  z.object({ t: z.literal('started'), id: runId, uid: z.number().int(), env: z.record(z.string(), z.string()) }),
  z.object({ t: z.literal('refused'), id: runId, message: text }),
  z.object({ t: z.literal('output'), id: runId, text }),
  /**
   * A traced run's connections (RunRequest.trace): each opened (k "open"), carried bytes (k "data",
   * `b` base64, `d` send from the program or recv to it), closed (k "close", `d` who ended it);
   * `p` the inside port, `ms` since the run's `start` arrived.
   */
  z.object({
    t: z.literal('wire'),
    id: runId,
    chunks: z.array(
      z.object({
        c: connId,
        p: port,
        k: z.enum(['open', 'data', 'close']),
        d: z.enum(['send', 'recv']),
        b: text.optional(),
        ms: z.number().nonnegative(),
      }),
    ),
  }),
  z.object({ t: z.literal('waiting'), id: runId, on: z.boolean() }),
  z.object({ t: z.literal('exit'), id: runId, code: z.number().int() }),
  z.object({ t: z.literal('warmed'), id: runId }),
  /**
   * Tunnel: run `id` opened a connection to its service on inside port `port`; `data` may follow
   * at once. The web server connects it to that run's service, or answers `close`.
   */
  z.object({ t: z.literal('dial'), conn: connId, id: runId, port }),
  z.object({ t: z.literal('data'), conn: connId, data: text }),
  z.object({ t: z.literal('end'), conn: connId }),
  z.object({ t: z.literal('close'), conn: connId }),
]);
export type FromExecutor = z.infer<typeof fromExecutorSchema>;

/** How often, at most, the executor tells its load (for /api/health and the queue's place). */
export const LOAD_EVERY_MS = 250;

export function encodeFrame(frame: ToExecutor | FromExecutor): string {
  return `${JSON.stringify(frame)}\n`;
}

/**
 * Splits a byte stream into frames and checks each with `schema`. A bad frame or an over-long
 * line calls `onError` (the caller closes the connection: a peer that sends one is broken).
 */
export function frameReader<T>(
  schema: z.ZodType<T>,
  onFrame: (frame: T) => void,
  onError: (message: string) => void,
): (chunk: Buffer) => void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let failed = false;
  const line = (bytes: Buffer) => {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      failed = true;
      return onError('a frame is not JSON');
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      failed = true;
      const issue = parsed.error.issues[0];
      return onError(`bad frame: ${issue.path.join('.') || 'frame'}: ${issue.message}`);
    }
    onFrame(parsed.data);
  };
  return (chunk) => {
    let start = 0;
    while (!failed) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      const part = chunk.subarray(start, nl);
      start = nl + 1;
      if (pendingBytes > 0) {
        pending.push(part);
        const whole = Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
        line(whole);
      } else {
        line(part);
      }
    }
    if (failed || start >= chunk.length) return;
    pending.push(chunk.subarray(start));
    pendingBytes += chunk.length - start;
    if (pendingBytes > MAX_FRAME_BYTES) {
      failed = true;
      onError(`a frame is longer than ${MAX_FRAME_BYTES} bytes`);
    }
  };
}
