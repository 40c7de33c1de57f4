// The playground's public WebSocket protocol: one socket at /ws, JSON text frames.
//
// This module is the single definition that the server, the browser client, the tests and any
// script share. Client messages are validated at the server boundary with the zod schemas below;
// server messages are plain types (the server is trusted to produce them). docs/protocol.md
// explains every message; protocol.test.ts pins the shapes so that a change here is deliberate.
import { z } from 'zod';
import { FILE_NAME_PATTERN, FILE_NAME_RULE } from './file-names.ts';
import {
  MAX_ENDED_RUNS_KEPT,
  MAX_ID_LENGTH,
  MAX_RUN_CODE_BYTES,
  MAX_RUN_FILES,
  MAX_RUNS_PER_SOCKET,
  MAX_TERMINALS_PER_SOCKET,
  SESSION_ID_LENGTH,
} from './limits.ts';
import type { BroadcastEvent } from './classroom-api.ts';
import { DEFAULT_MAIN_FILE, RUN_LANGUAGES, type RunLanguage } from './constants.ts';

import type { InspectState } from './inspect.ts';
import type { TraceEvent } from './trace.ts';
export { DEFAULT_MAIN_FILE, PROTOCOL_VERSION, RUN_LANGUAGES, WS_PATH, type RunLanguage } from './constants.ts';

const id = z.string().min(1).max(MAX_ID_LENGTH);

/** A service's id as the server's registry names it ("redis"); which ones exist, the server says in `hello`. */
export type ServiceName = string;
const SERVICE_ID = /^[a-z][a-z0-9-]{0,31}$/;
const service = z.string().regex(SERVICE_ID, 'a service name such as "redis"');

export const openTerminalSchema = z.object({
  type: z.literal('open'),
  id,
  kind: z.literal('terminal'),
  service,
  /** Send the bytes its connections carry, decoded, as `trace` frames (shared/trace.ts). */
  trace: z.boolean().optional(),
});

/** An Inspect view of one of the learner's services: `state` frames until `close`. */
export const openInspectSchema = z.object({
  type: z.literal('open'),
  id,
  kind: z.literal('inspect'),
  service,
});

/** A file name inside a run's working directory: plain names, no directories, no dot-files. */
const runFileName = z.string().regex(FILE_NAME_PATTERN, FILE_NAME_RULE);

/** What a run is: the one definition of its rules, for the socket's frames and the runner alike. */
const runFields = {
  language: z.enum(RUN_LANGUAGES),
  /** The program to run (the main file). */
  code: z.string().max(MAX_RUN_CODE_BYTES),
  /** Name of the main file; defaults to main.py / main.js. */
  name: runFileName.optional(),
  /** More files beside it (modules the main file imports). */
  files: z
    .array(z.object({ name: runFileName, content: z.string().max(MAX_RUN_CODE_BYTES) }))
    .max(MAX_RUN_FILES)
    .optional(),
};

/** What needs the whole run: no two files of one name (the main one included). */
function filesApart(
  run: { language: RunLanguage; name?: string; files?: { name: string }[] },
  ctx: z.RefinementCtx,
): void {
  const names = [run.name ?? DEFAULT_MAIN_FILE[run.language], ...(run.files ?? []).map((f) => f.name)];
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) ctx.addIssue({ code: 'custom', path: ['files'], message: `two files are named ${JSON.stringify(twice)}` });
}

/** A run on its own, as the runner takes it (server/runner/index.ts checks every request with it). */
export const runSchema = z.object(runFields).superRefine(filesApart);

export const openRunSchema = z
  .object({ type: z.literal('open'), id, kind: z.literal('run'), ...runFields, trace: z.boolean().optional() })
  .superRefine(filesApart);

/**
 * A value of a client's frame as an error message quotes it: short, and without walking into it. A
 * frame may nest lists thousands deep; JSON.stringify recurses through them until the stack
 * overflows, and that throw, out of the socket's message handler, would end the whole server.
 */
export function quoteFrameValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

