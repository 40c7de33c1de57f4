// Classroom mode keeps the editor's files on the server too (PUT/GET /api/files), so a learner's
// work follows them to another computer and the instructor's reset or a cleared browser loses
// nothing. The file store calls in here after its own local save; this module debounces, sends
// one lesson's files at a time, retries while the server is away and says how it is going.
import {
  MAX_SAVED_FILE_BYTES,
  MAX_SAVED_FILES_PER_LESSON,
  type FilesView,
  type SaveFilesRequest,
} from '../../../shared/classroom-api.ts';
import { utf8Length } from '../../../shared/char-width.ts';
import { HttpError, isRetryable, requestJson, type FetchLike } from '../http.ts';
import type { EditorFile } from './editor-files.ts';

/** What the file store needs of a second home for its files. */
export interface RemoteFiles {
  /** The saved files of a lesson ("course/lesson"); null when nothing is saved. Rejects when unreachable. */
  load(lesson: string): Promise<readonly EditorFile[] | null>;
  /** Called on every change; when it is sent is the remote's business. */
  save(lesson: string, files: readonly EditorFile[]): void;
  /** Sends what waits now: the page is going away, or another lesson opens. */
  flush(): void;
}

/** Typing is sent this long after it stops: a request per key would be a request per key. */
export const REMOTE_SAVE_DELAY_MS = 800;
/** First retry of a save the server did not take; doubles up to the maximum. */
export const REMOTE_RETRY_INITIAL_MS = 1000;
/** Retries of a server that stays away slow to this, so a class of 100 does not hammer it. */
export const REMOTE_RETRY_MAX_MS = 30_000;
/** Loading a lesson's files tries this often before the page falls back to this browser's copy. */
export const REMOTE_LOAD_ATTEMPTS = 3;
/** Delay before the second load attempt; doubles after. */
export const REMOTE_LOAD_RETRY_MS = 400;
/**
 * Browsers refuse `keepalive` bodies over 64 KiB (in flight together); a little under it. Bigger
 * saves go as ordinary requests, which a closing page may cut off; the local copy stays either way.
 */
export const KEEPALIVE_MAX_BYTES = 60 * 1024;

export type RemoteSaveState = 'idle' | 'saving' | 'saved' | 'retrying' | 'refused' | 'failed';

export interface RemoteSaveSnapshot {
  state: RemoteSaveState;
  /** In words for the learner, when the files are not saved (refused, failed, retrying). */
  problem: string | null;
  /** When the server last confirmed a save (ISO 8601). */
  savedAt: string | null;
}

const kb = (bytes: number) => `${Math.ceil(bytes / 1024)} KB`;

/** Why the server would refuse these files (its named limits); null when they are within them. */
export function savedFilesProblem(files: readonly EditorFile[]): string | null {
  if (files.length > MAX_SAVED_FILES_PER_LESSON) {
    return `The class server keeps at most ${MAX_SAVED_FILES_PER_LESSON} files per lesson: delete one to have your work saved there again.`;
  }
  for (const f of files) {
    const bytes = utf8Length(f.content);
    if (bytes > MAX_SAVED_FILE_BYTES) {
      return `${f.name} is ${kb(bytes)}: the class server keeps files up to ${kb(MAX_SAVED_FILE_BYTES)}, so this version is not saved there. Shorten it to have it saved again (this browser keeps a copy).`;
    }
  }
  return null;
}

