// The line editor's screen model. Everything the editor draws — queued type-ahead, the prompt, the
// line being edited and its dim syntax hint — is the "edit region". It sits right after the output,
// which may end mid-line. This module keeps the region's text and the cursor position relative to
// the region's first row, computed from character widths and the terminal's column count, so it can
// always go back to the start of the region, erase it (CSI J) and draw it again. Output that arrives
// while the region is drawn is written in its place and the region is drawn again below it, as
// readline does. The editor (line-editor.ts) says what the region holds; this works out where it lands.
import { CSI, DIM, RESET, UNDIM } from '../../../shared/ansi.ts';
import { charWidth, stringWidth } from '../../../shared/char-width.ts';

/** SGR runs of output remembered to restore after the region is erased; a long styled stream needs no more. */
const MAX_OUTPUT_SGR = 16;

/**
 * After the last column is filled the terminal waits to wrap. A space makes the wrap happen (the
 * rows stay one logical line, so reflow and copy keep working), backspace steps back onto it and
 * ECH blanks it again. (Not EL: at column 0 xterm.js takes EL to start a new logical line.)
 */
const FORCE_WRAP = ` \b${CSI}X`;

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

/** What the region shows, in the order it is drawn; the editor derives it from its state. */
export interface RegionContent {
  /** Lines shown dimmed above the line (type-ahead waiting its turn), each cut to fit its row. */
  waiting: readonly string[];
  /** What comes before the line on its first row: the prompt, or the search's label. */
  lead: string;
  line: string;
  /** Where the cursor goes, as a UTF-16 index into `line`. */
  cursorAt: number;
  /** Text drawn after the line (the syntax hint), given the cells left on its last row. */
  after?: (cells: number) => string;
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
export function fitCells(text: string, cells: number): string {
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

export class EditRegion {
  private cols: number;
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
    /** Text for the terminal (xterm.write), one call per batch. */
    private readonly write: (data: string) => void,
    cols: number,
    /** What the region holds now; `final` asks for the line as it stays on screen after Enter. */
    private readonly content: (final: boolean) => RegionContent,
  ) {
    this.cols = cols;
  }

  /** The terminal's width in cells. */
  get columns(): number {
    return this.cols;
  }

  /** Output left the cursor away from the start of a row, so a line of our own needs a line break first. */
  get outputMidLine(): boolean {
    return this.outCol !== 0;
  }

  /** Runs `fn` and hands everything it drew to the terminal in one write (nested calls join the outer one). */
  batch(fn: () => void): void {
    this.depth++;
    try {
      fn();
    } finally {
      this.depth--;
      if (this.depth === 0 && this.pendingWrite) {
        const data = this.pendingWrite;
        this.pendingWrite = '';
        this.write(data);
      }
    }
  }

  emit(data: string): void {
    this.pendingWrite += data;
  }

  /** Output of the service: written where the region was, with the region drawn again below it. */
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

  /**
   * xterm reflows wrapped lines to the new width except the one holding the cursor (its
   * `reflowCursorLine` option is off, as shells redraw that line themselves): so the rows of the
   * line being edited stay where they are, and only type-ahead lines above it (separate lines) may
   * take more or fewer rows now.
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

  /** Ctrl-L: clears the screen; the region is drawn again at the top. */
  clear(): void {
    this.emit(`${CSI}H${CSI}2J`);
    this.drawn = '';
    this.atDrawnEnd = true;
    this.outCol = 0;
    this.outLineWidth = 0;
    this.render();
  }

  /** Brings the screen in line with the content, rewriting as little as it can. */
  render(final = false): void {
    const next = this.compose(this.content(final));
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

  /** Leaves the line on screen as output (after Enter, Ctrl-C, a completion list). */
  commitLine(suffix: string): void {
    this.render(true);
    this.emit(`${suffix}\r\n`);
    this.drawn = '';
    this.atDrawnEnd = true;
    this.outCol = 0;
    this.outLineWidth = 0;
    this.outSgr = [];
  }

  /** Erases the region; the cursor goes back to where output left it. */
  private erase(): void {
    if (!this.drawn) return;
    this.emit(`${moveCursor(this.pos, { row: 0, col: this.startCol() })}${CSI}J`);
    if (this.outCol >= this.cols) this.outCol = 0;
    this.drawn = '';
    this.atDrawnEnd = true;
  }

  private startCol(): number {
    return this.outCol >= this.cols ? 0 : this.outCol;
  }

  /** The region's text and where its cursor and end land. */
  private compose(content: RegionContent): Composed {
    const cols = this.cols;
    let text = this.outSgr.length ? RESET : '';
    let pos: Pos = { row: 0, col: this.startCol() };
    const put = (s: string) => {
      text += s;
      pos = advance(pos, s, cols);
    };
    const room = () => cols - normalize(pos, cols).col - 1;

    for (const line of content.waiting) put(`${DIM}${fitCells(line, room())}${UNDIM}\r\n`);
    put(content.lead);
    put(content.line.slice(0, content.cursorAt));
    const cursor = normalize(pos, cols);
    put(content.line.slice(content.cursorAt));
    if (content.after) put(content.after(room()));

    const pendingEnd = pos.col >= cols;
    return { text, cursor, end: normalize(pos, cols), pendingEnd };
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
