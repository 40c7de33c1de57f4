// Byte helpers the services' wire decoders share (redis/wire-parse.ts, memcached/wire-read.ts):
// holding a message's bytes across chunks without re-reading them, and showing bytes as text.
import { isUtf8 } from 'node:buffer';

/** The bytes of a message that began in an earlier chunk, kept (copied: the caller's chunk goes on its way) until it ends. */
export class HeldBytes {
  private parts: Buffer[] = [];
  length = 0;

  add(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.parts.push(Buffer.from(bytes));
    this.length += bytes.length;
  }

  /** Everything held, then `tail`; holds nothing after. */
  take(tail: Buffer): Buffer {
    if (this.parts.length === 0) return tail;
    this.parts.push(tail);
    const all = Buffer.concat(this.parts, this.length + tail.length);
    this.parts = [];
    this.length = 0;
    return all;
  }
}

/** Bytes [start, end) of `buf` as text (see bytesText); ASCII, the usual case, without a copy. */
export function textAt(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) if (buf[i] >= 0x80) return bytesText(buf.subarray(start, end));
  return buf.toString('latin1', start, end);
}

/** Bytes as text: UTF-8 when they are, otherwise a byte per character (as quoteValue shows bytes). */
export function bytesText(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  // A cut value may end inside a character: drop up to three bytes before giving up on UTF-8.
  for (let end = bytes.length - 1; end >= Math.max(1, bytes.length - 3); end--) {
    if (isUtf8(bytes.subarray(0, end))) return bytes.toString('utf8', 0, end);
  }
  return bytes.toString('latin1');
}