export interface RemoteFilePersistenceOptions {
  fetch?: FetchLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * What is sent, and kept: each file with its lesson version (`base`, editor-files.ts), so the
 * "changed" dot means the same on the next computer. A base over the size limit is left out (the
 * file then counts as the learner's own there) rather than have the whole save refused for it.
 */
const copy = (files: readonly EditorFile[]): EditorFile[] =>
  files.map((f) =>
    f.base !== undefined && utf8Length(f.base) <= MAX_SAVED_FILE_BYTES
      ? { name: f.name, content: f.content, base: f.base }
      : { name: f.name, content: f.content },
  );

export class RemoteFilePersistence implements RemoteFiles {
  /** Newest files not yet sent, by lesson. */
  private readonly pending = new Map<string, EditorFile[]>();
  /** Files being sent, by lesson (the newest request's). */
  private readonly inFlight = new Map<string, { files: EditorFile[]; count: number }>();
  /** Lessons whose files are over a limit, with the reason. */
  private readonly refused = new Map<string, string>();
  private debounce: unknown = null;
  private retry: unknown = null;
  private attempt = 0;
  private failure: string | null = null;
  private retrying: string | null = null;
  private savedAt: string | null = null;
  /** The lesson last loaded: the one on screen, whose refusal is worth showing. */
  private current: string | null = null;
  private snap: RemoteSaveSnapshot = { state: 'idle', problem: null, savedAt: null };
  private readonly listeners = new Set<() => void>();
  private readonly fetch: FetchLike | undefined;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(options: RemoteFilePersistenceOptions = {}) {
    this.fetch = options.fetch;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RemoteSaveSnapshot => this.snap;

  async load(lesson: string): Promise<readonly EditorFile[] | null> {
    this.current = lesson;
    this.refresh();
    // Edits not confirmed yet are newer than anything the server could answer.
    const unsent = this.pending.get(lesson) ?? this.inFlight.get(lesson)?.files;
    if (unsent) return copy(unsent);
    const url = `/api/files?lesson=${encodeURIComponent(lesson)}`;
    for (let attempt = 1; ; attempt++) {
      try {
        const view = await requestJson<FilesView>('GET', url, { fetch: this.fetch });
        return view.files;
      } catch (err) {
        if (attempt >= REMOTE_LOAD_ATTEMPTS || !isRetryable(err)) {
          this.failure = `Your saved files could not be loaded from the class server (${(err as Error).message}); this browser's copy is shown.`;
          this.refresh();
          throw err;
        }
        await new Promise<void>((resolve) => this.setTimer(resolve, REMOTE_LOAD_RETRY_MS * 2 ** (attempt - 1)));
      }
    }
  }

  save(lesson: string, files: readonly EditorFile[]): void {
    const problem = savedFilesProblem(files);
    if (problem) {
      // Not sent: the server would refuse it, and the version it has is better than none.
      this.pending.delete(lesson);
      this.refused.set(lesson, problem);
      this.refresh();
      return;
    }
    this.refused.delete(lesson);
    this.pending.set(lesson, copy(files));
    // While a retry is scheduled, it sends the newest files; typing does not hurry it.
    if (this.retry === null) {
      if (this.debounce !== null) this.clearTimer(this.debounce);
      this.debounce = this.setTimer(() => {
        this.debounce = null;
        this.sendPending(false);
      }, REMOTE_SAVE_DELAY_MS);
    }
    this.refresh();
  }

  flush(): void {
    if (this.debounce !== null) this.clearTimer(this.debounce);
    this.debounce = null;
    if (this.retry !== null) this.clearTimer(this.retry);
    this.retry = null;
    this.sendPending(true);
  }

  /**
   * Sends each lesson's newest files. One request per lesson at a time, so they arrive in order;
   * `urgent` (the page may be going away) sends even beside a request still on its way.
   */
  private sendPending(urgent: boolean): void {
    for (const [lesson, files] of [...this.pending]) {
      if (!urgent && this.inFlight.has(lesson)) continue; // sent when that request ends
      this.pending.delete(lesson);
      void this.send(lesson, files);
    }
    this.refresh();
  }

  private async send(lesson: string, files: EditorFile[]): Promise<void> {
    const entry = this.inFlight.get(lesson);
    this.inFlight.set(lesson, { files, count: (entry?.count ?? 0) + 1 });
    const body: SaveFilesRequest = { lesson, files };
    const bytes = utf8Length(JSON.stringify(body));
    try {
      const answer = await requestJson<{ savedAt: string }>('PUT', '/api/files', {
        body,
        keepalive: bytes <= KEEPALIVE_MAX_BYTES,
        fetch: this.fetch,
      });
      this.savedAt = answer.savedAt ?? new Date().toISOString();
      this.attempt = 0;
      this.failure = null;
      this.retrying = null;
    } catch (err) {
      if (isRetryable(err)) {
        // Newer edits, if any, replace these; otherwise these go again.
        if (!this.pending.has(lesson)) this.pending.set(lesson, files);
        this.retrying = (err as Error).message;
        this.scheduleRetry();
      } else {
        this.failure = failureMessage(err);
      }
    } finally {
      const now = this.inFlight.get(lesson);
      if (now && now.count > 1) now.count--;
      else this.inFlight.delete(lesson);
    }
    // Edits made while this request was out were held back for it: they go now.
    if (this.retry === null && this.debounce === null && this.pending.has(lesson) && !this.inFlight.has(lesson)) {
      this.sendPending(false);
    }
    this.refresh();
  }

  private scheduleRetry(): void {
    if (this.retry !== null) return;
    const delay = Math.min(REMOTE_RETRY_MAX_MS, REMOTE_RETRY_INITIAL_MS * 2 ** this.attempt);
    this.attempt++;
    this.retry = this.setTimer(() => {
      this.retry = null;
      this.sendPending(false);
    }, delay);
  }

  private refresh(): void {
    const refusal = this.current === null ? null : (this.refused.get(this.current) ?? null);
    let next: RemoteSaveSnapshot;
    if (refusal) next = { state: 'refused', problem: refusal, savedAt: this.savedAt };
    else if (this.failure) next = { state: 'failed', problem: this.failure, savedAt: this.savedAt };
    else if (this.retry !== null)
      next = {
        state: 'retrying',
        problem: `Not saved on the class server yet (${this.retrying ?? 'no answer'}); retrying. This browser keeps a copy.`,
        savedAt: this.savedAt,
      };
    else if (this.pending.size > 0 || this.inFlight.size > 0)
      next = { state: 'saving', problem: null, savedAt: this.savedAt };
    else next = { state: this.savedAt ? 'saved' : 'idle', problem: null, savedAt: this.savedAt };
    const same =
      next.state === this.snap.state && next.problem === this.snap.problem && next.savedAt === this.snap.savedAt;
    if (same) return;
    this.snap = next;
    for (const l of this.listeners) l();
  }
}

function failureMessage(err: unknown): string {
  if (err instanceof HttpError && (err.status === 401 || err.status === 403)) {
    return 'Your class session has ended, so your files are no longer saved on the class server (this browser keeps a copy).';
  }
  return `The class server did not save your files: ${(err as Error).message}. This browser keeps a copy.`;
}
