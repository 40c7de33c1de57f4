// The local line editor: typing, editing, history and completion happen in the browser, so they
// never wait for the network; only whole lines go to the server. It is pure logic: keystrokes in
// (xterm's onData), terminal text out (for xterm.write) plus submit/interrupt actions.
//
// This module holds the line, the cursor and the key bindings, and composes the rest: edit-region.ts
// draws what the editor holds after the output (the screen model), reverse-search.ts is Ctrl-R,
// completion.ts is Tab completion and the syntax hint, history-walk.ts is Up and Down, type-ahead.ts
// keeps lines entered before the server was ready, and line-text.ts knows where characters and
// words begin and end.
import { RED, RESET } from '../../../shared/ansi.ts';
import { MAX_LINE_BYTES, MAX_PENDING_INPUT_BYTES } from '../../../shared/limits.ts';
import type { CommandInfo } from '../../../shared/protocol.ts';
import { utf8Length } from '../../../shared/char-width.ts';
import { countsBytes, fillByteCount } from '../../../shared/live-prompt.ts';
import { CommandCatalog } from './command-catalog.ts';
import { complete, completionList, syntaxHint } from './completion.ts';
import { EditRegion, type RegionContent } from './edit-region.ts';
import { LineHistory } from './history.ts';
import { HistoryWalk } from './history-walk.ts';
import { parseKeys, type EditKey } from './key-parser.ts';
import * as lineText from './line-text.ts';
import { ReverseSearch } from './reverse-search.ts';
import { TypeAhead } from './type-ahead.ts';

export { COMPLETIONS_LISTED } from './completion.ts';
export { QUEUED_LINES_SHOWN } from './type-ahead.ts';

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

export class LineEditor {
  private readonly history: LineHistory;
  private readonly maxLineBytes: number;
  private catalog = new CommandCatalog();
  private readonly region: EditRegion;

  private buffer = '';
  /** UTF-16 index into buffer, always on a character boundary. */
  private cursor = 0;
  /** The server prompted and waits for a line. */
  private ready = false;
  private promptText = '';
  private readonly typeAhead: TypeAhead;
  private readonly walk: HistoryWalk;
  private killed = '';
  private lastKeyWasTab = false;
  private search: ReverseSearch | null = null;

  constructor(
    private readonly sink: LineEditorSink,
    options: LineEditorOptions = {},
  ) {
    this.region = new EditRegion(
      (data) => this.sink.write(data),
      Math.max(1, options.cols ?? 80),
      (final) => this.regionContent(final),
    );
    this.history = options.history ?? new LineHistory();
    this.walk = new HistoryWalk(this.history);
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.typeAhead = new TypeAhead(options.maxPendingBytes ?? MAX_PENDING_INPUT_BYTES);
  }

  /** For tests and the UI: what the learner is editing. */
  get state(): { buffer: string; cursor: number; ready: boolean; prompt: string; queued: readonly string[] } {
    return {
      buffer: this.buffer,
      cursor: this.cursor,
      ready: this.ready,
      prompt: this.promptText,
      queued: this.typeAhead.lines,
    };
  }

  setCommands(commands: readonly CommandInfo[], caseInsensitive: boolean): void {
    this.catalog = new CommandCatalog(commands, caseInsensitive);
    this.region.batch(() => this.region.render());
  }

