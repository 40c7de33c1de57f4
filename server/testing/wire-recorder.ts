// Real traffic for the decoders' tests: a loopback proxy in front of a live service that keeps
// every chunk each connection carried, in order, with its direction. A test points a real client
// (redis-py, pika, SQLAlchemy, python-memcached) at `port`, then feeds the chunks to a decoder;
// saved as JSON (`WireRecording`), the same chunks are the unit tests' and the bench's fixtures.
import fs from 'node:fs';
import net from 'node:net';
import type { TraceDir } from '../../shared/trace.ts';
import { isUndecoded, type WireItem, type WireMessage, type WireProtocol } from '../services/wire-types.ts';

export interface RecordedChunk {
  dir: TraceDir;
  bytes: Buffer;
}

/** What a saved fixture holds: each connection's chunks, base64. */
export interface WireRecording {
  service: string;
  /** How it was made (the client, its version, the server's version): for whoever records it again. */
  recordedWith: string;
  conns: { chunks: { dir: TraceDir; b64: string }[] }[];
}

export interface WireRecorder {
  port: number;
  /** Each connection's chunks, in the order the connections opened. */
  conns: RecordedChunk[][];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (a free port) and carries each connection to host:port, keeping the chunks. */
export async function recordWire(host: string, port: number): Promise<WireRecorder> {
  const conns: RecordedChunk[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inside) => {
    const chunks: RecordedChunk[] = [];
    conns.push(chunks);
    const outside = net.connect({ host, port });
    for (const s of [inside, outside]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        inside.destroy();
        outside.destroy();
      });
    }
    inside.on('data', (b: Buffer) => {
      chunks.push({ dir: 'send', bytes: Buffer.from(b) });
      outside.write(b);
    });
    outside.on('data', (b: Buffer) => {
      chunks.push({ dir: 'recv', bytes: Buffer.from(b) });
      inside.write(b);
    });
    inside.on('end', () => outside.end());
    outside.on('end', () => inside.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    conns,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export function toRecording(service: string, recordedWith: string, conns: RecordedChunk[][]): WireRecording {
  return {
    service,
    recordedWith,
    conns: conns.map((chunks) => ({ chunks: chunks.map((c) => ({ dir: c.dir, b64: c.bytes.toString('base64') })) })),
  };
}

export function readRecording(file: string | URL): RecordedChunk[][] {
  const recording = JSON.parse(fs.readFileSync(file, 'utf8')) as WireRecording;
  return recording.conns.map((c) => c.chunks.map((ch) => ({ dir: ch.dir, bytes: Buffer.from(ch.b64, 'base64') })));
}

/** Feeds one connection's chunks to a fresh decoder, as the trace would, and flushes it at the end. */
export function decodeConnection(protocol: WireProtocol, chunks: RecordedChunk[]): WireItem[] {
  const decoder = protocol.decoder();
  const items: WireItem[] = [];
  for (const c of chunks) items.push(...decoder.feed(c.dir, c.bytes));
  items.push(...decoder.flush());
  return items;
}

/**
 * The property every decoder keeps: per direction, the items' bytes put together are the bytes fed,
 * in order, except inside masked ranges (same length there). Throws with where they differ.
 */
export function assertAccounted(chunks: RecordedChunk[], items: WireItem[]): void {
  for (const dir of ['send', 'recv'] as const) {
    const fed = Buffer.concat(chunks.filter((c) => c.dir === dir).map((c) => c.bytes));
    const parts = items.filter((i) => i.dir === dir);
    const got = Buffer.concat(parts.map((i) => i.bytes));
    if (got.length !== fed.length) throw new Error(`${dir}: fed ${fed.length} bytes, items hold ${got.length}`);
    let offset = 0;
    for (const item of parts) {
      const masked = isUndecoded(item) ? [] : (item.masked ?? []);
      for (let i = 0; i < item.bytes.length; i++) {
        if (masked.some(([a, b]) => i >= a && i < b)) continue;
        if (item.bytes[i] !== fed[offset + i]) throw new Error(`${dir}: byte ${offset + i} differs`);
      }
      offset += item.bytes.length;
    }
  }
}

// What the decoders' unit tests share: chunks written by hand, a decoding that checks every byte
// came back, and views of the items for comparing two decodings of the same bytes.

export const sendChunk = (text: string | Buffer): RecordedChunk => ({ dir: 'send', bytes: Buffer.from(text) });
export const recvChunk = (text: string | Buffer): RecordedChunk => ({ dir: 'recv', bytes: Buffer.from(text) });

/** Decodes chunks as the trace would, checks every byte came back (assertAccounted), answers the items. */
export function decodeChecked(protocol: WireProtocol, chunks: RecordedChunk[]): WireItem[] {
  const items = decodeConnection(protocol, chunks);
  assertAccounted(chunks, items);
  return items;
}

export const messagesOf = (items: WireItem[]) => items.filter((i): i is WireMessage => !isUndecoded(i));

/** One line an item: its direction, then its role and summary, or why it was not decoded. */
export const itemLines = (items: WireItem[]) =>
  items.map((i) => (isUndecoded(i) ? `${i.dir} undecoded: ${i.reason}` : `${i.dir} ${i.role} ${i.summary}`));

/** What an item shows, bytes as hex, for comparing two decodings of the same bytes. */
export function itemView(items: WireItem[]): unknown[] {
  return items.map((i) => {
    const { bytes, ...rest } = i;
    return { ...rest, hex: bytes.toString('hex') };
  });
}

/** The same chunks, cut at other places (within each direction's run of chunks). */
export function recut(chunks: RecordedChunk[], cut: (bytes: Buffer) => Buffer[]): RecordedChunk[] {
  return chunks.flatMap((c) => cut(c.bytes).map((bytes) => ({ dir: c.dir, bytes })));
}

export const byteByByte = (b: Buffer) => [...b].map((x) => Buffer.from([x]));
