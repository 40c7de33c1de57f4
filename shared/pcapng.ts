// A trace as a pcapng capture file, for Wireshark: the bytes a terminal or run exchanged with its
// services, wrapped in made-up IPv4 and TCP headers so that Wireshark's own dissectors (RESP,
// memcache, AMQP, MySQL) decode them by port. Nothing here was captured off a wire: the page builds
// the file from the trace's events (shared/trace.ts), so the addresses, ports, sequence numbers and
// handshakes are synthesised, and the timestamps are the trace's own (`t`, ms since the channel
// opened, plus an epoch the caller gives). Pure TypeScript: shared/ sees neither DOM nor Node.
//
// The format: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html. One section (SHB),
// one interface (IDB) of LINKTYPE_RAW (each packet starts with its IPv4 header), one Enhanced Packet
// Block (EPB) per TCP segment. Everything is written little-endian; the byte-order magic says so.
import type { TraceEvent } from './trace.ts';

const SHB_TYPE = 0x0a0d0d0a;
const IDB_TYPE = 0x00000001;
const EPB_TYPE = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Packets are bare IPv4 datagrams (no Ethernet header): LINKTYPE_RAW. */
export const LINKTYPE_RAW = 101;

const OPT_END = 0;
/** Characters of a comment kept: an option's value is at most 65535 bytes, and UTF-8 takes up to 3 a character. */
const MAX_OPTION_CHARS = 16_000;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;

const IPV4_HEADER = 20;
const TCP_HEADER = 20;
/** A segment's payload at most: an IPv4 datagram's total length is 16 bits (65535 − 20 − 20). */
export const MAX_SEGMENT_PAYLOAD = 0xffff - IPV4_HEADER - TCP_HEADER;
/** The capture keeps whole packets: the snap length is the largest IPv4 datagram. */
const SNAPLEN = 0xffff;

/** 127.0.0.1: both ends of every connection are on loopback, as a run's are. */
const LOOPBACK = [127, 0, 0, 1] as const;
/** The client's port for connection `n` is CLIENT_PORT_BASE + n, so Wireshark's streams match the trace's numbers. */
export const CLIENT_PORT_BASE = 40000;
/** A service the caller gave no port for (none of the four the playground runs): the discard port. */
const UNKNOWN_SERVICE_PORT = 9;
/** Initial sequence numbers: any will do; Wireshark shows them relative to these. */
const CLIENT_ISN = 1000;
const SERVER_ISN = 5000;
const TCP_WINDOW = 0xffff;

const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

