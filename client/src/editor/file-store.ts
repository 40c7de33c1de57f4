// The editor's files for the life of the page: one lesson's files at a time, kept in localStorage
// under that lesson's key so that edits survive reloads and each lesson has its own. The editor,
// the tab strip and the Run button all read from here; Monaco writes every change into it at once,
// and the store writes to storage shortly after (and right away when the page goes away).
// In classroom mode a second home is injected (remote-files.ts): the server's copy of a lesson's
// files wins when the lesson opens, and every change goes there too.
//
// Who changes a file decides whether it counts as the learner's change (editor-files.ts, `base`):
// add() and setContent() are the lesson's (a Run or Open button, a solution) or the instructor's,
// so their text is the file's lesson version; create() and edit() are the learner's.
import {
  addFile,
  deleteFile,
  editorStorageKey,
  findFile,
  initialState,
  isModified,
  modifiedFiles,
  parseState,
  provideContent,
  renameFile,
  resetFiles,
  serializeState,
  setActive,
  setContent,
  withStarterBases,
  type Change,
  type EditorFile,
  type EditorFilesState,
} from './editor-files.ts';
import type { RemoteFiles } from './remote-files.ts';

/** Typing is saved after this pause, not on every key: localStorage writes are synchronous. */
export const SAVE_DELAY_MS = 400;

export type FileStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface FileStoreSnapshot {
  /** The storage key of the open lesson; null until a lesson (or the fallback) is opened. */
  key: string | null;
  state: EditorFilesState;
  /** What "reset" restores. */
  starters: readonly EditorFile[];
  /** Names of files the learner changed: edited, or their own. */
  modified: readonly string[];
  /** Reset would change something. */
  resettable: boolean;
  /** Set when storage refused a write: the edits then last only as long as the page. */
  saveProblem: string | null;
}

/** Keys of the editor before files were kept per lesson: their text is taken over once. */
const LEGACY_FILE_PREFIX = 'playground.editor.file.';
const LEGACY_ACTIVE_KEY = 'playground.editor.active';

export class FileStore {
  private snap: FileStoreSnapshot;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The open lesson ("course/lesson"), for the remote; null for the fallback key. */
  private lesson: string | null = null;
  /** Counts opens: the answer of a remote load for a lesson left meanwhile is dropped. */
  private openTicket = 0;
  /** The storage key of a lesson whose remote files are on their way. */
  private loadingKey: string | null = null;

  constructor(
    private readonly storage: FileStorage | null,
    private readonly startersFor: (lesson: string | null) => readonly EditorFile[],
    private readonly remote: RemoteFiles | null = null,
  ) {
    const starters = startersFor(null);
    this.snap = this.derive(null, initialState(starters), starters, null);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): FileStoreSnapshot => this.snap;

  get state(): EditorFilesState {
    return this.snap.state;
  }

  file(name: string): EditorFile | undefined {
    return findFile(this.snap.state, name);
  }

  /** Shows a lesson's files (null: the fallback key), as the learner left them or as the lesson has them. */
  open(lesson: string | null): void {
    const key = editorStorageKey(lesson);
    if (this.loadingKey === null ? key === this.snap.key : key === this.loadingKey) return;
    this.flush();
    const ticket = ++this.openTicket;
    if (!this.remote || lesson === null) {
      this.loadingKey = null;
      this.show(lesson, key, null);
      return;
    }
    // No key until the server answers: the editor waits rather than show a copy about to be replaced.
    this.loadingKey = key;
    this.snap = this.derive(null, this.snap.state, this.snap.starters, this.snap.saveProblem);
    this.emit();
    this.remote.load(lesson).then(
      (files) => ticket === this.openTicket && this.show(lesson, key, files),
      // Unreachable: this browser's copy, then the lesson's own files, as without a server.
      () => ticket === this.openTicket && this.show(lesson, key, null),
    );
  }

