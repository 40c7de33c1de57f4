// The reading half of the memcached wire decoder (wire.ts): memcached's text protocol is lines,
// some followed by a data block of a size the line announced, and this reader cuts one direction's
// bytes into them, keeping its place between chunks (a 1 MB value arriving in many reads is
// counted through, never put together and read again). What the lines mean — which one announces a
// block, when a message ends — is its subclasses' (the commands' side and the replies' side), so
// this file holds the bytes: each message comes back exactly as it went, whatever happens.
import type { TraceDir } from '../../../shared/trace.ts';
import { HeldBytes, textAt } from '../wire-bytes.ts';
import type { WireItem } from '../wire-types.ts';

/** Bytes kept of each data block: enough for the trace's longest shown value (256 characters of UTF-8). */
export const KEEP_BYTES = 1024;
/**
 * Longest line read; past it the bytes up to the next line end come back undecoded. memcached
 * closes the connection on a command line much over 2 KB that is not a `get` of many keys.
 */
const MAX_LINE_BYTES = 64 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

/** A word of a line, with its byte range in the message. */
export interface Token {
  text: string;
  start: number;
  end: number;
}

/** A data block as read: `size` bytes of data and the two that must be \r\n. */
export interface BlockRead {
  /** Where its data starts in the message. */
  start: number;
  size: number;
  /** The first KEEP_BYTES bytes of the data (valid during dataBlock() only: it may point into the chunk). */
  kept: Buffer;
  /** The two bytes after the data are \r\n. */
  ended: boolean;
  /** The block's last three bytes (the data's last one and the two after it), -1 where there are none. */
  tail: [number, number, number];
}

/** What comes after a line or a block: another line of the same message, a block, or the message is whole. */
export type Next = 'line' | 'done' | { block: number } | { fail: string; skipLine?: boolean };

/** The reason given for bytes a mistake of the decoder left undecoded. */
export function decoderError(err: unknown): string {
  return `decoder error: ${err instanceof Error ? err.message : String(err)}`;
}

/** Where the line `buf` [from, to) ends without the \r memcached drops before its \n. */
export function lineEnd(buf: Buffer, from: number, to: number): number {
  return to > from && buf[to - 1] === CR ? to - 1 : to;
}

/**
 * The words of the line `buf` [from, to) as memcached splits them: on spaces only, empty words
 * skipped. `at` is the line's offset in its message.
 */
export function tokenize(buf: Buffer, from: number, to: number, at: number): Token[] {
  const tokens: Token[] = [];
  let p = from;
  while (p < to) {
    while (p < to && buf[p] === 0x20) p++;
    if (p >= to) break;
    const start = p;
    while (p < to && buf[p] !== 0x20) p++;
    tokens.push({ text: textAt(buf, start, p), start: at + start - from, end: at + p - from });
  }
  return tokens;
}

export abstract class LineReader {
  private state: 'line' | 'block' | 'skip' = 'line';
  private readonly held = new HeldBytes();
  private from = 0;
  private chunk: Buffer = EMPTY;
  private out: WireItem[] = [];
  private parts: Buffer[] = [];
  private lineLength = 0;
  /** The block being read. */
  private reading: BlockRead = { start: 0, size: 0, kept: EMPTY, ended: false, tail: [-1, -1, -1] };
  private left = 0;
  private skipReason = '';

  constructor(protected readonly dir: TraceDir) {}

  /**
   * A whole line of the current message: `buf` [from, to), without its \n (a \r before it is still
   * there); `start` is its offset in the message.
   */
  protected abstract line(buf: Buffer, from: number, to: number, start: number): Next;
  protected abstract dataBlock(block: BlockRead): Next;
  /** The current message is whole: hand it over with emit(), or keep it for later. */
  protected abstract finish(bytes: Buffer): void;
  /** Before undecoded bytes or at the end: hand over whatever is kept, and forget the message so far. */
  protected abstract release(): void;

  protected emit(item: WireItem): void {
    this.out.push(item);
  }

  feed(chunk: Buffer): WireItem[] {
    this.out = [];
    this.chunk = chunk;
    this.from = 0;
    try {
      let p = 0;
      while (p < chunk.length) p = this.step(chunk, p);
      if (this.from < chunk.length) this.held.add(chunk.subarray(this.from));
    } catch (err) {
      // A mistake of this reader, not of the bytes: hand back what it holds and start afresh.
      this.undecoded(chunk.subarray(this.from), decoderError(err));
      this.state = 'line';
      this.parts = [];
      this.lineLength = 0;
    }
    this.chunk = EMPTY;
    return this.out;
  }

