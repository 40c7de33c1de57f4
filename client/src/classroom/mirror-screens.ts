// Read-only xterm.js screens for a MirrorEvent stream: one per channel, stacked in one element that
// a panel or drawer adopts. Terminals open only once that element is in the page (xterm measures
// its font when it opens); writes before that wait in the terminal's buffer.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import type { MirrorEvent } from '../../../shared/classroom-api.ts';
import { currentTheme, onThemeChange } from '../theme.ts';
import { terminalTheme } from '../terminal/terminal-themes.ts';
import { TERMINAL_FONT_FAMILY } from '../terminal/theme.ts';
import {
  EMPTY_MIRROR,
  applyMirrorEvent,
  followChannels,
  selectChannel,
  type MirrorChannelsState,
} from './mirror-channels.ts';

/** Lines kept per mirrored screen: enough to scroll back over a demo, far less than a learner's own. */
export const MIRROR_SCROLLBACK_LINES = 2000;

interface Screen {
  host: HTMLDivElement;
  term: Terminal;
  fit: FitAddon;
  opened: boolean;
}

/** What a watcher does with the stream; the learner's broadcast store holds one while a broadcast runs. */
export interface MirrorSink {
  apply(event: MirrorEvent): void;
  dispose(): void;
}

export class MirrorScreens implements MirrorSink {
  readonly element: HTMLDivElement;
  private readonly screens = new Map<string, Screen>();
  private snap: MirrorChannelsState = EMPTY_MIRROR;
  private readonly listeners = new Set<() => void>();
  private disposed = false;
  /** The screens take the page's theme, as the learner's own terminals do. */
  private readonly stopTheme: () => void;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'mirror-screens';
    this.stopTheme = onThemeChange(() => {
      for (const screen of this.screens.values()) screen.term.options.theme = terminalTheme(currentTheme());
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): MirrorChannelsState => this.snap;

  apply(event: MirrorEvent): void {
    if (this.disposed) return;
    const { state, dropped } = applyMirrorEvent(this.snap, event);
    for (const channel of dropped) this.drop(channel);
    if (event.kind !== 'close') {
      let screen = this.screens.get(event.channel);
      if (!screen) screen = this.create(event.channel);
      else if (event.kind === 'open') screen.term.reset(); // a late watcher's scrollback replaces, not repeats
      const data = event.kind === 'open' ? event.scrollback : event.data;
      if (data) screen.term.write(data);
    }
    this.setState(state);
  }

  select(channel: string): void {
    this.setState(selectChannel(this.snap, channel));
  }

  follow(): void {
    this.setState(followChannels(this.snap));
  }

  /** Puts the screens into `container` (a panel's body); terminals not opened yet open now. */
  adopt(container: HTMLElement): void {
    if (this.disposed) return;
    container.appendChild(this.element);
    for (const screen of this.screens.values()) this.openIfPlaced(screen);
    this.fit();
  }

  release(): void {
    this.element.remove();
  }

  /** Fits the shown screen to the container (after a resize, a tab switch). */
  fit(): void {
    const screen = this.snap.active ? this.screens.get(this.snap.active) : undefined;
    if (!screen?.opened || this.element.clientWidth === 0) return;
    // After the writes already queued: their wrapping assumed the old width.
    screen.term.write('', () => {
      if (this.disposed) return;
      const size = screen.fit.proposeDimensions();
      if (!size || !Number.isFinite(size.cols) || !Number.isFinite(size.rows)) return;
      if (size.cols !== screen.term.cols || size.rows !== screen.term.rows) screen.term.resize(size.cols, size.rows);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopTheme();
    for (const channel of [...this.screens.keys()]) this.drop(channel);
    this.element.remove();
    this.listeners.clear();
  }

  private create(channel: string): Screen {
    const host = document.createElement('div');
    host.className = 'mirror-screen';
    host.dataset.channel = channel;
    host.dataset.hidden = '';
    this.element.appendChild(host);
    const term = new Terminal({
      theme: terminalTheme(currentTheme()),
      fontFamily: TERMINAL_FONT_FAMILY,
      fontSize: 12.5,
      lineHeight: 1.15,
      scrollback: MIRROR_SCROLLBACK_LINES,
      disableStdin: true,
      cursorBlink: false,
      cursorInactiveStyle: 'none',
      // Runs print bare \n; a terminal's own output already has \r\n, which this leaves alone.
      convertEol: true,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    const screen: Screen = { host, term, fit, opened: false };
    this.screens.set(channel, screen);
    this.openIfPlaced(screen);
    return screen;
  }

  private openIfPlaced(screen: Screen): void {
    if (screen.opened || !this.element.isConnected) return;
    screen.term.open(screen.host);
    screen.opened = true;
  }

  private drop(channel: string): void {
    const screen = this.screens.get(channel);
    if (!screen) return;
    this.screens.delete(channel);
    screen.term.dispose();
    screen.host.remove();
  }

  private setState(state: MirrorChannelsState): void {
    if (state === this.snap) return;
    const shownBefore = this.snap.active;
    this.snap = state;
    for (const [channel, screen] of this.screens) {
      if (channel === state.active) delete screen.host.dataset.hidden;
      else screen.host.dataset.hidden = '';
    }
    if (state.active !== shownBefore) this.fit();
    for (const l of this.listeners) l();
  }
}
