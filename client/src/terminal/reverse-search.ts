// Reverse history search (Ctrl-R), as readline does it: what is typed narrows the search, Ctrl-R
// again steps to the next older match, Ctrl-G or Escape give back the line as it was, and any
// other key accepts the match and then acts on it. One search lives from Ctrl-R to that key; the
// editor (line-editor.ts) draws its label in place of the prompt and owns the line it leaves.
import type { LineHistory } from './history.ts';
import type { EditKey } from './key-parser.ts';

/** What a key does to a search under way. */
export type SearchStep =
  /** The search changed: draw it again. */
  | 'searching'
  /** Give the original line back. */
  | 'cancel'
  /** Take the match into the line, then let the key act on that line. */
  | 'accept';

export class ReverseSearch {
  private query = '';
  /** History index of the current match; entries.length while nothing matched yet. */
  private index: number;
  private matchAt: number;
  private failed = false;
  /** The line before the search, for cancel. */
  readonly original: { line: string; cursor: number };

  constructor(
    private readonly history: LineHistory,
    buffer: string,
    cursor: number,
  ) {
    this.index = history.entries.length;
    this.matchAt = cursor;
    this.original = { line: buffer, cursor };
  }

  /** What the editor draws before the line, as bash does. */
  get label(): string {
    return `(${this.failed ? 'failed ' : ''}reverse-i-search)\`${this.query}': `;
  }

  /** The matching history line and where the match starts in it; null until something matched. */
  get match(): { line: string; cursor: number } | null {
    const entries = this.history.entries;
    return this.index < entries.length ? { line: entries[this.index], cursor: this.matchAt } : null;
  }

  /** Ctrl-R while searching: the next older match of the same query. */
  again(): void {
    if (this.query) this.findMatch(this.index - 1);
  }

  /** Typed text narrows the query; the current match stays if it still matches. */
  type(text: string): void {
    this.query += text;
    const entries = this.history.entries;
    this.findMatch(this.index < entries.length ? this.index : entries.length - 1);
  }

  key(key: EditKey): SearchStep {
    switch (key) {
      case 'reverse-search':
        this.again();
        return 'searching';
      case 'backspace':
        this.query = this.query.slice(0, -1);
        this.index = this.history.entries.length;
        if (this.query) this.findMatch(this.index - 1);
        else this.failed = false;
        return 'searching';
      case 'cancel':
      case 'escape':
        return 'cancel';
      // Ctrl-C, like Enter or an arrow, acts on the accepted line.
      case 'interrupt':
      default:
        return 'accept';
    }
  }

  /** Looks for the query from history index `from` back to the oldest entry. */
  private findMatch(from: number): void {
    const entries = this.history.entries;
    for (let i = Math.min(from, entries.length - 1); i >= 0; i--) {
      const at = entries[i].indexOf(this.query);
      if (at !== -1) {
        this.index = i;
        this.matchAt = at;
        this.failed = false;
        return;
      }
    }
    this.failed = true;
  }
}
