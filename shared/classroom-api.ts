// The classroom's HTTP API and live-event shapes (server/classroom/routes.ts), shared by the server,
// the dashboard and the join page. Types and pure helpers only: no Node, no DOM, no zod.
//
// Learner (cookie `pg_class`, set by POST /api/join):
//   GET  /api/session                       SessionView (also in single-user mode: {mode: "single"})
//   GET  /api/join/:code                    {class: {name}} or 404, for the join page
//   POST /api/join            {code, name}  SessionView (learner) + cookie; 400 bad name, 404 unknown code, 409 name taken
//   GET  /api/files?lesson=course/lesson    FilesView: the learner's saved editor files for a lesson
//   PUT  /api/files           SaveFilesRequest → {savedAt}
// Instructor (cookie `pg_instructor` from POST /api/instructor/login, or `Authorization: Bearer <secret>`):
//   POST /api/instructor/login {secret}     SessionView (instructor) + cookie; 401 wrong secret
//   POST /api/instructor/logout
//   GET  /api/instructor/join-address       JoinAddress: where learners open the join link
//   GET  /api/classes                       {classes: ClassSummary[]} (archived ones too)
//   POST /api/classes         {name}        ClassSummary
//   GET  /api/classes/:id                   ClassDetail
//   POST /api/classes/:id/archive {archived} ClassSummary; an archived class takes no new learners (410)
//   DELETE /api/classes/:id                 {ok, learners}: the class, its learners' workspaces and records
//   GET  /api/classes/:id/events            text/event-stream of ClassEvent (first: a "snapshot")
//   GET  /api/classes/:id/learners/:lid/watch   text/event-stream of MirrorEvent (first: "open"s with scrollback)
//   POST /api/classes/:id/learners/:lid/reset   {ok, message}
//   DELETE /api/classes/:id/learners/:lid       {ok}
//   POST /api/classes/:id/broadcast   BroadcastRequest → {ok, learners: number}
//   GET  /api/classes/:id/progress.csv
// Every error answers {error: "plain words"} with a 4xx/5xx status.
import type { RunLanguage } from './constants.ts';

export type SessionView =
  | { mode: 'single' }
  /** Classroom mode, and this browser has neither joined a class nor signed in as the instructor. */
  | { mode: 'classroom'; role: null }
  | {
      mode: 'classroom';
      role: 'learner';
      learner: { id: string; name: string };
      class: { id: string; name: string; code: string };
    }
  | { mode: 'classroom'; role: 'instructor' };

/** Display names: 1–40 characters after trimming; letters, digits, spaces and . _ ' - only. */
export const DISPLAY_NAME_MAX = 40;
export const DISPLAY_NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._'-]{0,39}$/u;

/** Join codes: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L). */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;

export function normalizeJoinCode(code: string): string {
  return code.trim().toUpperCase().replace(/[\s-]/g, '');
}

export interface JoinRequest {
  code: string;
  name: string;
}

export interface ClassSummary {
  id: string;
  name: string;
  code: string;
  /** The path learners open, e.g. "/join/K7QX2M" (the dashboard prefixes JoinAddress.base). */
  joinPath: string;
  createdAt: string;
  /** When the instructor archived it (no new learners; everything stays); null while active. */
  archivedAt: string | null;
  learners: number;
}

/**
 * The address learners type to reach this server: not necessarily the one the instructor's page
 * was opened at (http://127.0.0.1:3000 works on the instructor's machine only).
 */
export interface JoinAddress {
  /** An origin without a trailing slash, e.g. "http://192.168.1.20:3000". */
  base: string;
  /**
   * public-url: PUBLIC_URL, as configured. page: the address this page was opened at, which is not
   * a loopback one. lan: the page is on loopback, so the server's LAN address (the one it printed
   * at start) stands in. loopback: the server listens on loopback only; no one else can join.
   */
  source: 'public-url' | 'page' | 'lan' | 'loopback';
  /** What the instructor should know about it (several LAN addresses, loopback only), or null. */
  note: string | null;
}

export interface ArchiveRequest {
  archived: boolean;
}

/** One learner's step: "course/lesson/step". */
export interface StepProgress {
  /** When a check first passed (ISO 8601). */
  doneAt?: string;
  /** Check attempts, passed or failed. */
  attempts: number;
  lastAttemptAt?: string;
  /** Whether the last attempt passed. */
  lastOk?: boolean;
}

export type WorkspaceState = 'provisioning' | 'ready' | 'reclaimed' | 'failed';

