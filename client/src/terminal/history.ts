// Command history of one terminal, kept per service in localStorage so that Up after a reload
// still finds yesterday's commands.

/** Entries kept per service: enough for a course, small enough for localStorage. */
export const HISTORY_LIMIT = 500;

/**
 * Longer lines are not remembered: a pasted blob recalled by Up is rarely wanted, and 500 of them
 * could fill localStorage's few megabytes.
 */
export const HISTORY_MAX_ENTRY_LENGTH = 4096;

export type HistoryStorage = Pick<Storage, 'getItem' | 'setItem'>;

export class LineHistory {
  private items: string[];

  constructor(
    private readonly storage: HistoryStorage | null = null,
    private readonly key = '',
    private readonly limit = HISTORY_LIMIT,
  ) {
    this.items = this.load();
  }

  get entries(): readonly string[] {
    return this.items;
  }

  /** Remembers a submitted line, unless it is blank, too long, or the same as the previous one. */
  add(line: string): void {
    if (!line.trim() || line.length > HISTORY_MAX_ENTRY_LENGTH) return;
    if (this.items[this.items.length - 1] === line) return;
    this.items.push(line);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
    this.save();
  }

  private load(): string[] {
    if (!this.storage) return [];
    try {
      const value: unknown = JSON.parse(this.storage.getItem(this.key) ?? '[]');
      if (!Array.isArray(value)) return [];
      return value.filter((v): v is string => typeof v === 'string').slice(-this.limit);
    } catch {
      return [];
    }
  }

  private save(): void {
    if (!this.storage) return;
    try {
      this.storage.setItem(this.key, JSON.stringify(this.items));
    } catch {
      // Storage full or disabled (private mode): history still works for this page.
    }
  }
}
