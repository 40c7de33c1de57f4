// Every run pane of the page, outside React like the service terminals: Run (from the editor, its
// shortcut or a pane's "Run again") creates or reuses a pane, Stop and close act on one. The
// terminal area lists the panes from the snapshot and is told which one a new run should bring
// on screen.
import type { Connection } from '../connection.ts';
import type { FileStore } from '../editor/file-store.ts';
import { languageOf } from '../editor/file-names.ts';
import type { ShortcutTest } from '../terminal/terminal-session.ts';
import type { RunEnvironment } from './run-env.ts';
import { RUN_PANE_PREFIX, isLive, nextPaneNumber, paneToReuse, panesToEvict, type RunPaneInfo } from './run-panes.ts';
import { buildRun } from './run-request.ts';
import { RunSession } from './run-session.ts';

export interface RunsSnapshot {
  /** Oldest first. */
  panes: readonly RunPaneInfo[];
}

export class RunManager {
  private readonly sessions = new Map<string, RunSession>();
  private snap: RunsSnapshot = { panes: [] };
  private readonly listeners = new Set<() => void>();
  private readonly showListeners = new Set<(key: string) => void>();
  private nextPane = 1;

  constructor(
    private readonly connection: Connection,
    private readonly files: FileStore,
    private readonly env: RunEnvironment,
    private readonly options: { layer: HTMLElement; isShortcut: ShortcutTest },
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RunsSnapshot => this.snap;

  /** Called with a pane that a run just started in: the terminal area brings it on screen. */
  onShow(listener: (key: string) => void): () => void {
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
    const reuse = paneToReuse(this.snap.panes, file);
    const session = reuse ? this.sessions.get(reuse)! : this.createPane(file);
    session.start(buildRun(this.files.state.files, file));
    for (const l of this.showListeners) l(session.key);
    return session.key;
  }

  /** "Run again" in a finished pane: its file, as the editor has it now. */
  rerun(key: string): void {
    const session = this.sessions.get(key);
    if (!session || isLive(session.getSnapshot().status)) return;
    session.start(buildRun(this.files.state.files, session.getSnapshot().file));
    for (const l of this.showListeners) l(key);
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
      { key, file, language: languageOf(file), number: nextPaneNumber(this.snap.panes, file) },
      this.connection,
      { ...this.options, onStarted: (env) => this.env.report(env) },
    );
    this.sessions.set(key, session);
    session.subscribe(() => this.refresh());
    this.refresh();
    return session;
  }

  private refresh(): void {
    this.snap = { panes: [...this.sessions.values()].map((s) => s.getSnapshot()) };
    for (const l of this.listeners) l();
  }
}
