// One service's terminal in the page: an xterm.js instance, its line editor, and its life on the
// connection (open, prompt, output, exit, re-open after a reconnect). The xterm instance lives as
// long as the page, so switching tabs or layouts keeps the scrollback. Its element never moves in
// the DOM (xterm 6 loses its scroll position when it does): it sits in one layer over the terminal
// area and is placed over whichever pane shows it, or hidden.
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import type { ServiceStatus } from '../../../shared/protocol.ts';
import { SERVICE_TITLES, type ServiceName } from '../../../shared/services.ts';
import type { Connection, TerminalChannel, TerminalMessage } from '../connection.ts';
import { utf8Length } from '../../../shared/char-width.ts';
import { WriteFlowControl } from './flow-control.ts';
import { LineHistory, type HistoryStorage } from './history.ts';
import { LineEditor } from './line-editor.ts';
import { TERMINAL_FONT_FAMILY, TERMINAL_THEME } from './theme.ts';

export type SessionState = 'connecting' | 'opening' | 'open' | 'ended';

export interface SessionSnapshot {
  state: SessionState;
  address: string | null;
}

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/** Lines kept above the screen; enough for a long lesson, bounded for memory (×4 terminals). */
const SCROLLBACK_LINES = 5000;

/** Turns on bracketed paste in xterm, so a paste reaches the line editor marked as one. */
const BRACKETED_PASTE_ON = '\x1b[?2004h';

let nextTerminalNumber = 1;

/** Keys the page handles itself (layout shortcuts); the terminal must not see them. */
export type ShortcutTest = (event: KeyboardEvent) => boolean;

export class TerminalSession implements TerminalChannel {
  readonly element: HTMLDivElement;
  private readonly term: Terminal;
  private readonly fitAddon = new FitAddon();
  private readonly editor: LineEditor;
  private readonly flow: WriteFlowControl;
  private id: string | null = null;
  private unroute: (() => void) | null = null;
  private snap: SessionSnapshot = { state: 'connecting', address: null };
  private readonly listeners = new Set<() => void>();
  private readonly focusListeners = new Set<() => void>();
  private readonly disposers: Array<() => void> = [];
  private greeted = false;
  private opened = false;

  constructor(
    readonly service: ServiceName,
    private readonly connection: Connection,
    options: { storage: HistoryStorage | null; layer: HTMLElement; isShortcut: ShortcutTest },
  ) {
    this.element = document.createElement('div');
    this.element.className = 'terminal-host';
    this.element.dataset.testid = `terminal-${service}`;
    this.element.dataset.service = service;
    this.hide();
    options.layer.appendChild(this.element);

    this.term = new Terminal({
      theme: TERMINAL_THEME,
      fontFamily: TERMINAL_FONT_FAMILY,
      fontSize: 13,
      lineHeight: 1.15,
      cursorBlink: true,
      scrollback: SCROLLBACK_LINES,
      macOptionIsMeta: true,
    });
    this.term.loadAddon(this.fitAddon);
    this.term.loadAddon(new WebLinksAddon());
    this.term.open(this.element);
    this.term.write(BRACKETED_PASTE_ON);
    const textarea = this.term.textarea;
    const onFocus = () => {
      for (const l of this.focusListeners) l();
    };
    textarea?.addEventListener('focus', onFocus);

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
    this.disposers.push(
      () => textarea?.removeEventListener('focus', onFocus),
      () => data.dispose(),
      () => resize.dispose(),
      connection.onOpen((reconnected) => this.onSocketOpen(reconnected)),
      connection.onLost(() => this.onSocketLost()),
      connection.onService((service, status) => this.onServiceStatus(service, status)),
    );
    if (connection.isOpen) this.open();
  }

