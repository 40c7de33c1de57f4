// Up and Down through the history, as in a shell: Up steps to older lines, Down back towards the
// newest, and one step past the newest gives back the line that was being typed before Up (the
// draft). A walk starts at the first Up and ends when a line is entered or interrupted.
import type { LineHistory } from './history.ts';

export class HistoryWalk {
  /** Index of the history line shown; null while not walking. */
  private index: number | null = null;
  private draft = '';

  constructor(private readonly history: LineHistory) {}

  /** The older line to show instead of `current`; null when there is none. */
  up(current: string): string | null {
    const entries = this.history.entries;
    if (entries.length === 0) return null;
    if (this.index === null) {
      this.draft = current;
      this.index = entries.length;
    }
    if (this.index === 0) return null;
    this.index--;
    return entries[this.index];
  }

  /** The newer line to show (the draft after the newest); null when not walking. */
  down(): string | null {
    if (this.index === null) return null;
    this.index++;
    if (this.index >= this.history.entries.length) {
      this.index = null;
      return this.draft;
    }
    return this.history.entries[this.index];
  }

  reset(): void {
    this.index = null;
    this.draft = '';
  }
}