  /** Keystrokes or a paste, as xterm's onData reports them. */
  input(data: string): void {
    this.region.batch(() => {
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
    this.region.batch(() => this.paste(text));
  }

  /** Output of the service; may arrive at any time, also while the learner types. */
  output(data: string): void {
    this.region.output(data);
  }

  /** A line of our own (notices, errors) between the output and the region. */
  notice(text: string): void {
    this.output(`${this.region.outputMidLine ? '\r\n' : ''}${text}${RESET}\r\n`);
  }

  error(text: string): void {
    this.notice(`${RED}${text}`);
  }

  /** The server waits for the next line. A queued line takes its turn, as type-ahead does in a shell. */
  prompt(text: string): void {
    this.region.batch(() => {
      const line = this.typeAhead.shift();
      if (line === undefined) {
        this.ready = true;
        this.promptText = text;
        this.region.render();
        return;
      }
      this.ready = false;
      this.output(`${fillByteCount(text, line)}${line}\r\n`);
      this.sink.submit(line);
    });
  }

  /**
   * A line typed for the learner (a lesson's Run button): it goes through Enter as if typed, so it
   * is echoed after the prompt and kept in history. What the learner had typed stays in the buffer.
   */
  enterLine(line: string): void {
    this.region.batch(() => {
      const kept = { buffer: this.buffer, cursor: this.cursor };
      this.search = null;
      this.buffer = line;
      this.cursor = line.length;
      this.enter();
      this.buffer = kept.buffer;
      this.cursor = kept.cursor;
      this.region.render();
    });
  }

  /** Puts back a line being typed before a reload (terminal-session.ts keeps it): nothing is sent. */
  setLine(text: string, cursor = text.length): void {
    this.region.batch(() => {
      this.buffer = text;
      this.cursor = Math.max(0, Math.min(cursor, text.length));
      this.region.render();
    });
  }

  /** The server will not take lines for now (connection lost): keep what is typed and queued. */
  suspend(): void {
    this.region.batch(() => {
      this.ready = false;
      this.region.render();
    });
  }

  /** The session ended: queued lines have nowhere to go. */
  dropQueue(): void {
    this.region.batch(() => {
      this.typeAhead.clear();
      this.ready = false;
      this.region.render();
    });
  }

  /**
   * The terminal changed width (call right after xterm's resize). The line being edited keeps its
   * rows; EditRegion.resize says why.
   */
  resize(cols: number): void {
    this.region.resize(cols);
  }

  /** What the region shows: waiting lines, then the prompt (or the search) and the line with its hint. */
  private regionContent(final: boolean): RegionContent {
    const waiting = this.typeAhead.shown;
    let lead = '';
    let line = this.buffer;
    let cursorAt = this.cursor;
    const search = this.search;
    if (search) {
      lead = search.label;
      const match = search.match;
      if (match) {
        line = match.line;
        cursorAt = match.cursor;
      }
    } else if (this.ready) {
      // A counting prompt (memcached's data block, shared/live-prompt.ts) counts this line's bytes.
      lead = fillByteCount(this.promptText, line);
    }
    if (final) cursorAt = line.length;
    // A data line is not a command: no syntax hint for it.
    const data = this.ready && !search && countsBytes(this.promptText);
    const after = final || search || data ? undefined : (cells: number) => syntaxHint(this.catalog, line, cells);
    return { waiting, lead, line, cursorAt, after };
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
        if (this.cursor > 0) this.deleteRange(lineText.prevIndex(this.buffer, this.cursor), this.cursor);
        return;
      case 'delete':
        return this.deleteForward();
      case 'eof':
        // Ctrl-D deletes forward; on an empty line it would end a shell, and here it does nothing.
        return this.deleteForward();
      case 'left':
        return this.moveTo(lineText.prevIndex(this.buffer, this.cursor));
      case 'right':
        return this.moveTo(lineText.nextIndex(this.buffer, this.cursor));
      case 'home':
        return this.moveTo(0);
      case 'end':
        return this.moveTo(this.buffer.length);
      case 'word-left':
        return this.moveTo(lineText.wordStartBefore(this.buffer, this.cursor));
      case 'word-right':
        return this.moveTo(lineText.wordEndAfter(this.buffer, this.cursor));
      case 'kill-word-left':
        return this.kill(lineText.wordStartBefore(this.buffer, this.cursor), this.cursor);
      case 'kill-word-right':
        return this.kill(this.cursor, lineText.wordEndAfter(this.buffer, this.cursor));
      case 'rubout-word':
        return this.kill(lineText.ruboutWordStart(this.buffer, this.cursor), this.cursor);
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
        return this.recall(this.walk.up(this.buffer));
      case 'down':
        return this.recall(this.walk.down());
      case 'interrupt':
        return this.interrupt();
      case 'clear-screen':
        return this.region.clear();
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
      this.search.type(text);
      this.region.render();
      return;
    }
    this.insert(text);
  }

  private paste(raw: string): void {
    if (this.search) this.endSearch(this.search.match);
    const lines = lineText.pastedLines(raw);
    lines.forEach((line, i) => {
      const ok = this.insert(line);
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
    this.region.render();
    return true;
  }

  private deleteRange(from: number, to: number): void {
    if (from >= to) return;
    this.buffer = this.buffer.slice(0, from) + this.buffer.slice(to);
    this.cursor = from;
    this.region.render();
  }

  private deleteForward(): void {
    if (this.cursor < this.buffer.length) this.deleteRange(this.cursor, lineText.nextIndex(this.buffer, this.cursor));
  }

  private kill(from: number, to: number): void {
    if (from >= to) return;
    this.killed = this.buffer.slice(from, to);
    this.deleteRange(from, to);
  }

  private moveTo(index: number): void {
    if (index === this.cursor) return;
    this.cursor = index;
    this.region.render();
  }

  private transpose(): void {
    const result = lineText.transposed(this.buffer, this.cursor);
    if (!result) return;
    this.buffer = result.text;
    this.cursor = result.cursor;
    this.region.render();
  }

  private setBuffer(text: string): void {
    this.buffer = text;
    this.cursor = text.length;
    this.region.render();
  }

  /** Shows a line from the history walk, the cursor at its end. */
  private recall(line: string | null): void {
    if (line !== null) this.setBuffer(line);
  }

  private enter(): void {
    const line = this.buffer;
    this.walk.reset();
    if (this.ready) {
      this.region.commitLine('');
      this.buffer = '';
      this.cursor = 0;
      this.ready = false;
      this.history.add(line);
      this.sink.submit(line);
      this.region.render();
      return;
    }
    if (!this.typeAhead.push(line)) {
      this.buffer = '';
      this.cursor = 0;
      this.error(`too much input waiting (limit ${this.typeAhead.maxBytes} bytes); line dropped`);
      return;
    }
    this.history.add(line);
    this.buffer = '';
    this.cursor = 0;
    this.region.render();
  }

  private interrupt(): void {
    this.search = null;
    this.walk.reset();
    // Waiting lines are dropped before the line is left on screen: they will not run, so they
    // should not look as if they had.
    this.typeAhead.clear();
    this.region.commitLine('^C');
    this.buffer = '';
    this.cursor = 0;
    // The server answers an interrupt with a fresh prompt; until then lines are type-ahead.
    this.ready = false;
    this.sink.interrupt();
    this.region.render();
  }

  // ---- completion (completion.ts) --------------------------------------------------------

  private complete(): void {
    // Data being typed for a command (memcached's data block) is not a command name to complete.
    if (this.ready && countsBytes(this.promptText)) return;
    const completion = complete(this.catalog, this.buffer, this.cursor, this.lastKeyWasTab);
    switch (completion.kind) {
      case 'replace': {
        const { from, to, text } = completion;
        this.buffer = this.buffer.slice(0, from) + text + this.buffer.slice(to);
        this.cursor = from + text.length;
        this.region.render();
        if (completion.stepOverSpace) this.moveTo(this.cursor + 1);
        return;
      }
      case 'list':
        // Under the line, then the line again (as bash does).
        this.region.commitLine('');
        this.region.emit(completionList(completion.candidates, this.region.columns));
        this.region.render();
        return;
      case 'none':
        return;
    }
  }

  // ---- reverse search (reverse-search.ts) ------------------------------------------------

  private startSearch(): void {
    if (!this.search) this.search = new ReverseSearch(this.history, this.buffer, this.cursor);
    else this.search.again();
    this.region.render();
  }

  /** Handles a key during search; false when the key should act on the accepted line instead. */
  private searchKey(key: EditKey): boolean {
    const search = this.search!;
    const step = search.key(key);
    if (step === 'searching') this.region.render();
    else this.endSearch(step === 'cancel' ? search.original : search.match);
    return step !== 'accept';
  }

  /** Ends the search with `line` (the match, or the line from before on cancel) in the editor. */
  private endSearch(line: { line: string; cursor: number } | null): void {
    if (line) {
      this.buffer = line.line;
      this.cursor = line.cursor;
    }
    this.search = null;
    this.region.render();
  }
}