export const openSchema = z.discriminatedUnion('kind', [openTerminalSchema, openRunSchema, openInspectSchema], {
  error: (issue) =>
    `unknown kind ${quoteFrameValue((issue.input as { kind?: unknown } | undefined)?.kind)}; expected "terminal", "run" or "inspect"`,
});

export const inputSchema = z.object({ type: z.literal('input'), id, data: z.string() });

export const resizeSchema = z.object({
  type: z.literal('resize'),
  id,
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
});

export const signalSchema = z.object({ type: z.literal('signal'), id, signal: z.literal('SIGINT') });

export const closeSchema = z.object({ type: z.literal('close'), id });

/** Flow control, optional: a client whose display falls behind asks the server to hold output. */
export const pauseSchema = z.object({ type: z.literal('pause'), id });
export const resumeSchema = z.object({ type: z.literal('resume'), id });

/** Channels one session holds at most: terminals, live runs, and finished runs kept for a reload. */
const MAX_SESSION_CHANNELS = MAX_TERMINALS_PER_SOCKET + MAX_RUNS_PER_SOCKET + MAX_ENDED_RUNS_KEPT;

/**
 * Re-attach to the session a page had before a reload (or a dropped connection): the id is the one
 * `hello` gave that page, and the only proof needed; `have` says how much output of each channel the
 * page still shows (characters), so only the rest is replayed. Valid only before any `open`.
 */
