// The local line editor: typing, editing, history and completion happen in the browser, so they
// never wait for the network; only whole lines go to the server. It is pure logic: keystrokes in
// (xterm's onData), terminal text out (for xterm.write) plus submit/interrupt actions.
//
// Screen model. Everything the editor draws — queued type-ahead, the prompt, the line being
// edited and its dim syntax hint — is the "edit region". It sits right after the output, which
// may end mid-line. The editor keeps the region's text and the cursor position relative to the
// region's first row, computed from character widths and the terminal's column count, so it can
// always go back to the start of the region, erase it (CSI J) and draw it again. Output that
// arrives while the region is drawn is written in its place and the region is drawn again below
// it, as readline does.
import { MAX_LINE_BYTES, MAX_PENDING_INPUT_BYTES } from '../../../shared/limits.ts';
import type { CommandInfo } from '../../../shared/protocol.ts';
import { charWidth, stringWidth, utf8Length } from '../../../shared/char-width.ts';
import { CommandCatalog } from './command-catalog.ts';
import { LineHistory } from './history.ts';
import { parseKeys, type EditKey } from './key-parser.ts';

/** Type-ahead lines shown dimmed below the output while they wait their turn; more are counted. */
export const QUEUED_LINES_SHOWN = 3;

/** Completions listed by a second Tab; the rest are counted (a screenful is as much as anyone reads). */
export const COMPLETIONS_LISTED = 100;

/** A hint squeezed into fewer cells than this says nothing useful, so it is left out. */
const MIN_HINT_CELLS = 4;

/** SGR runs of output remembered to restore after the region is erased; a long styled stream needs no more. */
const MAX_OUTPUT_SGR = 16;

const CSI = '\x1b[';
const DIM = '\x1b[2m';
const UNDIM = '\x1b[22m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';
/**
 * After the last column is filled the terminal waits to wrap. A space makes the wrap happen (the
 * rows stay one logical line, so reflow and copy keep working), backspace steps back onto it and
 * ECH blanks it again. (Not EL: at column 0 xterm.js takes EL to start a new logical line.)
 */
const FORCE_WRAP = ' \b\x1b[X';

export interface LineEditorSink {
  /** Text for the terminal (xterm.write). */
  write(data: string): void;
  /** A finished line, to send to the server (without its line ending). */
  submit(line: string): void;
  /** Ctrl-C: ask the server to stop what is running. */
  interrupt(): void;
}

export interface LineEditorOptions {
  cols?: number;
  history?: LineHistory;
  maxLineBytes?: number;
  maxPendingBytes?: number;
}

interface Pos {
  row: number;
  /** 0..cols; cols means the terminal's "wrap pending" state after filling a row. */
  col: number;
}

interface Composed {
  text: string;
  /** Where the cursor goes. */
  cursor: Pos;
  end: Pos;
  /** The text ends exactly at the right margin: the terminal waits to wrap. */
  pendingEnd: boolean;
}

interface SearchState {
  query: string;
  /** History index of the current match; entries.length while nothing matched yet. */
  index: number;
  matchAt: number;
  failed: boolean;
  original: { buffer: string; cursor: number };
}

/**
 * Moves `pos` over `text` the way xterm.js would print it: wide characters wrap early, escape
 * sequences take no room, CR returns, LF goes down.
 */
function advance(pos: Pos, text: string, cols: number): Pos {
  let { row, col } = pos;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x1b) {
      i = skipEscape(text, i);
      continue;
    }
    if (code === 0x0d) col = 0;
    else if (code === 0x0a) row++;
    else if (code === 0x08) col = Math.max(0, Math.min(col, cols - 1) - 1);
    else if (code === 0x09) col = Math.min(cols - 1, (Math.floor(col / 8) + 1) * 8);
    else if (code >= 0x20) {
      let cp = code;
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        cp = text.codePointAt(i)!;
        if (cp > 0xffff) i++;
      }
      const w = charWidth(cp);
      if (w === 0) continue;
      if (col + w > cols) {
        row++;
        col = 0;
      }
      col += w;
    }
  }
  return { row, col };
}