  flush(): WireItem[] {
    this.out = [];
    this.release();
    this.undecoded(EMPTY, this.state === 'skip' ? this.skipReason : 'the connection ended mid-message');
    this.state = 'line';
    this.parts = [];
    this.lineLength = 0;
    return this.out;
  }

  private pos(p: number): number {
    return this.held.length + (p - this.from);
  }

  private step(chunk: Buffer, p: number): number {
    switch (this.state) {
      case 'line':
        return this.readLine(chunk, p);
      case 'block':
        return this.readBlock(chunk, p);
      case 'skip': {
        const lf = chunk.indexOf(LF, p);
        if (lf < 0) return chunk.length;
        this.undecoded(chunk.subarray(this.from, lf + 1), this.skipReason);
        this.from = lf + 1;
        this.state = 'line';
        return lf + 1;
      }
    }
  }

  private readLine(chunk: Buffer, p: number): number {
    const lf = chunk.indexOf(LF, p);
    const end = lf < 0 ? chunk.length : lf;
    if (this.lineLength + (end - p) > MAX_LINE_BYTES) {
      this.skipReason = 'a line longer than 64 KB';
      this.release();
      this.state = 'skip';
      return p;
    }
    if (lf < 0) {
      this.parts.push(Buffer.from(chunk.subarray(p, end)));
      this.lineLength += end - p;
      return end;
    }
    const start = this.pos(p) - this.lineLength;
    if (this.lineLength === 0) return this.next(this.line(chunk, p, lf, start), lf + 1);
    const line = Buffer.concat([...this.parts, chunk.subarray(p, lf)]);
    this.parts = [];
    this.lineLength = 0;
    return this.next(this.line(line, 0, line.length, start), lf + 1);
  }

  private readBlock(chunk: Buffer, p: number): number {
    const block = this.reading;
    const take = Math.min(this.left, chunk.length - p);
    const read = block.size + 2 - this.left;
    // Keep the data's first bytes (not the two after it).
    const keepTo = Math.min(block.size, KEEP_BYTES);
    if (read < keepTo) {
      const piece = chunk.subarray(p, p + Math.min(take, keepTo - read));
      // In place when the block ends in this chunk; a copy when it waits for the next one.
      const ends = take >= this.left;
      block.kept = block.kept.length > 0 ? Buffer.concat([block.kept, piece]) : ends ? piece : Buffer.from(piece);
    }
    const tail = block.tail;
    if (take >= 3) {
      tail[0] = chunk[p + take - 3];
      tail[1] = chunk[p + take - 2];
      tail[2] = chunk[p + take - 1];
    } else {
      for (let i = p; i < p + take; i++) {
        tail[0] = tail[1];
        tail[1] = tail[2];
        tail[2] = chunk[i];
      }
    }
    this.left -= take;
    if (this.left > 0) return p + take;
    block.ended = tail[1] === CR && tail[2] === LF;
    return this.next(this.dataBlock(block), p + take);
  }

  private next(next: Next, p: number): number {
    this.state = 'line';
    if (next === 'line') return p;
    if (next === 'done') {
      const bytes = this.held.take(this.chunk.subarray(this.from, p));
      this.from = p;
      try {
        this.finish(bytes);
      } catch (err) {
        // A mistake in making the message: its bytes come back as they are.
        this.out.push({ dir: this.dir, bytes, reason: decoderError(err) });
        this.release();
      }
      return p;
    }
    if ('fail' in next) {
      this.release();
      if (next.skipLine) {
        // The rest of the line goes with it: reading starts again after its end.
        this.skipReason = next.fail;
        this.state = 'skip';
        return p;
      }
      this.undecoded(this.chunk.subarray(this.from, p), next.fail);
      this.from = p;
      return p;
    }
    this.reading = { start: this.pos(p), size: next.block, kept: EMPTY, ended: false, tail: [-1, -1, -1] };
    this.left = next.block + 2;
    this.state = 'block';
    return p;
  }

  private undecoded(tail: Buffer, reason: string): void {
    const bytes = this.held.take(tail);
    if (bytes.length > 0) {
      this.release();
      this.out.push({ dir: this.dir, bytes, reason });
    }
  }
}
