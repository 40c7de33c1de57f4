// One run pane: an xterm.js terminal showing a program's output live, and the program's life on
// the connection (open kind "run", started, output, exit). The server does the line discipline of
// a run (echo, Backspace, Enter), so keystrokes go to it raw; Ctrl-C becomes a signal. A finished
// pane can take the next run of its file, below a separator line. A run outlives a reload or a
// dropped connection on the server: the pane keeps (or, after a reload, takes up) its id and the
// server replays what it missed.
import type { Terminal } from '@xterm/xterm';
import { BOLD, DIM, GREEN, HIDE_CURSOR, RED, RESET, SHOW_CURSOR } from '../../../shared/ansi.ts';
import type { ReattachedRun, RunSummary } from '../../../shared/protocol.ts';
import type { Connection, Reattached, TerminalChannel, TerminalMessage } from '../connection.ts';
import { handleClipboardKey } from '../terminal/clipboard.ts';
import { LayerTerminal, type PaneRect, type Placeable } from '../terminal/layer-terminal.ts';
import { TabEscape } from '../terminal/tab-escape.ts';
import type { ShortcutTest } from '../terminal/terminal-session.ts';
import { TraceStore } from '../wire/trace-store.ts';
import { isLive, stopStep, type RunPaneInfo } from './run-panes.ts';
import { commandLine, type BuiltRun } from './run-request.ts';

const CTRL_C = '\x03';

/** Width of the line between two runs in one pane. */
const SEPARATOR_WIDTH = 48;

export interface RunSessionOptions {
  layer: HTMLElement;
  isShortcut: ShortcutTest;
  /** A run started: its environment, for the editor's environment strip. */
  onStarted: (env: Record<string, string>) => void;
}

export class RunSession implements TerminalChannel, Placeable {
  private readonly view: LayerTerminal;
  private readonly term: Terminal;
  /** Protocol id of the current run; null when none is on the server. */
  private id: string | null = null;
  private unroute: (() => void) | null = null;
  private snap: RunPaneInfo;
  private readonly listeners = new Set<() => void>();
  private readonly disposers: Array<() => void> = [];
  /** Whether the program's output ended a line: our own lines must start on a fresh one. */
  private atLineStart = true;
  /** The finished run this pane shows, which the server keeps for a reload until the pane lets it go. */
  private finishedId: string | null = null;
  /** The run whose `summary` this pane has written (a reconnect sends it again). */
  private summarized: string | null = null;
  /** Characters of live output received on the current id: the server replays only what follows. */
  private receivedChars = 0;
  /** The connection dropped while the run was live: the next socket must find it on the server. */
  private awaitingReattach = false;
  /** What the run pane's program exchanged with the services (its Wire view): the current run's, or the last one's. */
  readonly trace = new TraceStore();