export interface LearnerView {
  id: string;
  name: string;
  joinedAt: string;
  /** Has at least one open socket now. */
  online: boolean;
  /** Last terminal line, run, check or page action (ISO 8601). */
  lastActiveAt: string | null;
  /** "course/lesson" the learner is on. */
  current: string | null;
  steps: Record<string, StepProgress>;
  workspace: WorkspaceState;
}

/** A column of the grid. */
export interface StepColumn {
  /** "course/lesson/step" */
  key: string;
  course: string;
  lesson: string;
  lessonTitle: string;
  title: string;
  hasCheck: boolean;
}

export interface ClassDetail {
  class: ClassSummary;
  learners: LearnerView[];
  steps: StepColumn[];
  /** Whether the instructor's terminals are being broadcast to the class now. */
  broadcastingTerminals: boolean;
}

export type ClassEvent =
  | { kind: 'snapshot'; detail: ClassDetail }
  | { kind: 'learner'; learner: LearnerView }
  | { kind: 'removed'; learnerId: string };

/** What a watcher (the instructor, or learners during a broadcast) sees of someone's terminals and runs. */
export type MirrorEvent =
  /** A terminal or run appeared; `scrollback` is its recent output when the watcher arrives late. */
  | { kind: 'open'; channel: string; label: string; scrollback?: string }
  | { kind: 'output'; channel: string; data: string }
  | { kind: 'close'; channel: string };

export type BroadcastRequest =
  | { kind: 'snippet'; name: string; language: RunLanguage; code: string }
  /** Start or stop mirroring the instructor's own terminals and runs to every learner of the class. */
  | { kind: 'terminals'; on: boolean };

/** Pushed to learners over /ws as {type: "broadcast", event}. */
export type BroadcastEvent =
  | { kind: 'snippet'; id: string; name: string; language: RunLanguage; code: string; at: string }
  | { kind: 'mirror'; event: MirrorEvent }
  | { kind: 'mirror-stop' };

/**
 * A saved editor file. `base`: the lesson's version of it (what the lesson or the instructor put
 * there), so the editor's "changed" mark survives a move to another computer; absent for the
 * learner's own files.
 */
export interface SavedEditorFile {
  name: string;
  content: string;
  base?: string;
}

export interface FilesView {
  lesson: string;
  /** null: nothing saved yet for this lesson (the client seeds it from the lesson). */
  files: SavedEditorFile[] | null;
  savedAt: string | null;
}

export interface SaveFilesRequest {
  lesson: string;
  files: SavedEditorFile[];
}

/** Named limits of saved files: per lesson, per file (its text, and its lesson version each). */
export const MAX_SAVED_FILES_PER_LESSON = 16;
export const MAX_SAVED_FILE_BYTES = 64 * 1024;

// ---- The grid's cell states, computed the same way on the server (CSV) and in the dashboard. ----

export type CellState = 'done' | 'stuck' | 'working' | 'idle' | 'none';

/** Failed attempts after which a step counts as stuck. */
export const STUCK_FAILED_ATTEMPTS = 3;
/** On the same step this long without passing: stuck. */
export const STUCK_AFTER_MS = 10 * 60_000;
/** No activity for this long: idle. */
export const IDLE_AFTER_MS = 5 * 60_000;

/**
 * done: a check passed. stuck: 3+ attempts none passing, or the step the learner has been on for
 * 10+ minutes. working: the first unfinished checked step of the learner's current lesson, while
 * the learner is active. idle: that same step, but no activity for 5 minutes (or offline).
 */
export function cellState(learner: LearnerView, column: StepColumn, columns: StepColumn[], now: number): CellState {
  const p = learner.steps[column.key];
  if (p?.doneAt) return 'done';
  if (p && p.attempts >= STUCK_FAILED_ATTEMPTS) return 'stuck';
  if (!learner.current || `${column.course}/${column.lesson}` !== learner.current) return 'none';
  const first = columns.find(
    (c) => `${c.course}/${c.lesson}` === learner.current && c.hasCheck && !learner.steps[c.key]?.doneAt,
  );
  if (first?.key !== column.key) return 'none';
  const active = learner.lastActiveAt ? now - Date.parse(learner.lastActiveAt) : Infinity;
  if (!learner.online || active > IDLE_AFTER_MS) return 'idle';
  const since = p?.lastAttemptAt ?? learner.lastActiveAt;
  // Lacking a better start, a first attempt long ago on a still-open step means stuck.
  if (p && p.attempts > 0 && since && now - Date.parse(since) > STUCK_AFTER_MS) return 'stuck';
  return 'working';
}