/** The bytes of a base64 string (a trace event's `bytes`); shared/ has no atob. */
export function base64Bytes(text: string): Uint8Array {
  const clean = text.replace(/[^A-Za-z0-9+/]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let n = 0;
  for (let i = 0; i < clean.length; i++) {
    value = (value << 6) | BASE64.indexOf(clean[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (value >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One TCP connection's sequence numbers, per side: the next byte each will send. */
interface TcpState {
  clientPort: number;
  serverPort: number;
  clientNext: number;
  serverNext: number;
}

interface Segment {
  fromClient: boolean;
  flags: number;
  payload: Uint8Array;
}

/**
 * The capture file of a trace. `ports`: each service's conventional port (6379 for Redis), which is
 * how Wireshark picks its dissector. `epochMs`: when the channel opened (ms since 1970); each
 * packet's timestamp is that plus its event's `t`, to the microsecond. Frames and undecoded bytes
 * become data segments (a frame over MAX_SEGMENT_PAYLOAD several); `open` the three-way handshake,
 * `close` a FIN from the side that closed, the other's FIN and the last ACK. A hint becomes a comment
 * on the frame it explains, a `dropped` notice a comment on the section.
 */
export function tracePcapng(events: readonly TraceEvent[], ports: Record<string, number>, epochMs = 0): Uint8Array {
  const out = new BlockWriter();
  const hints = new Map<number, string[]>();
  for (const e of events) if (e.kind === 'hint' && e.ref !== undefined) push(hints, e.ref, `hint: ${e.summary}`);
  const dropped = events.filter((e) => e.kind === 'dropped').map((e) => e.summary);
  out.block(SHB_TYPE, sectionHeader(dropped));
  out.block(IDB_TYPE, interfaceDescription());

  const conns = new Map<number, TcpState>();
  const stateOf = (e: TraceEvent): TcpState => {
    let s = conns.get(e.conn);
    if (!s) {
      // A connection the trace did not see open (it began before a limit, or mid-stream): as if
      // the handshake had happened.
      s = {
        clientPort: CLIENT_PORT_BASE + e.conn,
        serverPort: ports[e.service] ?? UNKNOWN_SERVICE_PORT,
        clientNext: CLIENT_ISN + 1,
        serverNext: SERVER_ISN + 1,
      };
      conns.set(e.conn, s);
    }
    return s;
  };
  let ipId = 0;
  for (const e of events) {
    const segments: Segment[] = [];
    const comments: string[] = [];
    /** Bytes of the event the trace did not keep (it keeps a big frame's first TRACE_MAX_FRAME_BYTES). */
    let missing = 0;
    if (e.kind === 'open') {
      const s = stateOf(e);
      s.clientNext = CLIENT_ISN;
      s.serverNext = SERVER_ISN;
      segments.push(
        { fromClient: true, flags: SYN, payload: EMPTY },
        { fromClient: false, flags: SYN | ACK, payload: EMPTY },
        { fromClient: true, flags: ACK, payload: EMPTY },
      );
    } else if (e.kind === 'close') {
      const byClient = e.dir === 'send';
      segments.push(
        { fromClient: byClient, flags: FIN | ACK, payload: EMPTY },
        { fromClient: !byClient, flags: FIN | ACK, payload: EMPTY },
        { fromClient: byClient, flags: ACK, payload: EMPTY },
      );
    } else if (e.kind === 'frame' || e.kind === 'undecoded') {
      const bytes = base64Bytes(e.bytes);
      const fromClient = e.dir === 'send';
      for (let at = 0; at < bytes.length; at += MAX_SEGMENT_PAYLOAD) {
        segments.push({ fromClient, flags: PSH | ACK, payload: bytes.subarray(at, at + MAX_SEGMENT_PAYLOAD) });
      }
      if (e.kind === 'undecoded') comments.push(`not decoded: ${e.summary}`);
      if (e.size !== undefined && e.size > bytes.length) {
        missing = e.size - bytes.length;
        comments.push(`the trace kept the first ${bytes.length} of its ${e.size} bytes`);
      }
      comments.push(...(hints.get(e.seq) ?? []));
    }
    if (segments.length === 0) continue;
    const s = stateOf(e);
    const micros = Math.max(0, Math.round((epochMs + e.t) * 1000));
    segments.forEach((segment, i) => {
      const packet = tcpPacket(s, segment, ipId++ & 0xffff);
      // The comments go on the event's first segment, where Wireshark's list shows the event begin.
      out.block(EPB_TYPE, enhancedPacket(packet, micros, i === 0 ? comments : []));
    });
    // Bytes the trace did not keep still took sequence numbers: Wireshark shows the gap as not captured.
    if (missing > 0) {
      if (e.dir === 'send') s.clientNext = (s.clientNext + missing) >>> 0;
      else s.serverNext = (s.serverNext + missing) >>> 0;
    }
  }
  return out.bytes();
}

const EMPTY = new Uint8Array(0);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** One IPv4 datagram carrying one TCP segment; advances the sender's sequence number. */
function tcpPacket(s: TcpState, segment: Segment, ipId: number): Uint8Array {
  const { fromClient, flags, payload } = segment;
  const packet = new Uint8Array(IPV4_HEADER + TCP_HEADER + payload.length);
  const view = new DataView(packet.buffer);
  // IPv4: version 4, header of 5 words; don't fragment; TTL 64; protocol 6 (TCP).
  view.setUint8(0, 0x45);
  view.setUint16(2, packet.length);
  view.setUint16(4, ipId);
  view.setUint16(6, 0x4000);
  view.setUint8(8, 64);
  view.setUint8(9, 6);
  packet.set(LOOPBACK, 12);
  packet.set(LOOPBACK, 16);
  view.setUint16(10, internetChecksum(packet.subarray(0, IPV4_HEADER)));

  const seq = fromClient ? s.clientNext : s.serverNext;
  const ack = fromClient ? s.serverNext : s.clientNext;
  const tcp = IPV4_HEADER;
  view.setUint16(tcp, fromClient ? s.clientPort : s.serverPort);
  view.setUint16(tcp + 2, fromClient ? s.serverPort : s.clientPort);
  view.setUint32(tcp + 4, seq >>> 0);
  view.setUint32(tcp + 8, flags & ACK ? ack >>> 0 : 0);
  view.setUint8(tcp + 12, (TCP_HEADER / 4) << 4);
  view.setUint8(tcp + 13, flags);
  view.setUint16(tcp + 14, TCP_WINDOW);
  packet.set(payload, IPV4_HEADER + TCP_HEADER);
  view.setUint16(tcp + 16, tcpChecksum(packet));

  // SYN and FIN take a sequence number each, like a byte.
  const used = payload.length + (flags & (SYN | FIN) ? 1 : 0);
  if (fromClient) s.clientNext = (s.clientNext + used) >>> 0;
  else s.serverNext = (s.serverNext + used) >>> 0;
  return packet;
}

/** RFC 1071: the ones' complement of the ones' complement sum of the 16-bit words. */
export function internetChecksum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < data.length; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (data.length % 2) sum += data[data.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Over the pseudo-header (addresses, protocol, TCP length) and the segment (its checksum field zero). */
function tcpChecksum(packet: Uint8Array): number {
  const segment = packet.subarray(IPV4_HEADER);
  let pseudo = 6 + segment.length;
  for (let i = 12; i < 20; i += 2) pseudo += (packet[i] << 8) | packet[i + 1];
  return internetChecksum(segment, pseudo);
}

function sectionHeader(comments: string[]): Uint8Array {
  const fixed = new Uint8Array(16);
  const view = new DataView(fixed.buffer);
  view.setUint32(0, BYTE_ORDER_MAGIC, true);
  view.setUint16(4, 1, true);
  view.setUint16(6, 0, true);
  // Section length: unknown (-1), as a writer that streams would say.
  view.setUint32(8, 0xffffffff, true);
  view.setUint32(12, 0xffffffff, true);
  return concat([
    fixed,
    options([[SHB_USERAPPL, 'Service Playground (trace export)'], ...comments.map((c) => [OPT_COMMENT, c] as const)]),
  ]);
}

function interfaceDescription(): Uint8Array {
  const fixed = new Uint8Array(8);
  const view = new DataView(fixed.buffer);
  view.setUint16(0, LINKTYPE_RAW, true);
  view.setUint32(4, SNAPLEN, true);
  // No if_tsresol option: the default resolution is the microsecond.
  return fixed;
}

function enhancedPacket(packet: Uint8Array, micros: number, comments: readonly string[]): Uint8Array {
  const fixed = new Uint8Array(20);
  const view = new DataView(fixed.buffer);
  view.setUint32(0, 0, true);
  view.setUint32(4, Math.floor(micros / 2 ** 32), true);
  view.setUint32(8, micros % 2 ** 32, true);
  view.setUint32(12, packet.length, true);
  view.setUint32(16, packet.length, true);
  const parts = [fixed, packet, new Uint8Array(pad4(packet.length) - packet.length)];
  if (comments.length > 0) parts.push(options(comments.map((c) => [OPT_COMMENT, c] as const)));
  return concat(parts);
}

/** Options: code, length, value padded to 32 bits; then opt_endofopt. */
function options(list: ReadonlyArray<readonly [number, string]>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [code, text] of list) {
    // An option's length is 16 bits; a hint or a notice is a line, so this cut never shows in practice.
    const value = utf8(text.slice(0, MAX_OPTION_CHARS));
    const head = new Uint8Array(4);
    new DataView(head.buffer).setUint16(0, code, true);
    new DataView(head.buffer).setUint16(2, value.length, true);
    parts.push(head, value, new Uint8Array(pad4(value.length) - value.length));
  }
  parts.push(new Uint8Array([OPT_END, 0, 0, 0]));
  return concat(parts);
}

/** Blocks: type, total length, body (a multiple of 4 bytes), the total length again. */
class BlockWriter {
  private readonly parts: Uint8Array[] = [];

  block(type: number, body: Uint8Array): void {
    const total = 12 + body.length;
    const head = new Uint8Array(8);
    new DataView(head.buffer).setUint32(0, type, true);
    new DataView(head.buffer).setUint32(4, total, true);
    const tail = new Uint8Array(4);
    new DataView(tail.buffer).setUint32(0, total, true);
    this.parts.push(head, body, tail);
  }

  bytes(): Uint8Array {
    return concat(this.parts);
  }
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** UTF-8 without TextEncoder (shared/ has no DOM types; ES2022 has no TextEncoder). */
function utf8(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return new Uint8Array(bytes);
}