  constructor(
    pane: Pick<RunPaneInfo, 'key' | 'file' | 'lesson' | 'language' | 'number'>,
    private readonly connection: Connection,
    private readonly options: RunSessionOptions,
  ) {
    this.snap = { ...pane, status: 'starting', code: null, message: null, runs: 0, waiting: false, ahead: null };
    this.view = new LayerTerminal(options.layer, { testid: 'run-terminal', pane: pane.key, file: pane.file });
    this.term = this.view.term;
    const data = this.term.onData((d) => this.onData(d));
    const resize = this.term.onResize(() => this.sendResize());
    const tabEscape = new TabEscape();
    this.term.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown') return true;
      if (options.isShortcut(event) || tabEscape.leaves(event)) return false;
      // Kept from the program: the server's line discipline would take the next key as part of an
      // escape sequence. Here Escape only arms Esc then Tab.
      if (event.key === 'Escape') return false;
      return !handleClipboardKey(event, this.term);
    });
    this.disposers.push(
      () => data.dispose(),
      () => resize.dispose(),
      connection.onLost(() => this.onSocketLost()),
      connection.onOpen((_reconnected, reattached) => this.onSocketOpen(reattached)),
    );
  }

  /** The run this pane shows, live or finished (the server knows it by this id). */
  get runId(): string | null {
    return this.id ?? this.finishedId;
  }

  received(): number {
    return this.receivedChars;
  }

  /**
   * Takes up a run the server kept across a reload: the header as the first start wrote it, then
   * the replayed output (and the exit, if it ended meanwhile) arrive as messages.
   */
  adopt(run: ReattachedRun): void {
    this.writeLine(`${GREEN}$${RESET} ${BOLD}${commandLine(run.language, run.name)}${RESET}`);
    this.id = run.id;
    this.receivedChars = run.position;
    // The page opens every run traced; its events come back with the rest of its screen.
    this.trace.reset(run.id, true, true);
    this.term.write(SHOW_CURSOR);
    this.unroute = this.connection.route(run.id, this);
    this.sendResize();
    this.update({
      status: run.state === 'starting' ? 'starting' : 'running',
      code: null,
      message: null,
      runs: 1,
      waiting: false,
      ahead: null,
    });
  }

  get key(): string {
    return this.snap.key;
  }

  /** For a pane made before the page knew its lesson (RunManager.setLesson). */
  setLesson(lesson: string | null): void {
    this.update({ lesson });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RunPaneInfo => this.snap;

  onFocused(listener: () => void): () => void {
    return this.view.onFocused(listener);
  }

  show(rect: PaneRect): void {
    this.view.show(rect);
  }

  hide(): void {
    this.view.hide();
  }

  focus(): void {
    this.view.focus();
  }

  /** Starts a run of this pane's file in it: `run` is the request, or why there is none. */
  start(run: BuiltRun): void {
    if (this.snap.runs > 0 && isLive(this.snap.status)) return; // the manager reuses finished panes only
    this.detach();
    this.forgetFinished();
    if (this.snap.runs > 0) this.writeLine(`\r\n${DIM}${'─'.repeat(SEPARATOR_WIDTH)}${RESET}`);
    const language = run.ok ? run.spec.language : this.snap.language;
    this.writeLine(
      `${GREEN}$${RESET} ${BOLD}${language ? commandLine(language, this.snap.file) : this.snap.file}${RESET}`,
    );
    const runs = this.snap.runs + 1;
    this.trace.reset(null, false);
    if (!run.ok) return this.fail(run.problem, runs);
    if (!this.connection.isOpen)
      return this.fail('not connected to the playground server; try again once it is back', runs);
    const id = this.connection.newId('run');
    this.id = id;
    this.receivedChars = 0;
    // The cursor blinks while a program may read input, and goes away once it has ended (detach).
    this.term.write(SHOW_CURSOR);
    this.unroute = this.connection.route(id, this);
    this.trace.reset(id, run.spec.trace === true);
    this.connection.send({ type: 'open', id, kind: 'run', ...run.spec });
    this.sendResize();
    this.update({ status: 'starting', code: null, message: null, runs, waiting: false, ahead: null });
  }

  /** The Stop button: Ctrl-C first, a kill if the program is still there at the next press. */
  stop(): void {
    const step = stopStep(this.snap.status);
    if (!step || !this.id) return;
    if (step === 'interrupt') {
      this.connection.send({ type: 'signal', id: this.id, signal: 'SIGINT' });
      this.update({ status: 'interrupting' });
    } else {
      // The server kills the program and still answers with `exit`.
      this.connection.send({ type: 'close', id: this.id });
    }
  }

  /** The pane is closed: a live program is stopped, the terminal goes away. */
  dispose(): void {
    if (this.id && isLive(this.snap.status)) this.connection.send({ type: 'close', id: this.id });
    this.detach();
    this.forgetFinished();
    for (const d of this.disposers) d();
    this.listeners.clear();
    this.view.dispose();
  }

  receive(message: TerminalMessage): void {
    // The store takes its own run's only; a finished run's last events may come after its exit.
    if (message.type === 'trace') return this.trace.receive(message);
    // After `exit` (live, or in a reload's replay), once per run.
    if (message.type === 'summary') {
      if ((message.id === this.id || message.id === this.finishedId) && this.summarized !== message.id) {
        this.summarized = message.id;
        for (const line of summaryLines(message.services)) this.writeLine(line);
      }
      return;
    }
    // A finished run stays routed (so a reconnect does not close it on the server) but shows nothing more.
    if (message.id !== this.id) return;
    switch (message.type) {
      case 'started':
        this.options.onStarted(message.env);
        if (this.snap.status === 'starting') this.update({ status: 'running', ahead: null });
        return;
      case 'queued':
        if (this.snap.ahead === null) {
          this.writeLine(`${DIM}[the server is busy: this run waits for a free slot; Stop gives it up]${RESET}`);
        }
        this.update({ ahead: message.ahead });
        return;
      case 'output':
        if (!message.replay) this.receivedChars += message.data.length;
        if (message.data) this.atLineStart = message.data.endsWith('\n');
        this.term.write(message.data);
        return;
      case 'input-wait':
        this.update({ waiting: message.waiting });
        return;
      case 'exit': {
        const failed = this.snap.status === 'failed';
        this.detach();
        if (!failed) {
          // The server keeps its output for a reload until the pane lets it go (forgetFinished).
          this.finishedId = message.id;
          this.unroute = this.connection.route(message.id, this);
        }
        if (failed) {
          // The server's message already says why; the code is for the tab.
          this.update({ code: message.code });
          return;
        }
        const colour = message.code === 0 ? DIM : RED;
        this.writeLine(`${colour}[exited with code ${message.code}]${RESET}`);
        this.update({ status: 'exited', code: message.code });
        return;
      }
      case 'error':
        this.writeLine(`${RED}${message.message}${RESET}`);
        // Before `started`, an error means the run never began (a runner problem, a bad file
        // name, too many runs); an `exit` may or may not follow.
        if (this.snap.status === 'starting') this.update({ status: 'failed', message: message.message });
        return;
      case 'opened':
      case 'prompt':
        return; // service terminals only
      case 'state':
        return; // Inspect views only
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** A line of ours (not the program's), on a line of its own. */
  private writeLine(text: string): void {
    this.term.write(`${this.atLineStart ? '' : '\r\n'}${text}\r\n`);
    this.atLineStart = true;
  }

  private fail(problem: string, runs: number): void {
    this.writeLine(`${RED}${problem}${RESET}`);
    this.update({ status: 'failed', code: null, message: problem, runs });
  }

  private onData(data: string): void {
    if (!this.id || !isLive(this.snap.status)) return;
    if (data === CTRL_C) {
      // As in a shell, Ctrl-C is SIGINT for the program (pika's start_consuming then raises
      // KeyboardInterrupt); a second one makes the server kill it.
      this.connection.send({ type: 'signal', id: this.id, signal: 'SIGINT' });
      this.update({ status: 'interrupting' });
      return;
    }
    // Raw, as typed: the server echoes, edits the line and hands it over on Enter; Ctrl-D is end of input.
    this.connection.send({ type: 'input', id: this.id, data });
  }

  private onSocketLost(): void {
    if (!this.id || !isLive(this.snap.status)) return;
    // The server keeps the run going for a while (SESSION_LINGER_MS); the next socket re-attaches.
    this.awaitingReattach = true;
    this.writeLine(`${DIM}[connection lost — the run goes on; reconnecting…]${RESET}`);
  }

  private onSocketOpen(reattached: Reattached): void {
    if (!this.awaitingReattach) return;
    this.awaitingReattach = false;
    if (this.id && reattached.runs.some((r) => r.id === this.id)) {
      // What it printed meanwhile, and its exit if it ended, are replayed now.
      this.writeLine(`${DIM}[reconnected]${RESET}`);
      return;
    }
    this.detach();
    const message = 'connection lost: the server no longer has this run';
    this.writeLine(`${RED}[${message}]${RESET}`);
    this.update({ status: 'lost', message });
  }

  /** The server may forget the finished run this pane showed (the pane closes or runs again). */
  private forgetFinished(): void {
    if (!this.finishedId) return;
    this.connection.send({ type: 'close', id: this.finishedId });
    this.finishedId = null;
    this.unroute?.();
    this.unroute = null;
  }

  private detach(): void {
    if (this.id) this.term.write(HIDE_CURSOR);
    if (this.snap.waiting) this.update({ waiting: false });
    this.unroute?.();
    this.unroute = null;
    this.id = null;
  }

  private sendResize(): void {
    if (this.id) this.connection.send({ type: 'resize', id: this.id, cols: this.term.cols, rows: this.term.rows });
  }

  private update(change: Partial<RunPaneInfo>): void {
    this.snap = { ...this.snap, ...change };
    for (const l of this.listeners) l();
  }
}

/**
 * A run's summary as terminal lines: a heading, then each service's lines under its title. The
 * services count what happened while the run ran, a terminal's commands at that moment included.
 */
export function summaryLines(services: RunSummary[]): string[] {
  const width = Math.max(...services.map((s) => s.title.length));
  return [
    `${BOLD}What changed while this run ran${RESET}`,
    ...services.flatMap((s) =>
      s.lines.map((line, i) => `  ${DIM}${(i === 0 ? s.title : '').padEnd(width)}${RESET}  ${line}`),
    ),
  ];
}