/** Index of the last character of the escape sequence starting at `i`. */
function skipEscape(text: string, i: number): number {
  const next = text[i + 1];
  if (next === '[') {
    let j = i + 2;
    while (j < text.length && !(text.charCodeAt(j) >= 0x40 && text.charCodeAt(j) <= 0x7e)) j++;
    return j;
  }
  if (next === ']') {
    // OSC, ended by BEL or ST (ESC \).
    let j = i + 2;
    while (j < text.length && text[j] !== '\x07' && !(text[j] === '\x1b' && text[j + 1] === '\\')) j++;
    return text[j] === '\x1b' ? j + 1 : j;
  }
  return i + 1;
}

/** The position where the next character would appear (a pending wrap means the next row). */
function normalize(pos: Pos, cols: number): Pos {
  return pos.col >= cols ? { row: pos.row + 1, col: 0 } : pos;
}

/** Relative cursor movement; never scrolls. */
function moveCursor(from: Pos, to: Pos): string {
  let s = '';
  if (from.row > to.row) s += `${CSI}${from.row - to.row}A`;
  else if (to.row > from.row) s += `${CSI}${to.row - from.row}B`;
  if (from.col !== to.col) s += `${CSI}${to.col + 1}G`;
  return s;
}

/** Cuts plain text to at most `cells` cells, marking the cut with an ellipsis. */
function fitCells(text: string, cells: number): string {
  if (cells <= 0) return '';
  if (stringWidth(text) <= cells) return text;
  let out = '';
  let width = 0;
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0)!);
    if (width + w > cells - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

function isWordChar(ch: string): boolean {
  return /[\p{L}\p{N}_]/u.test(ch);
}

export class LineEditor {
  private cols: number;
  private readonly history: LineHistory;
  private readonly maxLineBytes: number;
  private readonly maxPendingBytes: number;
  private catalog = new CommandCatalog();

  private buffer = '';
  /** UTF-16 index into buffer, always on a character boundary. */
  private cursor = 0;
  /** The server prompted and waits for a line. */
  private ready = false;
  private promptText = '';
  /** Lines entered before the server was ready for them (type-ahead, pasted lines). */
  private queued: string[] = [];
  private queuedBytes = 0;
  private historyIndex: number | null = null;
  private draft = '';
  private killed = '';
  private lastKeyWasTab = false;
  private search: SearchState | null = null;

  /** Column where output left the cursor (cols: wrap pending). The region starts here. */
  private outCol = 0;
  /** Cells of the output's last line, to find outCol again after a resize reflows it. */
  private outLineWidth = 0;
  /** SGR sequences output left switched on. */
  private outSgr: string[] = [];
  /** Region text on screen; '' when nothing is drawn and the cursor is where output left it. */
  private drawn = '';
  /** The terminal's cursor, relative to the region's first row. */
  private pos: Pos = { row: 0, col: 0 };
  private atDrawnEnd = true;

  private pendingWrite = '';
  private depth = 0;

  constructor(
    private readonly sink: LineEditorSink,
    options: LineEditorOptions = {},
  ) {
    this.cols = Math.max(1, options.cols ?? 80);
    this.history = options.history ?? new LineHistory();
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.maxPendingBytes = options.maxPendingBytes ?? MAX_PENDING_INPUT_BYTES;
  }

  /** For tests and the UI: what the learner is editing. */
  get state(): { buffer: string; cursor: number; ready: boolean; prompt: string; queued: readonly string[] } {
    return {
      buffer: this.buffer,
      cursor: this.cursor,
      ready: this.ready,
      prompt: this.promptText,
      queued: this.queued,
    };
  }

  setCommands(commands: readonly CommandInfo[], caseInsensitive: boolean): void {
    this.catalog = new CommandCatalog(commands, caseInsensitive);
    this.batch(() => this.render());
  }

  /** Keystrokes or a paste, as xterm's onData reports them. */
  input(data: string): void {
    this.batch(() => {
      for (const token of parseKeys(data)) {
        const wasTab = token.kind === 'key' && token.key === 'tab';
        if (token.kind === 'text') this.typeText(token.text);
        else if (token.kind === 'paste') this.paste(token.text);
        else this.key(token.key);
        this.lastKeyWasTab = wasTab;
      }
    });
  }

  /** Text from the clipboard, when it does not come through xterm (a paste button, the context menu). */
  pasteText(text: string): void {
    this.batch(() => this.paste(text));
  }

  /** Output of the service; may arrive at any time, also while the learner types. */
  output(data: string): void {
    if (!data) return;
    this.batch(() => {
      const wasDrawn = this.drawn !== '';
      this.erase();
      if (wasDrawn && this.outSgr.length) this.emit(this.outSgr.join(''));
      this.emit(data);
      this.trackOutput(data);
      this.render();
    });
  }

  /** A line of our own (notices, errors) between the output and the region. */
  notice(text: string): void {
    this.output(`${this.outCol !== 0 ? '\r\n' : ''}${text}${RESET}\r\n`);
  }

  error(text: string): void {
    this.notice(`${RED}${text}`);
  }

  /** The server waits for the next line. A queued line takes its turn, as type-ahead does in a shell. */
  prompt(text: string): void {
    this.batch(() => {
      const line = this.queued.shift();
      if (line === undefined) {
        this.ready = true;
        this.promptText = text;
        this.render();
        return;
      }
      this.queuedBytes -= utf8Length(line) + 1;
      this.ready = false;
      this.output(`${text}${line}\r\n`);
      this.sink.submit(line);
    });
  }

  /**
   * A line typed for the learner (a lesson's Run button): it goes through Enter as if typed, so it
   * is echoed after the prompt and kept in history. What the learner had typed stays in the buffer.
   */
  enterLine(line: string): void {
    this.batch(() => {
      const kept = { buffer: this.buffer, cursor: this.cursor };
      this.search = null;
      this.buffer = line;
      this.cursor = line.length;
      this.enter();
      this.buffer = kept.buffer;
      this.cursor = kept.cursor;
      this.render();
    });
  }

  /** The server will not take lines for now (connection lost): keep what is typed and queued. */
  suspend(): void {
    this.batch(() => {
      this.ready = false;
      this.render();
    });
  }

  /** The session ended: queued lines have nowhere to go. */
  dropQueue(): void {
    this.batch(() => {
      this.queued = [];
      this.queuedBytes = 0;
      this.ready = false;
      this.render();
    });
  }

  /**
   * The terminal changed width (call right after xterm's resize). xterm reflows wrapped lines to
   * the new width except the one holding the cursor (its `reflowCursorLine` option is off, as
   * shells redraw that line themselves): so the rows of the line being edited stay where they
   * are, and only type-ahead lines above it (separate lines) may take more or fewer rows now.
   */
  resize(cols: number): void {
    if (cols === this.cols || cols < 1) return;
    this.batch(() => {
      const oldCols = this.cols;
      const oldStart = this.startCol();
      this.cols = cols;
      const lines = this.drawn.split('\r\n');
      if (lines.length === 1) {
        // Pending wrap stays pending (the region starts on the next row); otherwise xterm has
        // clamped the cursor into the narrower row.
        this.outCol = this.outCol >= oldCols ? cols : Math.min(this.outCol, cols - 1);
      } else {
        const rest = this.outLineWidth % cols;
        this.outCol = this.outLineWidth > 0 && rest === 0 ? cols : rest;
        const rowsAbove = (width: number, startCol: number) => {
          let p: Pos = { row: 0, col: startCol };
          for (const line of lines.slice(0, -1)) p = { row: advance(p, line, width).row + 1, col: 0 };
          return p.row;
        };
        this.pos = {
          row: this.pos.row - rowsAbove(oldCols, oldStart) + rowsAbove(cols, this.startCol()),
          col: this.pos.col,
        };
      }
      this.pos = { row: this.pos.row, col: Math.min(this.pos.col, cols - 1) };
      if (this.drawn) this.atDrawnEnd = false;
      this.render();
    });
  }

  // ---- keys ------------------------------------------------------------------------------

  private key(key: EditKey): void {
    if (this.search) {
      if (this.searchKey(key)) return;
    }
    switch (key) {
      case 'enter':
        return this.enter();
      case 'tab':
        return this.complete();
      case 'backspace':
        if (this.cursor > 0) this.deleteRange(this.prevIndex(this.cursor), this.cursor);
        return;
      case 'delete':
        if (this.cursor < this.buffer.length) this.deleteRange(this.cursor, this.nextIndex(this.cursor));
        return;
      case 'eof':
        // Ctrl-D deletes forward; on an empty line it would end a shell, and here it does nothing.
        if (this.cursor < this.buffer.length) this.deleteRange(this.cursor, this.nextIndex(this.cursor));
        return;
      case 'left':
        return this.moveTo(this.prevIndex(this.cursor));
      case 'right':
        return this.moveTo(this.nextIndex(this.cursor));
      case 'home':
        return this.moveTo(0);
      case 'end':
        return this.moveTo(this.buffer.length);
      case 'word-left':
        return this.moveTo(this.wordStartBefore(this.cursor));
      case 'word-right':
        return this.moveTo(this.wordEndAfter(this.cursor));
      case 'kill-word-left':
        return this.kill(this.wordStartBefore(this.cursor), this.cursor);
      case 'kill-word-right':
        return this.kill(this.cursor, this.wordEndAfter(this.cursor));
      case 'rubout-word': {
        let i = this.cursor;
        while (i > 0 && /\s/.test(this.buffer[i - 1])) i--;
        while (i > 0 && !/\s/.test(this.buffer[i - 1])) i--;
        return this.kill(i, this.cursor);
      }
      case 'kill-to-end':
        return this.kill(this.cursor, this.buffer.length);
      case 'kill-to-start':
        return this.kill(0, this.cursor);
      case 'yank':
        if (this.killed) this.insert(this.killed);
        return;
      case 'transpose':
        return this.transpose();
      case 'up':
        return this.historyUp();
      case 'down':
        return this.historyDown();
      case 'interrupt':
        return this.interrupt();
      case 'clear-screen':
        return this.clearScreen();
      case 'reverse-search':
        return this.startSearch();
      case 'cancel':
      case 'escape':
        return;
      default: {
        const unreachable: never = key;
        throw new Error(`unhandled key ${String(unreachable)}`);
      }
    }
  }

  private typeText(text: string): void {
    if (this.search) {
      this.search.query += text;
      this.findMatch(
        this.search.index < this.history.entries.length ? this.search.index : this.history.entries.length - 1,
      );
      this.render();
      return;
    }
    this.insert(text);
  }

  private paste(raw: string): void {
    if (this.search) this.acceptSearch();
    // Tabs become spaces: a pasted tab is whitespace, not a request to complete.
    const text = raw.replace(/\r\n?/g, '\n').replace(/\t/g, ' ');
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      const clean = line.replace(/[\x00-\x1f\x7f-\x9f]/g, '');
      const ok = this.insert(clean);
      if (i < lines.length - 1) {
        // A line refused for its length is dropped whole, line end included: sending the part
        // before it as a line of its own would be a different command.
        if (ok) this.enter();
      }
    });
  }

  /** Inserts at the cursor; refuses (with a message) what would make the line too long. */
  private insert(text: string): boolean {
    if (!text) return true;
    const bytes = utf8Length(this.buffer) + utf8Length(text);
    if (bytes > this.maxLineBytes) {
      this.error(`line too long: ${bytes} bytes, the limit is ${this.maxLineBytes}; it was not added`);
      return false;
    }
    this.buffer = this.buffer.slice(0, this.cursor) + text + this.buffer.slice(this.cursor);
    this.cursor += text.length;
    this.render();
    return true;
  }

  private deleteRange(from: number, to: number): void {
    if (from >= to) return;
    this.buffer = this.buffer.slice(0, from) + this.buffer.slice(to);
    this.cursor = from;
    this.render();
  }

  private kill(from: number, to: number): void {
    if (from >= to) return;
    this.killed = this.buffer.slice(from, to);
    this.deleteRange(from, to);
  }

  private moveTo(index: number): void {
    if (index === this.cursor) return;
    this.cursor = index;
    this.render();
  }

  private transpose(): void {
    const chars = Array.from(this.buffer);
    let at = Array.from(this.buffer.slice(0, this.cursor)).length;
    if (chars.length < 2 || at === 0) return;
    if (at === chars.length) at--;
    [chars[at - 1], chars[at]] = [chars[at], chars[at - 1]];
    this.buffer = chars.join('');
    this.cursor = chars.slice(0, at + 1).join('').length;
    this.render();
  }

  /** One character back, skipping combining marks that belong to it. */
  private prevIndex(i: number): number {
    while (i > 0) {
      i--;
      const code = this.buffer.charCodeAt(i);
      if (code >= 0xdc00 && code <= 0xdfff && i > 0) i--;
      if (i === 0 || charWidth(this.buffer.codePointAt(i)!) !== 0) break;
    }
    return i;
  }

  private nextIndex(i: number): number {
    if (i >= this.buffer.length) return i;
    i += this.buffer.codePointAt(i)! > 0xffff ? 2 : 1;
    while (i < this.buffer.length && charWidth(this.buffer.codePointAt(i)!) === 0) {
      i += this.buffer.codePointAt(i)! > 0xffff ? 2 : 1;
    }
    return i;
  }

  private wordStartBefore(i: number): number {
    while (i > 0 && !isWordChar(this.buffer[i - 1])) i--;
    while (i > 0 && isWordChar(this.buffer[i - 1])) i--;
    return i;
  }

  private wordEndAfter(i: number): number {
    const n = this.buffer.length;
    while (i < n && !isWordChar(this.buffer[i])) i++;
    while (i < n && isWordChar(this.buffer[i])) i++;
    return i;
  }

  private setBuffer(text: string): void {
    this.buffer = text;
    this.cursor = text.length;
    this.render();
  }

  private historyUp(): void {
    const entries = this.history.entries;
    if (entries.length === 0) return;
    if (this.historyIndex === null) {
      this.draft = this.buffer;
      this.historyIndex = entries.length;
    }
    if (this.historyIndex === 0) return;
    this.historyIndex--;
    this.setBuffer(entries[this.historyIndex]);
  }

  private historyDown(): void {
    if (this.historyIndex === null) return;
    this.historyIndex++;
    if (this.historyIndex >= this.history.entries.length) {
      this.historyIndex = null;
      this.setBuffer(this.draft);
    } else {
      this.setBuffer(this.history.entries[this.historyIndex]);
    }
  }

  private enter(): void {
    const line = this.buffer;
    this.historyIndex = null;
    this.draft = '';
    if (this.ready) {
      this.commitLine('');
      this.buffer = '';
      this.cursor = 0;
      this.ready = false;
      this.history.add(line);
      this.sink.submit(line);
      this.render();
      return;
    }
    const bytes = utf8Length(line) + 1;
    if (this.queuedBytes + bytes > this.maxPendingBytes) {
      this.buffer = '';
      this.cursor = 0;
      this.error(`too much input waiting (limit ${this.maxPendingBytes} bytes); line dropped`);
      return;
    }
    this.queued.push(line);
    this.queuedBytes += bytes;
    this.history.add(line);
    this.buffer = '';
    this.cursor = 0;
    this.render();
  }

  private interrupt(): void {
    this.search = null;
    this.historyIndex = null;
    // Waiting lines are dropped before the line is left on screen: they will not run, so they
    // should not look as if they had.
    this.queued = [];
    this.queuedBytes = 0;
    this.commitLine('^C');
    this.buffer = '';
    this.cursor = 0;
    // The server answers an interrupt with a fresh prompt; until then lines are type-ahead.
    this.ready = false;
    this.sink.interrupt();
    this.render();
  }

  private clearScreen(): void {
    this.emit(`${CSI}H${CSI}2J`);
    this.drawn = '';
    this.atDrawnEnd = true;
    this.outCol = 0;
    this.outLineWidth = 0;
    this.render();
  }

  // ---- completion ------------------------------------------------------------------------

  private complete(): void {
    if (this.catalog.size === 0) return;
    const before = this.buffer.slice(0, this.cursor);
    const wordStart = before.length - before.trimStart().length;
    const prefix = before.slice(wordStart);
    // Only the command name (the first word) completes.
    if (/\s/.test(prefix)) return;
    const candidates = this.catalog.complete(prefix);
    if (candidates.length === 0) return;
    let wordEnd = this.cursor;
    while (wordEnd < this.buffer.length && !/\s/.test(this.buffer[wordEnd])) wordEnd++;
    if (candidates.length === 1) {
      const spaceFollows = this.buffer[wordEnd] === ' ';
      this.replaceWord(wordStart, wordEnd, candidates[0] + (spaceFollows ? '' : ' '));
      if (spaceFollows) this.moveTo(this.cursor + 1);
      return;
    }
    const common = this.catalog.commonPrefix(candidates);
    if (common.length > prefix.length) {
      this.replaceWord(wordStart, this.cursor, common);
      return;
    }
    if (this.lastKeyWasTab) this.listCompletions(candidates);
  }

  private replaceWord(from: number, to: number, text: string): void {
    this.buffer = this.buffer.slice(0, from) + text + this.buffer.slice(to);
    this.cursor = from + text.length;
    this.render();
  }

  /** Prints the candidates in columns under the line, then the line again (as bash does). */
  private listCompletions(candidates: readonly string[]): void {
    const shown = candidates.slice(0, COMPLETIONS_LISTED);
    const width = Math.max(...shown.map((c) => stringWidth(c))) + 2;
    const perRow = Math.max(1, Math.floor(this.cols / width));
    const rows = Math.ceil(shown.length / perRow);
    let text = '';
    for (let r = 0; r < rows; r++) {
      let line = '';
      for (let c = 0; c < perRow; c++) {
        // Column-major, like ls: read down, then across.
        const item = shown[c * rows + r];
        if (item === undefined) continue;
        line += item + ' '.repeat(Math.max(0, width - stringWidth(item)));
      }
      text += `${line.trimEnd()}\r\n`;
    }
    if (candidates.length > shown.length) text += `${DIM}… and ${candidates.length - shown.length} more${UNDIM}\r\n`;
    this.commitLine('');
    this.emit(text);
    this.render();
  }

  // ---- reverse search (Ctrl-R) -----------------------------------------------------------

  private startSearch(): void {
    const entries = this.history.entries;
    if (!this.search) {
      this.search = {
        query: '',
        index: entries.length,
        matchAt: this.cursor,
        failed: false,
        original: { buffer: this.buffer, cursor: this.cursor },
      };
    } else if (this.search.query) {
      this.findMatch(this.search.index - 1);
    }
    this.render();
  }

  /** Looks for the query from history index `from` back to the oldest entry. */
  private findMatch(from: number): void {
    const s = this.search!;
    const entries = this.history.entries;
    for (let i = Math.min(from, entries.length - 1); i >= 0; i--) {
      const at = entries[i].indexOf(s.query);
      if (at !== -1) {
        s.index = i;
        s.matchAt = at;
        s.failed = false;
        return;
      }
    }
    s.failed = true;
  }

  /** Handles a key during search; false when the key should act on the accepted line instead. */
  private searchKey(key: EditKey): boolean {
    const s = this.search!;
    switch (key) {
      case 'reverse-search':
        this.startSearch();
        return true;
      case 'backspace':
        s.query = s.query.slice(0, -1);
        s.index = this.history.entries.length;
        if (s.query) this.findMatch(s.index - 1);
        else s.failed = false;
        this.render();
        return true;
      case 'cancel':
      case 'escape':
        this.buffer = s.original.buffer;
        this.cursor = s.original.cursor;
        this.search = null;
        this.render();
        return true;
      case 'interrupt':
        this.acceptSearch();
        return false;
      default:
        this.acceptSearch();
        return false;
    }
  }

  private acceptSearch(): void {
    const s = this.search;
    if (!s) return;
    if (s.index < this.history.entries.length) {
      this.buffer = this.history.entries[s.index];
      this.cursor = s.matchAt;
    }
    this.search = null;
    this.render();
  }

  // ---- drawing ---------------------------------------------------------------------------

  private batch(fn: () => void): void {
    this.depth++;
    try {
      fn();
    } finally {
      this.depth--;
      if (this.depth === 0 && this.pendingWrite) {
        const data = this.pendingWrite;
        this.pendingWrite = '';
        this.sink.write(data);
      }
    }
  }

  private emit(data: string): void {
    this.pendingWrite += data;
  }

  private startCol(): number {
    return this.outCol >= this.cols ? 0 : this.outCol;
  }

  /** The region as it should look now. `final` draws the line as it stays on screen after Enter. */
  private compose(final: boolean): Composed {
    const cols = this.cols;
    let text = this.outSgr.length ? RESET : '';
    let pos: Pos = { row: 0, col: this.startCol() };
    const put = (s: string) => {
      text += s;
      pos = advance(pos, s, cols);
    };
    const room = () => cols - normalize(pos, cols).col - 1;

    const shown = this.queued.slice(0, QUEUED_LINES_SHOWN);
    for (const line of shown) put(`${DIM}${fitCells(line, room())}${UNDIM}\r\n`);
    if (this.queued.length > shown.length) {
      put(`${DIM}${fitCells(`… ${this.queued.length - shown.length} more lines waiting`, room())}${UNDIM}\r\n`);
    }

    let line = this.buffer;
    let cursorAt = this.cursor;
    const s = this.search;
    if (s) {
      put(`(${s.failed ? 'failed ' : ''}reverse-i-search)\`${s.query}': `);
      if (s.index < this.history.entries.length) {
        line = this.history.entries[s.index];
        cursorAt = s.matchAt;
      }
    } else if (this.ready) {
      put(this.promptText);
    }
    if (final) cursorAt = line.length;

    put(line.slice(0, cursorAt));
    const cursor = normalize(pos, cols);
    put(line.slice(cursorAt));

    if (!final && !s && this.catalog.size > 0) {
      const hint = this.catalog.hint(line);
      const cells = room();
      if (hint && cells >= MIN_HINT_CELLS) put(`${DIM}${fitCells(hint, cells)}${UNDIM}`);
    }

    const pendingEnd = pos.col >= cols;
    return { text, cursor, end: normalize(pos, cols), pendingEnd };
  }

  /** Brings the screen in line with the state, rewriting as little as it can. */
  private render(final = false): void {
    const next = this.compose(final);
    if (this.atDrawnEnd && next.text.startsWith(this.drawn)) {
      // Typing at the end of the line: only the new characters.
      const suffix = next.text.slice(this.drawn.length);
      if (!suffix && !this.drawn) return;
      if (!this.drawn && this.outCol >= this.cols) {
        // Output filled its last row: wrap now, so the region starts at the beginning of the
        // next row whatever its first character is.
        this.emit(FORCE_WRAP);
        this.outCol = 0;
      }
      if (suffix) this.emit(suffix + (next.pendingEnd ? FORCE_WRAP : ''));
    } else {
      this.emit(
        `${moveCursor(this.pos, { row: 0, col: this.startCol() })}${CSI}J${next.text}${next.pendingEnd ? FORCE_WRAP : ''}`,
      );
    }
    this.emit(moveCursor(next.end, next.cursor));
    this.pos = next.cursor;
    this.drawn = next.text;
    this.atDrawnEnd = next.cursor.row === next.end.row && next.cursor.col === next.end.col;
  }

  /** Erases the region; the cursor goes back to where output left it. */
  private erase(): void {
    if (!this.drawn) return;
    this.emit(`${moveCursor(this.pos, { row: 0, col: this.startCol() })}${CSI}J`);
    if (this.outCol >= this.cols) this.outCol = 0;
    this.drawn = '';
    this.atDrawnEnd = true;
  }

  /** Leaves the line on screen as output (after Enter, Ctrl-C, a completion list). */
  private commitLine(suffix: string): void {
    this.render(true);
    this.emit(`${suffix}\r\n`);
    this.drawn = '';
    this.atDrawnEnd = true;
    this.outCol = 0;
    this.outLineWidth = 0;
    this.outSgr = [];
  }

  private trackOutput(data: string): void {
    if (data.includes('\x1b')) {
      for (const m of data.matchAll(/\x1b\[([0-9;:]*)m/g)) {
        if (m[1] === '' || m[1] === '0' || m[1].startsWith('0;')) this.outSgr = [];
        if (m[1] !== '' && m[1] !== '0') this.outSgr.push(m[0]);
        if (this.outSgr.length > MAX_OUTPUT_SGR) this.outSgr.shift();
      }
    }
    // Only the text after the last line feed decides where the region starts.
    const lf = data.lastIndexOf('\n');
    let tail = data;
    if (lf !== -1) {
      tail = data.slice(lf + 1);
      this.outCol = 0;
      this.outLineWidth = 0;
    }
    const cr = tail.lastIndexOf('\r');
    if (cr !== -1) {
      tail = tail.slice(cr + 1);
      this.outCol = 0;
      this.outLineWidth = 0;
    }
    if (!tail) return;
    const from = this.outCol;
    const to = advance({ row: 0, col: from }, tail, this.cols);
    this.outCol = to.col;
    this.outLineWidth += to.row * this.cols + to.col - from;
  }
}
