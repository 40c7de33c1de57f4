// An xterm.js terminal that lives as long as its owner, in the terminal layer over the terminal
// area, placed over whichever pane shows it (or hidden). Its element never moves in the DOM:
// xterm 6 loses its scroll position when it does. Service terminals and run panes both use it.
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import { currentTheme, onThemeChange } from '../theme.ts';
import { terminalTheme } from './terminal-themes.ts';
import { TERMINAL_FONT_FAMILY } from './theme.ts';

/** Lines kept above the screen; enough for a long lesson, bounded for memory (one per terminal and run pane). */
export const SCROLLBACK_LINES = 5000;

export interface PaneRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** What a pane of the terminal area needs of whatever it shows. */
export interface Placeable {
  show(rect: PaneRect): void;
  hide(): void;
  focus(): void;
  onFocused(listener: () => void): () => void;
}

export class LayerTerminal implements Placeable {
  readonly element: HTMLDivElement;
  readonly term: Terminal;
  private readonly fitAddon = new FitAddon();
  private readonly focusListeners = new Set<() => void>();
  private readonly removeFocusListener: () => void;
  /** The page's theme changes (the toggle, or the system's): the terminal's colours follow. */
  private readonly removeThemeListener: () => void;
  private disposed = false;

  /** `data` becomes the element's data attributes (test ids, the service or file shown). */
  constructor(layer: HTMLElement, data: Record<string, string>) {
    this.element = document.createElement('div');
    this.element.className = 'terminal-host';
    Object.assign(this.element.dataset, data);
    this.hide();
    layer.appendChild(this.element);
    this.term = new Terminal({
      theme: terminalTheme(currentTheme()),
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
    const textarea = this.term.textarea;
    const onFocus = () => {
      for (const l of this.focusListeners) l();
    };
    textarea?.addEventListener('focus', onFocus);
    this.removeFocusListener = () => textarea?.removeEventListener('focus', onFocus);
    this.removeThemeListener = onThemeChange(() => {
      this.term.options.theme = terminalTheme(currentTheme());
    });
  }

  /** Called when the terminal takes the keyboard (a click into it, Tab from elsewhere). */
  onFocused(listener: () => void): () => void {
    this.focusListeners.add(listener);
    return () => this.focusListeners.delete(listener);
  }

  /** Shows the terminal over a pane's body (a rectangle in the layer's coordinates). */
  show(rect: PaneRect): void {
    if (this.disposed) return;
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
    if (!this.disposed) this.term.focus();
  }

  /** Fits the terminal to its pane, after the writes already queued (their wrapping assumed the old width). */
  fit(): void {
    if (this.disposed) return;
    this.term.write('', () => {
      if (this.disposed || 'hidden' in this.element.dataset || this.element.clientWidth === 0) return;
      const size = this.fitAddon.proposeDimensions();
      if (!size || !Number.isFinite(size.cols) || !Number.isFinite(size.rows)) return;
      if (size.cols !== this.term.cols || size.rows !== this.term.rows) this.term.resize(size.cols, size.rows);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.removeFocusListener();
    this.removeThemeListener();
    this.focusListeners.clear();
    this.term.dispose();
    this.element.remove();
  }
}