export const reattachSchema = z.object({
  type: z.literal('reattach'),
  session: z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${SESSION_ID_LENGTH}}$`), 'a session id from hello'),
  have: z
    .record(id, z.number().int().min(0))
    .refine((have) => Object.keys(have).length <= MAX_SESSION_CHANNELS, {
      message: `names more than ${MAX_SESSION_CHANNELS} channels, more than a session can have`,
    })
    .optional(),
});

export const clientMessageSchema = z.discriminatedUnion('type', [
  openSchema,
  inputSchema,
  resizeSchema,
  signalSchema,
  closeSchema,
  pauseSchema,
  resumeSchema,
  reattachSchema,
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES = [
  'open',
  'input',
  'resize',
  'signal',
  'close',
  'pause',
  'resume',
  'reattach',
] as const satisfies readonly ClientMessageType[];
// The compiler checks that the list above names every client message type.
const _everyTypeListed: [Exclude<ClientMessageType, (typeof CLIENT_MESSAGE_TYPES)[number]>] extends [never]
  ? true
  : false = true;
void _everyTypeListed;

/** State of one service as the server sees it. */
export type ServiceState = 'starting' | 'ready' | 'restarting' | 'unavailable' | 'failed';

export interface ServiceStatus {
  ok: boolean;
  state: ServiceState;
  /** true when the playground runs this instance itself; false when it came from a URL. */
  managed: boolean;
  version?: string;
  /** host:port the playground talks to. */
  address?: string;
  /** Why it is not ok, in plain words. */
  message?: string;
  /** The command that installs what is missing, when something is. */
  install?: string;
  /** Milliseconds from spawn to answering, for managed instances. */
  readyMs?: number;
}

export type ServicesStatus = Record<ServiceName, ServiceStatus>;

/** What the page needs to lay out a service's terminal; `hello` lists them in the server's order. */
export interface ServiceInfo {
  name: ServiceName;
  /** As people write it: "RabbitMQ". */
  title: string;
  /**
   * The terminal prompts at once and the server answers later (memcached, as over telnet): whoever
   * types a script into it waits for each reply, not for the prompt.
   */
  promptsBeforeReply: boolean;
  /** Inside a run, localhost on this port is the learner's own (6379 for Redis). */
  conventionalPort: number;
  /** The variable a run finds it in (REDIS_URL). */
  variable: string;
  /** It has an Inspect view (an `inspect` channel answers with its `state`). */
  inspect: boolean;
}

/** A command the terminal knows, for tab completion and the one-line syntax hint. */
export interface CommandInfo {
  /** As typed, e.g. "GET", "queue.declare", "SELECT". */
  name: string;
  /** Arguments after the name, e.g. "key value [EX seconds]". */
  syntax: string;
  summary?: string;
}

/** A terminal of a re-attached session; its screen follows as `opened`, `output` and `prompt`. */
export interface ReattachedTerminal {
  id: string;
  service: ServiceName;
  /** Characters of live `output` the terminal has produced: what `have` counts on the next reattach. */
  position: number;
}

/** A run of a re-attached session; its screen follows as `started`, `output` and, once it has ended, `exit`. */
export interface ReattachedRun {
  id: string;
  /** The main file's name, as the `open` gave it. */
  name: string;
  language: RunLanguage;
  /** starting: `started` not yet sent; exited: it ended (its `exit` follows the output). */
  state: 'starting' | 'running' | 'exited';
  /** As for a terminal. */
  position: number;
}

export type ServerMessage =
  /** `session`: this page's session id, the capability to re-attach to it (`reattach`) after a reload. */
  | { type: 'hello'; protocol: number; services: ServicesStatus; catalog: ServiceInfo[]; session: string }
  /**
   * The answer to `reattach`. found: the earlier session is this socket's now, with these channels
   * (oldest first), each replayed right after; `session` is that session's id. Not found (expired,
   * unknown, or open in another tab): the socket keeps the fresh session of its `hello`, and
   * `reason` says why.
   */
  | {
      type: 'reattached';
      session: string;
      found: boolean;
      reason?: string;
      terminals: ReattachedTerminal[];
      runs: ReattachedRun[];
    }
  | { type: 'service'; service: ServiceName; status: ServiceStatus }
  | {
      type: 'opened';
      id: string;
      service: ServiceName;
      address: string;
      commands: CommandInfo[];
      /** Case of completion: redis-cli and mysql ignore case, AMQP method names are lower-case. */
      caseInsensitive: boolean;
    }
  /** A snippet run started; `env` holds the service variables the program sees. */
  | { type: 'started'; id: string; language: RunLanguage; env: Record<string, string> }
  /** `replay`: the screen from before a reattach (not new output, and not counted in `have`). */
  | { type: 'output'; id: string; data: string; replay?: true }
  /** The terminal is ready for the next line, shown after this prompt. */
  | { type: 'prompt'; id: string; prompt: string }
  /**
   * A run's program started (true) or stopped (false) waiting for a line of input: asleep reading
   * its stdin. Sent on a change only, and again after a reattach while it waits.
   */
  | { type: 'input-wait'; id: string; waiting: boolean }
  /**
   * A run waits for a free slot before it starts (the server is busy), with this many runs ahead of
   * it; sent again when that changes. `started` follows, or an `error` if it waited too long.
   */
  | { type: 'queued'; id: string; ahead: number }
  | { type: 'exit'; id: string; code: number }
  /**
   * After a run's `exit`: what it did to the services its files mention (keys added, messages
   * published and where they went, rows per table, cache hits). Only services with something to say.
   */
  | { type: 'summary'; id: string; services: RunSummary[] }
  /**
   * What a terminal or run opened with `trace: true` exchanged with its services, decoded (batched
   * like output). `replay`: sent again after a reattach; the page keeps each `seq` once.
   */
  | { type: 'trace'; id: string; events: TraceEvent[]; replay?: true }
  /** An inspect channel's view of its service: the whole state, at once and on every change (shared/inspect.ts). */
  | { type: 'state'; id: string; service: ServiceName; state: InspectState }
  | { type: 'error'; id?: string; message: string }
  /** Classroom mode: what the instructor shares with the class (a snippet, or their terminals live). */
  | { type: 'broadcast'; event: BroadcastEvent }
  /** Classroom mode: a message for the learner that belongs to no terminal (workspace reset, removed). */
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string };

export interface RunSummary {
  service: ServiceName;
  title: string;
  lines: string[];
}

export type ServerMessageType = ServerMessage['type'];

export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}
