// One service's terminal in the page: an xterm.js instance, its line editor, and its life on the
// connection (open, prompt, output, exit, re-open after a reconnect). The xterm instance lives as
// long as the page, so switching tabs or layouts keeps the scrollback; layer-terminal.ts places it
// over whichever pane shows it. Across a reload the server keeps the terminal itself: the page takes
// it up again when the connection re-attaches (connection.ts), its screen is replayed, and the line
// the learner was typing comes back from the tab's sessionStorage.
import type { Terminal } from '@xterm/xterm';
import { BRACKETED_PASTE_ON, DIM, RESET } from '../../../shared/ansi.ts';
import type { ServiceName, ServiceStatus } from '../../../shared/protocol.ts';
import type { Connection, Reattached, TerminalChannel, TerminalMessage } from '../connection.ts';
import type { ServiceCatalog } from '../service-catalog.ts';
import { utf8Length } from '../../../shared/char-width.ts';
import { handleClipboardKey } from './clipboard.ts';
import { WriteFlowControl } from './flow-control.ts';
import { LineHistory, type HistoryStorage } from './history.ts';
import { LayerTerminal, type PaneRect, type Placeable } from './layer-terminal.ts';
import { LineEditor } from './line-editor.ts';
import { TabEscape } from './tab-escape.ts';
import { TraceStore } from '../wire/trace-store.ts';

export type SessionState = 'connecting' | 'opening' | 'open' | 'ended';

export interface SessionSnapshot {
  state: SessionState;
  address: string | null;
}

/** Where a terminal's half-typed line is kept for a reload (sessionStorage: this tab only). */
export function typedLineKey(service: ServiceName): string {
  return `playground.line.${service}`;
}

/** Keys the page handles itself (layout shortcuts); the terminal must not see them. */
export type ShortcutTest = (event: KeyboardEvent) => boolean;

export class TerminalSession implements TerminalChannel, Placeable {
  private readonly view: LayerTerminal;
  private readonly term: Terminal;
  private readonly editor: LineEditor;
  private readonly flow: WriteFlowControl;
  private readonly tabEscape = new TabEscape();
  private id: string | null = null;
  private unroute: (() => void) | null = null;
  private snap: SessionSnapshot = { state: 'connecting', address: null };
  private readonly listeners = new Set<() => void>();
  private readonly disposers: Array<() => void> = [];
  /** The address the terminal last said it is at (null: not greeted yet). */
  private greetedAt: string | null = null;
  private readonly promptListeners = new Set<() => void>();
  private readonly outputListeners = new Set<() => void>();
  private opened = false;
  /** Characters of live output received on the current id: the server replays only what follows. */
  private receivedChars = 0;
  /** What the terminal's connections to its service carry (its Wire view), for the terminal open now. */
  readonly trace = new TraceStore();

  constructor(
    readonly service: ServiceName,
    private readonly connection: Connection,
    private readonly options: {
      catalog: ServiceCatalog;
      storage: HistoryStorage | null;
      /** The tab's sessionStorage: the half-typed line lives there across a reload. */
      lineStore?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
      layer: HTMLElement;
      isShortcut: ShortcutTest;
    },
  ) {
    this.view = new LayerTerminal(options.layer, { testid: `terminal-${service}`, service });
    this.term = this.view.term;
    // So a paste reaches the line editor marked as one.
    this.term.write(BRACKETED_PASTE_ON);

    this.flow = new WriteFlowControl(
      () => this.send('pause'),
      () => this.send('resume'),
    );
    this.editor = new LineEditor(
      {
        write: (data) => this.write(data),
        submit: (line) => {
          if (!this.id || !this.connection.send({ type: 'input', id: this.id, data: `${line}\r` })) {
            this.editor.error('not sent: the connection is down');
          }
        },
        interrupt: () => this.send('signal'),
      },
      { cols: this.term.cols, history: new LineHistory(options.storage, `playground.history.${service}`) },
    );

    const data = this.term.onData((d) => this.onData(d));
    const resize = this.term.onResize(({ cols }) => {
      this.editor.resize(cols);
      this.sendResize();
    });
    this.term.attachCustomKeyEventHandler((event) => this.onKey(event, options.isShortcut));
    this.restoreTypedLine();
    this.disposers.push(
      () => data.dispose(),
      () => resize.dispose(),
      connection.onOpen((reconnected, reattached) => this.onSocketOpen(reconnected, reattached)),
      connection.onLost(() => this.onSocketLost()),
      connection.onService((service, status) => this.onServiceStatus(service, status)),
    );
    if (connection.isOpen) this.open();
  }