  get title(): string {
    return SERVICE_TITLES[this.service];
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SessionSnapshot => this.snap;

  /** Called when the terminal takes the keyboard (a click into it, Tab from elsewhere). */
  onFocused(listener: () => void): () => void {
    this.focusListeners.add(listener);
    return () => this.focusListeners.delete(listener);
  }

  private update(change: Partial<SessionSnapshot>): void {
    this.snap = { ...this.snap, ...change };
    for (const l of this.listeners) l();
  }

  /** Shows the terminal over a pane's body (a rectangle in the layer's coordinates). */
  show(rect: { left: number; top: number; width: number; height: number }): void {
    const style = this.element.style;
    style.left = `${rect.left}px`;
    style.top = `${rect.top}px`;
    style.width = `${rect.width}px`;
    style.height = `${rect.height}px`;
    delete this.element.dataset.hidden;
    this.fit();
  }

  /** Takes the terminal off screen; it keeps its size, content and scroll position. */
  hide(): void {
    this.element.dataset.hidden = '';
  }

  focus(): void {
    this.term.focus();
  }

  /** Fits the terminal to its pane, after the writes already queued (their wrapping assumed the old width). */
  fit(): void {
    this.term.write('', () => {
      if ('hidden' in this.element.dataset || this.element.clientWidth === 0) return;
      const size = this.fitAddon.proposeDimensions();
      if (!size || !Number.isFinite(size.cols) || !Number.isFinite(size.rows)) return;
      if (size.cols !== this.term.cols || size.rows !== this.term.rows) this.term.resize(size.cols, size.rows);
    });
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
    const id = `${this.service}-${nextTerminalNumber++}`;
    this.id = id;
    this.unroute = this.connection.route(id, this);
    this.flow.reset();
    this.connection.send({ type: 'open', id, kind: 'terminal', service: this.service });
    this.sendResize();
    this.update({ state: 'opening' });
  }

  dispose(): void {
    if (this.id) this.connection.send({ type: 'close', id: this.id });
    this.unroute?.();
    for (const d of this.disposers) d();
    this.term.dispose();
    this.element.remove();
  }

  receive(message: TerminalMessage): void {
    switch (message.type) {
      case 'opened':
        this.editor.setCommands(message.commands, message.caseInsensitive);
        this.update({ state: 'open', address: message.address });
        if (!this.greeted) {
          this.greeted = true;
          this.editor.notice(
            `${DIM}${this.title} at ${message.address} — Tab completes, ↑ recalls, Ctrl-R searches, Ctrl-C interrupts${RESET}`,
          );
        }
        this.opened = true;
        return;
      case 'output':
        this.editor.output(message.data);
        return;
      case 'prompt':
        this.editor.prompt(message.prompt);
        return;
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
  }

  private onKey(event: KeyboardEvent, isShortcut: ShortcutTest): boolean {
    if (event.type !== 'keydown') return true;
    if (isShortcut(event)) return false;
    const key = event.key.toLowerCase();
    if (event.ctrlKey && !event.altKey && key === 'c' && (event.shiftKey || this.term.hasSelection())) {
      // Ctrl-Shift-C always copies (it would open the browser's inspector); plain Ctrl-C copies
      // only when something is selected, and otherwise interrupts, as in any terminal.
      event.preventDefault();
      if (this.term.hasSelection()) {
        void copyText(this.term.getSelection());
        if (!event.shiftKey) this.term.clearSelection();
      }
      return false;
    }
    if ((event.ctrlKey || event.metaKey) && !event.altKey && key === 'v') {
      // Let the browser paste: xterm reads the paste event and hands the text (bracketed) to
      // onData, so it goes through the line editor like typing.
      return false;
    }
    return true;
  }

  private onSocketOpen(reconnected: boolean): void {
    if (reconnected && this.opened) this.editor.notice(`${DIM}[reconnected]${RESET}`);
    this.open();
  }

  private onSocketLost(): void {
    this.unroute?.();
    this.unroute = null;
    this.id = null;
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

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No async clipboard (plain http on another host, or permission denied): the copy command
    // fires a copy event, which xterm answers with its selection.
    document.execCommand('copy');
  }
}
