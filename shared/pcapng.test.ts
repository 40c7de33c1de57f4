import { describe, expect, test } from 'vitest';
import {
  CLIENT_PORT_BASE,
  LINKTYPE_RAW,
  MAX_SEGMENT_PAYLOAD,
  base64Bytes,
  internetChecksum,
  tracePcapng,
} from './pcapng.ts';
import type { TraceEvent } from './trace.ts';

const PORTS = { redis: 6379, memcached: 11211, rabbitmq: 5672, mysql: 3306 };

const b64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

function event(seq: number, change: Partial<TraceEvent>): TraceEvent {
  return { seq, kind: 'frame', t: seq, conn: 1, service: 'redis', dir: 'send', bytes: '', summary: '', ...change };
}

interface Block {
  type: number;
  body: DataView;
  start: number;
}

/** Reads the blocks back, checking what every block must be: aligned, its length at both ends. */
function blocks(file: Uint8Array): Block[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Block[] = [];
  let at = 0;
  while (at < file.length) {
    const type = view.getUint32(at, true);
    const total = view.getUint32(at + 4, true);
    expect(total % 4).toBe(0);
    expect(total).toBeGreaterThanOrEqual(12);
    expect(view.getUint32(at + total - 4, true)).toBe(total);
    out.push({ type, body: new DataView(file.buffer, file.byteOffset + at + 8, total - 12), start: at });
    at += total;
  }
  expect(at).toBe(file.length);
  return out;
}

interface Packet {
  micros: number;
  src: number;
  dst: number;
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
  comments: string[];
}

function packets(file: Uint8Array): Packet[] {
  return blocks(file)
    .filter((b) => b.type === 6)
    .map(({ body }) => {
      const captured = body.getUint32(12, true);
      expect(body.getUint32(16, true)).toBe(captured);
      const ip = new Uint8Array(body.buffer, body.byteOffset + 20, captured);
      const view = new DataView(ip.buffer, ip.byteOffset, ip.byteLength);
      expect(ip[0]).toBe(0x45);
      expect(view.getUint16(2)).toBe(captured);
      expect(ip[9]).toBe(6);
      // A header whose checksum is right sums (with its checksum) to zero.
      expect(internetChecksum(ip.subarray(0, 20))).toBe(0);
      expect([...ip.subarray(12, 20)]).toEqual([127, 0, 0, 1, 127, 0, 0, 1]);
      const tcpLength = captured - 20;
      expect(internetChecksum(ip.subarray(20), 6 + tcpLength + 0x7f00 + 0x0001 + 0x7f00 + 0x0001)).toBe(0);
      const comments: string[] = [];
      let opt = 20 + ((captured + 3) & ~3);
      while (opt < body.byteLength) {
        const code = body.getUint16(opt, true);
        const length = body.getUint16(opt + 2, true);
        if (code === 0) break;
        if (code === 1) {
          comments.push(Buffer.from(body.buffer, body.byteOffset + opt + 4, length).toString('utf8'));
        }
        opt += 4 + ((length + 3) & ~3);
      }
      return {
        micros: body.getUint32(4, true) * 2 ** 32 + body.getUint32(8, true),
        src: view.getUint16(20),
        dst: view.getUint16(22),
        seq: view.getUint32(24),
        ack: view.getUint32(28),
        flags: ip[33],
        payload: ip.subarray(40),
        comments,
      };
    });
}

const SYN = 0x02;
const FIN = 0x01;
const ACK = 0x10;
const PSH = 0x08;