  get title(): string {
    return this.options.catalog.title(this.service);
  }

  /** The server answers after the prompt (memcached): typing a script waits for replies, not prompts. */
  get promptsBeforeReply(): boolean {
    return this.options.catalog.info(this.service)?.promptsBeforeReply ?? false;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SessionSnapshot => this.snap;

  /** Called when the terminal takes the keyboard (a click into it, Tab from elsewhere). */
  onFocused(listener: () => void): () => void {
    return this.view.onFocused(listener);
  }

  private update(change: Partial<SessionSnapshot>): void {
    this.snap = { ...this.snap, ...change };
    for (const l of this.listeners) l();
  }

  /** Shows the terminal over a pane's body (a rectangle in the layer's coordinates). */
  show(rect: PaneRect): void {
    this.view.show(rect);
  }

  /** Takes the terminal off screen; it keeps its size, content and scroll position. */
  hide(): void {
    this.view.hide();
  }

  focus(): void {
    this.view.focus();
  }

  /** The terminal waits for a line (a lesson block's next line may go). */
  isReady(): boolean {
    return this.snap.state === 'open' && this.editor.state.ready;
  }

  /** Types a line at the prompt and presses Enter for the learner: echoed and kept in history. */
  enterLine(line: string): void {
    this.editor.enterLine(line);
  }

  /** Called after each prompt the service sends. */
  onPrompt(listener: () => void): () => void {
    this.promptListeners.add(listener);
    return () => this.promptListeners.delete(listener);
  }

  /** Called after each piece of output the service sends. */
  onOutput(listener: () => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /** Starts (or restarts) the terminal on the server. */
  open(): void {
    this.unroute?.();
    this.unroute = null;
    this.id = null;
    if (!this.connection.isOpen) {
      this.update({ state: 'connecting' });
      return;
    }
    const id = this.connection.newId(this.service);
    this.id = id;
    this.unroute = this.connection.route(id, this);
    this.receivedChars = 0;
    this.flow.reset();
    this.trace.reset(id, true);
    this.connection.send({ type: 'open', id, kind: 'terminal', service: this.service, trace: true });
    this.sendResize();
    this.update({ state: 'opening' });
  }

  dispose(): void {
    if (this.id) this.connection.send({ type: 'close', id: this.id });
    this.unroute?.();
    for (const d of this.disposers) d();
    this.view.dispose();
  }

  received(): number {
    return this.receivedChars;
  }

  /** Takes up the terminal `id` the server kept (after a reload or a dropped connection); its screen follows. */
  private adopt(id: string, position: number): void {
    if (id !== this.id) {
      this.unroute?.();
      this.id = id;
      this.unroute = this.connection.route(id, this);
    }
    // The page opens every terminal traced; the events it missed are replayed (the same id keeps them).
    this.trace.reset(id, true, true);
    this.receivedChars = position;
    this.flow.reset();
    this.sendResize();
    this.update({ state: 'opening' });
  }

  receive(message: TerminalMessage): void {
    switch (message.type) {
      case 'opened':
        this.editor.setCommands(message.commands, message.caseInsensitive);
        this.update({ state: 'open', address: message.address });
        if (this.greetedAt === null) {
          this.editor.notice(
            `${DIM}${this.title} at ${message.address} — Tab completes, ↑ recalls, Ctrl-R searches, Ctrl-C interrupts${RESET}`,
          );
        } else if (message.address !== this.greetedAt) {
          // Moved to another instance of the class, or the server came back on another port.
          this.editor.notice(`${DIM}${this.title} is now at ${message.address}${RESET}`);
        }
        this.greetedAt = message.address;
        this.opened = true;
        return;
      case 'output':
        if (!message.replay) this.receivedChars += message.data.length;
        this.editor.output(message.data);
        for (const l of [...this.outputListeners]) l();
        return;
      case 'prompt':
        this.editor.prompt(message.prompt);
        for (const l of [...this.promptListeners]) l();
        return;
      case 'input-wait':
      case 'queued':
        return; // runs only
      case 'exit':
        this.unroute?.();
        this.unroute = null;
        this.id = null;
        this.editor.dropQueue();
        this.editor.notice(
          `${DIM}[${this.title} session ended${message.code ? ` (code ${message.code})` : ''} — press Enter to reconnect]${RESET}`,
        );
        this.update({ state: 'ended' });
        return;
      case 'error':
        this.editor.error(message.message);
        return;
      case 'started':
        return; // snippet runs only; a terminal never gets one
      case 'state':
        return; // Inspect views only
      case 'summary':
        return; // snippet runs only
      case 'trace':
        this.trace.receive(message);
        return;
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private onData(data: string): void {
    if (this.snap.state === 'ended') {
      if (data.includes('\r')) this.open();
      return;
    }
    this.editor.input(data);
    this.keepTypedLine();
  }

  /** The line being typed, kept at every keystroke: a reload can come at any moment. */
  private keepTypedLine(): void {
    const store = this.options.lineStore;
    if (!store) return;
    const { buffer, cursor } = this.editor.state;
    try {
      if (buffer) store.setItem(typedLineKey(this.service), JSON.stringify({ buffer, cursor }));
      else store.removeItem(typedLineKey(this.service));
    } catch {
      // Storage full or disabled: the line lives as long as the page.
    }
  }

  private restoreTypedLine(): void {
    try {
      const kept = JSON.parse(this.options.lineStore?.getItem(typedLineKey(this.service)) ?? 'null') as {
        buffer?: unknown;
        cursor?: unknown;
      } | null;
      if (kept && typeof kept.buffer === 'string' && kept.buffer) {
        this.editor.setLine(kept.buffer, typeof kept.cursor === 'number' ? kept.cursor : kept.buffer.length);
      }
    } catch {
      // Nothing usable kept: an empty line.
    }
  }

  private onKey(event: KeyboardEvent, isShortcut: ShortcutTest): boolean {
    if (event.type !== 'keydown') return true;
    if (isShortcut(event) || this.tabEscape.leaves(event)) return false;
    // Copy and paste go to the browser; pasted text reaches onData (bracketed) and the line editor.
    return !handleClipboardKey(event, this.term);
  }

  private onSocketOpen(reconnected: boolean, reattached: Reattached): void {
    if (reconnected && this.opened) this.editor.notice(`${DIM}[reconnected]${RESET}`);
    // The newest terminal of this service the server kept is this one; any other the connection closes.
    const kept = reattached.terminals.filter((t) => t.service === this.service).at(-1);
    if (kept) this.adopt(kept.id, kept.position);
    else this.open();
  }

  private onSocketLost(): void {
    // The route stays: the server keeps the terminal, and the next socket re-attaches to it by id.
    this.editor.suspend();
    if (this.opened) this.editor.notice(`${DIM}[connection lost — reconnecting…]${RESET}`);
    this.update({ state: 'connecting' });
  }

  /** A service that comes back brings back its ended terminal. */
  private onServiceStatus(service: ServiceName, status: ServiceStatus): void {
    if (service === this.service && status.ok && this.snap.state === 'ended') this.open();
  }

  private write(data: string): void {
    const bytes = utf8Length(data);
    this.flow.queued(bytes);
    this.term.write(data, () => this.flow.written(bytes));
  }

  private send(type: 'pause' | 'resume' | 'signal'): void {
    if (!this.id) return;
    if (type === 'signal') this.connection.send({ type, id: this.id, signal: 'SIGINT' });
    else this.connection.send({ type, id: this.id });
  }

  private sendResize(): void {
    if (this.id) this.connection.send({ type: 'resize', id: this.id, cols: this.term.cols, rows: this.term.rows });
  }
}