  /** Puts a lesson's files on screen: the server's copy if it has one, else the stored one, else the lesson's. */
  private show(lesson: string | null, key: string, remoteFiles: readonly EditorFile[] | null): void {
    this.loadingKey = null;
    this.lesson = lesson;
    const starters = this.startersFor(lesson);
    const local = parseState(this.read(key));
    // The server's copy goes through the checks a stored one does; the open tab is this browser's.
    let state = remoteFiles
      ? parseState(serializeState({ files: [...remoteFiles], active: local?.active ?? remoteFiles[0]?.name ?? '' }))
      : local;
    let store = remoteFiles !== null && state !== null;
    if (!state) {
      state = this.takeOverLegacy(starters);
      store = state !== null;
    }
    // Files kept before the editor knew each file's lesson version get theirs from the lesson.
    this.snap = this.derive(key, state ? withStarterBases(state, starters) : initialState(starters), starters, null);
    if (store) this.save();
    this.emit();
  }

  /** The learner typed: saved shortly after. */
  edit(name: string, content: string): void {
    this.apply(setContent(this.snap.state, name, content), false);
  }

  /** The lesson's text for a file (a solution) or the instructor's: the file's lesson version now. */
  setContent(name: string, content: string): void {
    this.apply(provideContent(this.snap.state, name, content), true);
  }

  setActive(name: string): void {
    this.apply(setActive(this.snap.state, name), true);
  }

  /** A file the lesson (a Run or Open button) or the instructor adds: not the learner's change. */
  add(name: string, content = ''): string | null {
    return this.change(addFile(this.snap.state, name, content, 'lesson'));
  }

  /** A file the learner makes (the tab strip's +). */
  create(name: string, content = ''): string | null {
    return this.change(addFile(this.snap.state, name, content, 'learner'));
  }

  rename(from: string, to: string): string | null {
    return this.change(renameFile(this.snap.state, from, to));
  }

  remove(name: string): string | null {
    return this.change(deleteFile(this.snap.state, name));
  }

  /** Back to the lesson's version (editor-files.ts, resetFiles: resetPlan says what that does). */
  reset(): void {
    this.apply(resetFiles(this.snap.state, this.snap.starters), true);
  }

  /** Writes pending edits now (the page is going away, another lesson opens). */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
      this.save();
    }
    this.remote?.flush();
  }

  private change(result: Change): string | null {
    if (!result.ok) return result.problem;
    this.apply(result.state, true);
    return null;
  }

  private apply(state: EditorFilesState, saveNow: boolean): void {
    if (state === this.snap.state) return;
    this.snap = this.derive(this.snap.key, state, this.snap.starters, this.snap.saveProblem);
    this.emit();
    if (this.snap.key === null) return; // nothing opened yet: nowhere to save
    if (this.lesson !== null) this.remote?.save(this.lesson, state.files);
    if (saveNow) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.save();
    } else if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.save();
      }, SAVE_DELAY_MS);
    }
  }

  private save(): void {
    if (!this.storage || this.snap.key === null) return;
    let problem: string | null = null;
    try {
      this.storage.setItem(this.snap.key, serializeState(this.snap.state));
    } catch (err) {
      problem = `Your edits could not be saved in this browser (${(err as Error).name || 'storage refused'}); they last until the page closes.`;
    }
    if (problem !== this.snap.saveProblem) {
      this.snap = { ...this.snap, saveProblem: problem };
      this.emit();
    }
  }

  private read(key: string): string | null {
    try {
      return this.storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  /** The lesson's files with the text the single-file editor of earlier versions kept, if any. */
  private takeOverLegacy(starters: readonly EditorFile[]): EditorFilesState | null {
    const texts = starters.map((f) => this.read(LEGACY_FILE_PREFIX + f.name));
    if (texts.every((t) => t === null)) return null;
    const start = initialState(starters);
    // The old text is the learner's edit of the lesson's file, not the lesson's version.
    const state = { ...start, files: start.files.map((f, i) => ({ ...f, content: texts[i] ?? f.content })) };
    const active = this.read(LEGACY_ACTIVE_KEY);
    try {
      for (const f of starters) this.storage?.removeItem(LEGACY_FILE_PREFIX + f.name);
      this.storage?.removeItem(LEGACY_ACTIVE_KEY);
    } catch {
      // Left behind: harmless, they are only read when a lesson has nothing stored.
    }
    return active ? setActive(state, active) : state;
  }

  private derive(
    key: string | null,
    state: EditorFilesState,
    starters: readonly EditorFile[],
    saveProblem: string | null,
  ): FileStoreSnapshot {
    return {
      key,
      state,
      starters,
      modified: modifiedFiles(state),
      resettable: isModified(state, starters),
      saveProblem,
    };
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
