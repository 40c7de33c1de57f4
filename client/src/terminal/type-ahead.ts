// Lines the learner entered before the server was ready for them (type-ahead, the lines of a
// paste): they wait here, in order, and each takes its turn at the next prompt, as type-ahead does
// in a shell. Their bytes count against a limit, so a runaway paste cannot pile up without end.
import { utf8Length } from '../../../shared/char-width.ts';

/** Type-ahead lines shown dimmed below the output while they wait their turn; more are counted. */
export const QUEUED_LINES_SHOWN = 3;

/** Bytes a line takes on the wire: its UTF-8 and a line ending. */
function lineBytes(line: string): number {
  return utf8Length(line) + 1;
}

export class TypeAhead {
  private waiting: string[] = [];
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  get lines(): readonly string[] {
    return this.waiting;
  }

  /** What the editor draws for them: the first few, then a count of the rest. */
  get shown(): string[] {
    const shown = this.waiting.slice(0, QUEUED_LINES_SHOWN);
    if (this.waiting.length > shown.length) shown.push(`… ${this.waiting.length - shown.length} more lines waiting`);
    return shown;
  }

  /** Queues a line; false, and nothing queued, when it would go over the limit. */
  push(line: string): boolean {
    const bytes = lineBytes(line);
    if (this.bytes + bytes > this.maxBytes) return false;
    this.waiting.push(line);
    this.bytes += bytes;
    return true;
  }

  /** The line whose turn it is, if any. */
  shift(): string | undefined {
    const line = this.waiting.shift();
    if (line !== undefined) this.bytes -= lineBytes(line);
    return line;
  }

  clear(): void {
    this.waiting = [];
    this.bytes = 0;
  }
}