describe('a trace as pcapng', () => {
  const events: TraceEvent[] = [
    event(0, { kind: 'open', t: 0.5 }),
    event(1, { t: 1.25, bytes: b64('*1\r\n$4\r\nPING\r\n'), summary: 'PING', write: 1 }),
    event(2, { t: 2, dir: 'recv', bytes: b64('+PONG\r\n'), summary: 'PONG', pair: 1, latency: 0.75 }),
    event(3, { t: 3, bytes: b64('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n'), summary: 'GET k' }),
    event(4, { t: 4, dir: 'recv', bytes: b64('-ERR wrong\r\n'), summary: 'ERR wrong', error: true, pair: 3 }),
    event(5, { kind: 'hint', t: 4, summary: 'k holds a list', ref: 4 }),
    event(6, { kind: 'open', t: 5, conn: 2, service: 'mysql' }),
    event(7, {
      kind: 'undecoded',
      t: 6,
      conn: 2,
      service: 'mysql',
      dir: 'recv',
      bytes: b64('\x01\x02'),
      summary: 'short packet',
    }),
    event(8, { kind: 'close', t: 7 }),
    event(9, { kind: 'dropped', t: 8, summary: '12 frames left out' }),
  ];
  const file = tracePcapng(events, PORTS, 1_700_000_000_000);

  test('a section header, one raw-IPv4 interface, then packets', () => {
    const all = blocks(file);
    expect(all.map((b) => b.type).slice(0, 3)).toEqual([0x0a0d0d0a, 1, 6]);
    const shb = all[0].body;
    expect(shb.getUint32(0, true)).toBe(0x1a2b3c4d);
    expect([shb.getUint16(4, true), shb.getUint16(6, true)]).toEqual([1, 0]);
    expect(Buffer.from(file).includes(Buffer.from('12 frames left out'))).toBe(true);
    expect(all[1].body.getUint16(0, true)).toBe(LINKTYPE_RAW);
    expect(all.filter((b) => b.type === 6).length).toBe(3 + 4 + 3 + 1 + 3);
  });

  test('a handshake for an open, data segments in order, a FIN for a close', () => {
    const redis = packets(file).filter((p) => p.src === 6379 || p.dst === 6379);
    expect(redis.map((p) => p.flags)).toEqual([
      SYN,
      SYN | ACK,
      ACK,
      PSH | ACK,
      PSH | ACK,
      PSH | ACK,
      PSH | ACK,
      FIN | ACK,
      FIN | ACK,
      ACK,
    ]);
    expect(redis[0]).toMatchObject({ src: CLIENT_PORT_BASE + 1, dst: 6379 });
    expect(redis[1]).toMatchObject({ src: 6379, dst: CLIENT_PORT_BASE + 1, ack: redis[0].seq + 1 });
    // Each side's next segment starts where its last ended (SYN and FIN count one), and acks the other's.
    const next = new Map<number, number>();
    for (const p of redis) {
      const other = p.src === 6379 ? CLIENT_PORT_BASE + 1 : 6379;
      if (next.has(p.src)) expect(p.seq).toBe(next.get(p.src));
      if (p.flags & ACK && next.has(other)) expect(p.ack).toBe(next.get(other));
      next.set(p.src, p.seq + p.payload.length + (p.flags & (SYN | FIN) ? 1 : 0));
    }
    const data = redis.filter((p) => p.payload.length > 0);
    expect(data.map((p) => Buffer.from(p.payload).toString())).toEqual([
      '*1\r\n$4\r\nPING\r\n',
      '+PONG\r\n',
      '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n',
      '-ERR wrong\r\n',
    ]);
    expect(data.map((p) => p.micros)).toEqual([1.25, 2, 3, 4].map((t) => 1_700_000_000_000_000 + t * 1000));
    expect(data[3].comments).toEqual(['hint: k holds a list']);
  });

  test('each connection on its own client port, to its service’s port', () => {
    const mysql = packets(file).filter((p) => p.src === 3306 || p.dst === 3306);
    expect(mysql.length).toBe(4);
    expect(mysql[3]).toMatchObject({ src: 3306, dst: CLIENT_PORT_BASE + 2 });
    expect([...mysql[3].payload]).toEqual([1, 2]);
    expect(mysql[3].comments).toEqual(['not decoded: short packet']);
  });

  test('a frame larger than one segment goes in several, its bytes in order', () => {
    const big = new Uint8Array(MAX_SEGMENT_PAYLOAD * 2 + 10).map((_, i) => i % 251);
    const out = packets(tracePcapng([event(0, { dir: 'recv', bytes: b64(big) })], PORTS));
    expect(out.map((p) => p.payload.length)).toEqual([MAX_SEGMENT_PAYLOAD, MAX_SEGMENT_PAYLOAD, 10]);
    expect(out[1].seq).toBe(out[0].seq + MAX_SEGMENT_PAYLOAD);
    expect(out[2].seq).toBe(out[1].seq + MAX_SEGMENT_PAYLOAD);
    expect(Buffer.concat(out.map((p) => p.payload)).equals(Buffer.from(big))).toBe(true);
  });

  test('a frame the trace cut keeps its place in the stream: the next one starts past its whole size', () => {
    const out = packets(
      tracePcapng([event(0, { bytes: b64('abcd'), size: 100 }), event(1, { bytes: b64('next') })], PORTS),
    );
    expect(out[1].seq).toBe(out[0].seq + 100);
    expect(out[0].comments).toEqual(['the trace kept the first 4 of its 100 bytes']);
  });

  test('an empty trace is still a file Wireshark opens', () => {
    expect(blocks(tracePcapng([], PORTS)).map((b) => b.type)).toEqual([0x0a0d0d0a, 1]);
  });

  test('base64 as the trace carries it', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'abcd', '\x00\xff\x80 binary']) {
      expect(Buffer.from(base64Bytes(b64(Buffer.from(text, 'latin1')))).toString('latin1')).toBe(text);
    }
  });
});
