// For tests: a LineEditor wired to a real (headless) xterm.js, so tests assert what the learner
// would see on screen rather than which escape sequences were written.
import { Terminal } from '@xterm/headless';
import type { CommandInfo } from '../../../shared/protocol.ts';
import { LineHistory, type HistoryStorage } from './history.ts';
import { LineEditor, type LineEditorOptions } from './line-editor.ts';

export class MemoryStorage implements HistoryStorage {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
}

export interface ScreenOptions extends LineEditorOptions {
  cols?: number;
  rows?: number;
  commands?: CommandInfo[];
  caseInsensitive?: boolean;
  storage?: HistoryStorage;
}

export class HeadlessScreen {
  readonly term: Terminal;
  readonly editor: LineEditor;
  readonly submitted: string[] = [];
  interrupts = 0;
  /** Everything the editor wrote, for assertions on the raw stream. */
  raw = '';
  private written: Promise<void> = Promise.resolve();

  constructor(options: ScreenOptions = {}) {
    const cols = options.cols ?? 40;
    this.term = new Terminal({ cols, rows: options.rows ?? 12, scrollback: 500, allowProposedApi: true });
    const history = options.history ?? new LineHistory(options.storage ?? null, 'test');
    this.editor = new LineEditor(
      {
        write: (data) => {
          this.raw += data;
          this.written = this.written.then(() => new Promise<void>((resolve) => this.term.write(data, resolve)));
        },
        submit: (line) => this.submitted.push(line),
        interrupt: () => this.interrupts++,
      },
      { ...options, cols, history },
    );
    if (options.commands) this.editor.setCommands(options.commands, options.caseInsensitive ?? false);
  }

  type(data: string): this {
    this.editor.input(data);
    return this;
  }

  /** Types text one key at a time, as a person (or Playwright) does. */
  keys(text: string): this {
    for (const ch of text) this.editor.input(ch);
    return this;
  }

  /** The whole buffer (scrollback + screen), right-trimmed (as the eye sees it), without trailing empty lines. */
  async lines(): Promise<string[]> {
    await this.written;
    const buffer = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < buffer.length; y++) out.push((buffer.getLine(y)?.translateToString(true) ?? '').trimEnd());
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  }

  async text(): Promise<string> {
    return (await this.lines()).join('\n');
  }

  /** Cursor position within the whole buffer. */
  async cursor(): Promise<{ x: number; y: number }> {
    await this.written;
    const b = this.term.buffer.active;
    return { x: b.cursorX, y: b.baseY + b.cursorY };
  }

  /** The text of the cells on row y that are drawn dim. */
  async dimText(y: number): Promise<string> {
    await this.written;
    const line = this.term.buffer.active.getLine(y);
    if (!line) return '';
    let s = '';
    for (let x = 0; x < this.term.cols; x++) {
      const cell = line.getCell(x);
      if (cell && cell.isDim()) s += cell.getChars() || ' ';
    }
    return s.trimEnd();
  }

  async resize(cols: number, rows = this.term.rows): Promise<void> {
    await this.written;
    this.term.resize(cols, rows);
    this.editor.resize(cols);
  }
}

/** A sample of Redis's command catalog, as the server sends it in `opened`. */
export const REDIS_COMMANDS: CommandInfo[] = [
  { name: 'GET', syntax: 'key' },
  { name: 'GETDEL', syntax: 'key' },
  { name: 'GETEX', syntax: 'key [EX seconds | PX milliseconds | PERSIST]' },
  { name: 'SET', syntax: 'key value [NX | XX] [GET] [EX seconds | PX milliseconds]' },
  { name: 'SETNX', syntax: 'key value' },
  { name: 'PING', syntax: '[message]' },
  { name: 'HSET', syntax: 'key field value [field value ...]' },
  { name: 'CLIENT LIST', syntax: '[TYPE NORMAL|MASTER]' },
  { name: 'CLIENT KILL', syntax: 'ip:port' },
];

/** A Redis terminal's editor on a headless screen, at its first prompt. */
export function redisScreen(options: ConstructorParameters<typeof HeadlessScreen>[0] = {}): HeadlessScreen {
  const s = new HeadlessScreen({ commands: REDIS_COMMANDS, caseInsensitive: true, ...options });
  s.editor.prompt('redis> ');
  return s;
}

/** Ctrl+letter as the terminal sends it. */
export const CTRL = (ch: string) => String.fromCharCode(ch.toUpperCase().charCodeAt(0) - 64);
