// Every run pane of the page, outside React like the service terminals: Run (from the editor, its
// shortcut or a pane's "Run again") creates or reuses a pane, Stop and close act on one. The
// terminal area lists the panes from the snapshot and is told which one a new run should bring
// on screen. After a reload, the runs the server kept (live or finished) get their panes back.
import type { ReattachedRun } from '../../../shared/protocol.ts';
import type { Connection, Reattached } from '../connection.ts';
import type { FileStore } from '../editor/file-store.ts';
import { languageOf } from '../editor/file-names.ts';
import type { ShortcutTest } from '../terminal/terminal-session.ts';
import type { RunEnvironment } from './run-env.ts';
import {
  MAX_RUN_PANES,
  RUN_PANE_PREFIX,
  isLive,
  nextPaneNumber,
  paneToReuse,
  panesToEvict,
  type RunPaneInfo,
} from './run-panes.ts';
import { buildRun } from './run-request.ts';
import { RunSession } from './run-session.ts';

export interface RunsSnapshot {
  /** Oldest first. */
  panes: readonly RunPaneInfo[];
  /** The lesson open now: its runs are the ones the tab strip shows first. */
  lesson: string | null;
}

export class RunManager {
  private readonly sessions = new Map<string, RunSession>();
  private snap: RunsSnapshot = { panes: [], lesson: null };
  private lesson: string | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly showListeners = new Set<(key: string, focus: boolean) => void>();
  private nextPane = 1;

  constructor(
    private readonly connection: Connection,
    private readonly files: FileStore,
    private readonly env: RunEnvironment,
    private readonly options: { layer: HTMLElement; isShortcut: ShortcutTest },
  ) {
    connection.onOpen((_reconnected, reattached) => this.adoptReattached(reattached));
  }

  /**
   * Panes for the runs the server kept that no pane shows (the page was reloaded): every live one,
   * and the newest finished ones up to MAX_RUN_PANES. The rest the connection closes.
   */
  private adoptReattached(reattached: Reattached): void {
    const shown = new Set([...this.sessions.values()].map((s) => s.runId));
    const missing = reattached.runs.filter((r) => !shown.has(r.id));
    const room = Math.max(0, MAX_RUN_PANES - this.sessions.size);
    const live = missing.filter((r) => r.state !== 'exited');
    const finished = missing.filter((r) => r.state === 'exited');
    const keep = new Set<ReattachedRun>([
      ...live,
      ...finished.slice(Math.max(0, finished.length - Math.max(0, room - live.length))),
    ]);
    for (const run of missing) {
      if (!keep.has(run)) continue;
      const session = this.createPane(run.name);
      session.adopt(run);
      if (run.state !== 'exited') for (const l of this.showListeners) l(session.key, false);
    }
  }

  /**
   * The page opened a lesson (App): new panes belong to it. Runs a reload brought back before the
   * lesson was known belong to the first lesson known: the reload kept the page's address.
   */
  setLesson(lesson: string | null): void {
    if (lesson === this.lesson) return;
    if (this.lesson === null) {
      for (const s of this.sessions.values()) if (s.getSnapshot().lesson === null) s.setLesson(lesson);
    }
    this.lesson = lesson;
    this.refresh();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RunsSnapshot => this.snap;

  /**
   * Called with a pane that a run just started in: the terminal area brings it on screen, and gives
   * it the keyboard (`focus`) when the learner started it (not for a run a reload brought back).
   */
  onShow(listener: (key: string, focus: boolean) => void): () => void {
    this.showListeners.add(listener);
    return () => this.showListeners.delete(listener);
  }

  session(key: string): RunSession | undefined {
    return this.sessions.get(key);
  }

  /** The newest live run of a file, which the editor's Stop button stops. */
  liveRunOf(file: string): RunPaneInfo | undefined {
    return [...this.snap.panes].reverse().find((p) => p.file === file && isLive(p.status));
  }

  /**
   * Runs an editor file with the editor's current text: in a finished pane of that file if there
   * is one, else in a new pane (a live run is never replaced). Returns the pane's key.
   */
  run(file: string): string {
    const reuse = paneToReuse(this.snap.panes, file, this.lesson);
    const session = reuse ? this.sessions.get(reuse)! : this.createPane(file);
    session.start(buildRun(this.files.state.files, file));
    for (const l of this.showListeners) l(session.key, true);
    return session.key;
  }

  /** "Run again" in a finished pane: its file, as the editor has it now. */
  rerun(key: string): void {
    const session = this.sessions.get(key);
    if (!session || isLive(session.getSnapshot().status)) return;
    session.start(buildRun(this.files.state.files, session.getSnapshot().file));
    for (const l of this.showListeners) l(key, true);
  }

  stop(key: string): void {
    this.sessions.get(key)?.stop();
  }

  close(key: string): void {
    const session = this.sessions.get(key);
    if (!session) return;
    this.sessions.delete(key);
    session.dispose();
    this.refresh();
  }

  private createPane(file: string): RunSession {
    for (const key of panesToEvict(this.snap.panes)) this.close(key);
    const key = `${RUN_PANE_PREFIX}${this.nextPane++}`;
    const session = new RunSession(
      { key, file, lesson: this.lesson, language: languageOf(file), number: nextPaneNumber(this.snap.panes, file) },
      this.connection,
      { ...this.options, onStarted: (env) => this.env.report(env) },
    );
    this.sessions.set(key, session);
    session.subscribe(() => this.refresh());
    this.refresh();
    return session;
  }

  private refresh(): void {
    this.snap = { panes: [...this.sessions.values()].map((s) => s.getSnapshot()), lesson: this.lesson };
    for (const l of this.listeners) l();
  }
}
