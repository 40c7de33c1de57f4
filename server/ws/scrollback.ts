// What a terminal or a run showed, kept on the server so that a page that reloads (or reconnects)
// gets its screen back: the newest SESSION_SCROLLBACK_BYTES of it. Positions count the characters
// of the `output` stream the page was sent live, so a page that still shows part of it asks only
// for the rest. Lines the learner typed are kept too (the page echoes them itself, so they were
// never in that stream): they take no room in the positions, only in the replay.
import { DIM, RESET } from '../../shared/ansi.ts';
import { SESSION_SCROLLBACK_BYTES } from '../../shared/limits.ts';

interface Entry {
  /** Position in the output stream where this entry begins. */
  at: number;
  text: string;
  bytes: number;
  /** A typed line (prompt + line), shown by the page's own echo when it happened. */
  echo: boolean;
}

/** The note that stands where dropped output was. */
export function droppedNote(limitBytes: number): string {
  return `${DIM}[earlier output not kept: the server keeps the last ${Math.round(limitBytes / 1024)} KiB of each terminal for a reload]${RESET}\r\n`;
}

export class Scrollback {
  private entries: Entry[] = [];
  private bytes = 0;
  private end = 0;
  /** Output before this position is gone from the replay. */
  private keptFrom = 0;

  constructor(private readonly limitBytes = SESSION_SCROLLBACK_BYTES) {}

  /** Characters of output sent so far: what a page that saw everything has received. */
  get position(): number {
    return this.end;
  }

  /** Output as it went (or would have gone) to the page. */
  output(text: string): void {
    if (!text) return;
    this.push({ at: this.end, text, bytes: Buffer.byteLength(text), echo: false });
    this.end += text.length;
  }

  /** A line the learner typed, after the prompt it was typed at. */
  echo(text: string): void {
    this.push({ at: this.end, text, bytes: Buffer.byteLength(text), echo: true });
  }

  /**
   * The text that brings a page showing output up to `have` (0: nothing, a fresh page) up to date.
   * Typed lines at or before `have` were echoed by that page already and are left out.
   */
  replay(have = 0): string {
    if (have > this.end) have = 0; // not this stream's position (a page of another life): start over
    const parts: string[] = [];
    if (have < this.keptFrom) parts.push(droppedNote(this.limitBytes));
    for (const e of this.entries) {
      if (e.echo) {
        if (e.at > have || have === 0) parts.push(e.text);
        continue;
      }
      const endAt = e.at + e.text.length;
      if (endAt <= have) continue;
      parts.push(have > e.at ? e.text.slice(have - e.at) : e.text);
    }
    return parts.join('');
  }

  private push(entry: Entry): void {
    this.entries.push(entry);
    this.bytes += entry.bytes;
    this.trim();
  }

  /** Drops the oldest entries past the limit; a single entry bigger than it keeps its newest lines. */
  private trim(): void {
    while (this.bytes > this.limitBytes && this.entries.length > 1) {
      const first = this.entries.shift()!;
      this.bytes -= first.bytes;
      this.keptFrom = first.echo ? first.at : first.at + first.text.length;
    }
    const only = this.entries[0];
    if (this.bytes <= this.limitBytes || !only) return;
    // Keep about the limit's worth of characters (fewer bytes when they are wide), from a line start.
    let cut = Math.max(0, only.text.length - this.limitBytes);
    while (cut < only.text.length && Buffer.byteLength(only.text.slice(cut)) > this.limitBytes) {
      cut += Math.max(1, Math.ceil((only.text.length - cut) / 8));
    }
    const nl = only.text.indexOf('\n', cut);
    if (nl !== -1 && nl + 1 < only.text.length) cut = nl + 1;
    const text = only.text.slice(cut);
    if (!only.echo) {
      only.at += cut;
      this.keptFrom = only.at;
    }
    only.text = text;
    only.bytes = Buffer.byteLength(text);
    this.bytes = only.bytes;
  }
}
