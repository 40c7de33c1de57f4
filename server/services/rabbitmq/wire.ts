// AMQP 0-9-1 for the trace ("show the wire"; the contract is ../wire-types.ts): one connection's
// bytes, both ways, cut into frames as amqplib frames them (type, channel, size, payload, 0xCE)
// and read with amqplib's codec (wire-fields.ts). A content-carrying method (Basic.Publish,
// Deliver, Return, Get-Ok) and the header and body frames that follow it on its channel make one
// message, since that is one message to the learner; every other frame is one message.
//
// Pairing. The trace pairs a reply with the oldest request still waiting on the same key, whoever
// sent either, so the key says the channel, who asked, and which opening of the channel it is:
//   "1"         a request the client sent on channel 1 (Queue.Declare → Queue.Declare-Ok);
//   "0:server"  one the broker sent on channel 0 (Connection.Start → Start-Ok, Tune → Tune-Ok);
//               "1:server" on channel 1 (a Channel.Close of its own, answered with Close-Ok);
//   "1/2"       channel 1 opened a second time: a request the broker never answered before the
//               channel closed (it drops them) must not take the new channel's replies.
// A broker's Channel.Close while the client waits on that channel answers that request (it is why
// the request failed; its hint needs the request): it is then a reply, and the client's Close-Ok
// that follows pairs with nothing. Connection.Close likewise answers the last request waiting.
// A method sent with no_wait=true has no reply and is no request.
import type { TraceDir, TraceNode } from '../../../shared/trace.ts';
import { TRACE_VALUE_CHARS } from '../../../shared/trace.ts';
import type { WireDecoder, WireItem, WireMessage, WireProtocol } from '../wire-types.ts';
import {
  FRAME_HEADER_BYTES,
  FieldError,
  bodyValue,
  decodeHeaderFrame,
  decodeMethodFrame,
  methodView,
  type DecodedHeader,
  type DecodedMethod,
} from './wire-fields.ts';
import { explainWire } from './wire-explain.ts';
import { errorText } from '../../util/errors.ts';

const FRAME_METHOD = 1;
const FRAME_HEADER = 2;
const FRAME_BODY = 3;
const FRAME_HEARTBEAT = 8;
const FRAME_END = 0xce;
/** "AMQP" then 0, 0, 9, 1: what a client sends first (and a broker answers a version it lacks with). */
const PROTOCOL_HEADER_BYTES = 8;
const A = 0x41;
/**
 * The largest frame believed before Connection.Tune-Ok settles frame_max: the spec allows 4096
 * until then; RabbitMQ's default frame_max is taken so that a client that jumps ahead still reads.
 * A size past the limit is not waited for: the bytes are not AMQP frames (or not in step).
 */
const UNNEGOTIATED_FRAME_MAX = 131_072;
/** frame_max=0 means "no limit"; a frame this large is still taken for garbage. */
const UNLIMITED_FRAME_MAX = 16 * 1024 * 1024;
/** Spec reply codes from here up are errors (200 is a normal close). */
const FIRST_ERROR_CODE = 300;

/** What explain() reads of a message (WireMessage.detail). */
export interface AmqpDetail {
  /** "Queue.Declare", "Channel.Close", or "Heartbeat" / "Protocol header" / "Content header" / "Content body". */
  method: string;
  channel: number;
  /** The method's fields as amqplib names them (camelCase), secrets left out. */
  fields?: Record<string, unknown>;
  /** Channel.Close / Connection.Close: the code and text, and the method that failed ("Queue.Declare"). */
  replyCode?: number;
  replyText?: string;
  failedMethod?: string;
  /** A message's body size and properties. */
  bodySize?: number;
  properties?: Record<string, unknown>;
}

interface Frame {
  type: number;
  channel: number;
  /** The whole frame, header and frame-end included. */
  bytes: Buffer;
}

/** A content method whose header and body frames are still being read. */
interface Content {
  method: DecodedMethod;
  frames: Buffer[];
  length: number;
  header: DecodedHeader | null;
  headerAt: number;
  body: Buffer[];
  received: number;
  dir: TraceDir;
}

/** One direction's bytes not yet read, kept as chunks so a large frame in many reads is copied once. */
interface Pending {
  chunks: Buffer[];
  length: number;
  /** Bytes needed before it is worth looking again. */
  need: number;
  content: Content | null;
}

class AmqpDecoder implements WireDecoder {
  private readonly pending: Record<TraceDir, Pending> = {
    send: { chunks: [], length: 0, need: 1, content: null },
    recv: { chunks: [], length: 0, need: 1, content: null },
  };
  private frameMax = UNNEGOTIATED_FRAME_MAX;
  /** Requests waiting for their reply, per key, and the keys in the order the requests came. */
  private readonly waiting = new Map<string, number>();
  private readonly order: string[] = [];
  /** Each channel's opening count, from 1; and channels closed since they last opened. */
  private readonly generation = new Map<number, number>();
  private readonly closed = new Set<number>();
  /** Channels (0: the connection) whose broker Close was a reply: the Close-Ok answering it pairs with nothing. */
  private readonly closeWasReply = new Set<number>();

  /** How far read() has come in the buffer it reads: what an unexpected failure hands back raw. */
  private at = 0;

  feed(dir: TraceDir, chunk: Buffer): WireItem[] {
    const out: WireItem[] = [];
    const p = this.pending[dir];
    if (chunk.length === 0) return out;
    p.chunks.push(chunk);
    p.length += chunk.length;
    if (p.length < p.need) return out;
    const buf = p.chunks.length === 1 ? p.chunks[0] : Buffer.concat(p.chunks, p.length);
    this.at = 0;
    try {
      this.read(dir, buf, out);
    } catch (err) {
      // Not expected; the contract still wants every byte back once, so what is held goes out raw.
      out.push(...this.held(dir, buf.subarray(this.at), `the decoder failed here (${errorText(err)})`));
      this.at = buf.length;
    }
    const rest = buf.subarray(this.at);
    p.chunks = rest.length ? [rest] : [];
    p.length = rest.length;
    if (p.need <= p.length) p.need = p.length + 1;
    return out;
  }

  flush(): WireItem[] {
    const out: WireItem[] = [];
    for (const dir of ['send', 'recv'] as const) {
      const p = this.pending[dir];
      out.push(...this.held(dir, Buffer.concat(p.chunks, p.length), 'the connection ended mid-frame'));
      p.chunks = [];
      p.length = 0;
      p.need = 1;
    }
    return out;
  }

  /** A content method still waiting for its frames, then `rest` unread: both go out as they are. */
  private held(dir: TraceDir, rest: Buffer, reason: string): WireItem[] {
    const out: WireItem[] = [];
    const content = this.pending[dir].content;
    this.pending[dir].content = null;
    if (content) out.push(this.finishContent(content, false));
    if (rest.length) out.push({ dir, bytes: rest, reason });
    return out;
  }

  /** Reads whole frames from `buf`, leaving `this.at` where the unread bytes begin. */
  private read(dir: TraceDir, buf: Buffer, out: WireItem[]): void {
    const p = this.pending[dir];
    let pos = 0;
    for (; pos < buf.length; this.at = pos) {
      const avail = buf.length - pos;
      if (buf[pos] === A) {
        if (avail < PROTOCOL_HEADER_BYTES) {
          p.need = PROTOCOL_HEADER_BYTES;
          return;
        }
        if (buf.toString('latin1', pos, pos + 4) === 'AMQP') {
          this.endContent(dir, out);
          out.push(protocolHeader(dir, buf.subarray(pos, pos + PROTOCOL_HEADER_BYTES)));
          pos += PROTOCOL_HEADER_BYTES;
          continue;
        }
      }
      if (avail < FRAME_HEADER_BYTES) {
        p.need = FRAME_HEADER_BYTES;
        return;
      }
      const type = buf[pos];
      const size = buf.readUInt32BE(pos + 3);
      let problem = this.frameProblem(type, size);
      const total = FRAME_HEADER_BYTES + size + 1;
      if (!problem && avail < total) {
        p.need = total;
        return;
      }
      const end = buf[pos + total - 1];
      if (!problem && end !== FRAME_END) problem = `the frame-end byte is 0x${hex(end)}, not 0xCE`;
      if (problem) {
        const next = this.resync(buf, pos + 1);
        this.endContent(dir, out);
        out.push({ dir, bytes: buf.subarray(pos, next), reason: `not an AMQP frame: ${problem}` });
        pos = next;
        continue;
      }
      this.frame(dir, { type, channel: buf.readUInt16BE(pos + 1), bytes: buf.subarray(pos, pos + total) }, out);
      pos += total;
    }
    this.at = pos;
    p.need = 1;
  }

  private frameProblem(type: number, size: number): string | null {
    if (type !== FRAME_METHOD && type !== FRAME_HEADER && type !== FRAME_BODY && type !== FRAME_HEARTBEAT)
      return `frame type ${type} is none of method (1), header (2), body (3), heartbeat (8)`;
    if (size > this.frameMax) return `a frame of ${size} bytes is over frame_max (${this.frameMax})`;
    return null;
  }

  /**
   * Where the next frame plausibly starts after unreadable bytes: a known frame type and a size
   * within frame_max whose frame-end byte is 0xCE where it should be (or still to come), a method
   * frame naming a known method, or the protocol header. Answers buf.length when there is none.
   */
  private resync(buf: Buffer, from: number): number {
    for (let q = from; q < buf.length; q++) {
      const type = buf[q];
      const avail = buf.length - q;
      if (type === A) {
        const seen = buf.toString('latin1', q, Math.min(q + 4, buf.length));
        if ('AMQP'.startsWith(seen)) return q;
        continue;
      }
      if (type !== FRAME_METHOD && type !== FRAME_HEADER && type !== FRAME_BODY && type !== FRAME_HEARTBEAT) continue;
      if (avail < FRAME_HEADER_BYTES) return q;
      const channel = buf.readUInt16BE(q + 1);
      const size = buf.readUInt32BE(q + 3);
      if (size > this.frameMax) continue;
      if (type === FRAME_HEARTBEAT && (channel !== 0 || size !== 0)) continue;
      if (type === FRAME_METHOD && size < 4) continue;
      if (type === FRAME_HEADER && size < 14) continue;
      if (type === FRAME_METHOD && avail >= FRAME_HEADER_BYTES + 4 && !methodView(buf.readUInt32BE(q + 7))) continue;
      const total = FRAME_HEADER_BYTES + size + 1;
      if (avail < total || buf[q + total - 1] === FRAME_END) return q;
    }
    return buf.length;
  }

  // --- frames into messages ---

  private frame(dir: TraceDir, frame: Frame, out: WireItem[]): void {
    const p = this.pending[dir];
    const content = p.content;
    if (content && frame.channel === content.method.channel) {
      if (frame.type === FRAME_HEADER && !content.header) {
        try {
          content.header = decodeHeaderFrame(frame.bytes, frame.channel, content.length);
        } catch (err) {
          return this.unreadable(dir, frame, err, out);
        }
        content.headerAt = content.frames.length;
        this.addFrame(content, frame.bytes);
        if (content.header.bodySize === 0) this.endContent(dir, out);
        return;
      }
      if (frame.type === FRAME_BODY && content.header) {
        const payload = frame.bytes.subarray(FRAME_HEADER_BYTES, frame.bytes.length - 1);
        content.body.push(payload);
        content.received += payload.length;
        this.addFrame(content, frame.bytes);
        if (content.received >= content.header.bodySize) this.endContent(dir, out);
        return;
      }
    }
    this.endContent(dir, out);
    switch (frame.type) {
      case FRAME_METHOD: {
        let method: DecodedMethod;
        try {
          method = decodeMethodFrame(frame.bytes, frame.channel, 0);
        } catch (err) {
          return this.unreadable(dir, frame, err, out);
        }
        if (method.view.content) {
          p.content = {
            method,
            frames: [method.bytes],
            length: method.bytes.length,
            header: null,
            headerAt: -1,
            body: [],
            received: 0,
            dir,
          };
          return;
        }
        out.push(this.methodMessage(dir, method));
        return;
      }
      case FRAME_HEADER: {
        let header: DecodedHeader;
        try {
          header = decodeHeaderFrame(frame.bytes, frame.channel, 0);
        } catch (err) {
          return this.unreadable(dir, frame, err, out);
        }
        out.push({
          dir,
          bytes: frame.bytes,
          summary: `Content header channel ${frame.channel} (${header.bodySize} bytes), after no content method`,
          tree: [header.node],
          role: 'other',
          detail: { method: 'Content header', channel: frame.channel, bodySize: header.bodySize },
        });
        return;
      }
      case FRAME_BODY: {
        const size = frame.bytes.length - FRAME_HEADER_BYTES - 1;
        out.push({
          dir,
          bytes: frame.bytes,
          summary: `Content body channel ${frame.channel} (${size} bytes), after no content header`,
          tree: [bodyFrameNode(frame, 0), bodyNode([frame.bytes.subarray(FRAME_HEADER_BYTES, -1)], size)],
          role: 'other',
          detail: { method: 'Content body', channel: frame.channel, bodySize: size },
        });
        return;
      }
      default:
        out.push({
          dir,
          bytes: frame.bytes,
          summary: 'Heartbeat',
          tree: [{ label: 'heartbeat frame', value: `channel ${frame.channel}`, at: [0, frame.bytes.length] }],
          role: 'other',
          detail: { method: 'Heartbeat', channel: frame.channel },
        });
    }
  }

  private unreadable(dir: TraceDir, frame: Frame, err: unknown, out: WireItem[]): void {
    if (!(err instanceof FieldError) && !(err instanceof RangeError) && !(err instanceof TypeError)) throw err;
    this.endContent(dir, out);
    out.push({ dir, bytes: frame.bytes, reason: `an AMQP frame that does not read: ${err.message}` });
  }

  private addFrame(content: Content, bytes: Buffer): void {
    content.frames.push(bytes);
    content.length += bytes.length;
  }

  /** A content method that was waiting for its frames goes out (whole, or as far as it came). */
  private endContent(dir: TraceDir, out: WireItem[]): void {
    const content = this.pending[dir].content;
    if (!content) return;
    this.pending[dir].content = null;
    out.push(this.finishContent(content, content.header !== null && content.received >= content.header.bodySize));
  }

  /** The content's message; should putting it together fail, its frames as they are. */
  private finishContent(content: Content, complete: boolean): WireItem {
    try {
      return this.contentMessage(content, complete);
    } catch (err) {
      const bytes = Buffer.concat(content.frames, content.length);
      return { dir: content.dir, bytes, reason: `the decoder failed here (${errorText(err)})` };
    }
  }

  private contentMessage(content: Content, complete: boolean): WireMessage {
    const message = this.methodMessage(content.dir, content.method);
    const tree: TraceNode[] = [content.method.node];
    let at = content.method.bytes.length;
    const size = content.header?.bodySize;
    content.frames.forEach((bytes, i) => {
      if (i === 0) return;
      if (i === content.headerAt) tree.push(content.header!.node);
      else tree.push(bodyFrameNode({ type: FRAME_BODY, channel: content.method.channel, bytes }, at));
      at += bytes.length;
    });
    if (content.header) tree.push(bodyNode(content.body, content.received));
    let note: string;
    if (size === undefined) note = 'its content header never came';
    else if (complete) note = `${size} bytes`;
    else note = `${size} bytes, only ${content.received} came`;
    message.bytes = content.frames.length === 1 ? content.frames[0] : Buffer.concat(content.frames, content.length);
    message.summary = `${message.summary} (${note})`;
    message.tree = tree;
    const detail = message.detail as AmqpDetail;
    if (content.header) {
      detail.bodySize = size;
      detail.properties = content.header.properties;
    }
    return message;
  }

  // --- methods: roles and keys ---

  private methodMessage(dir: TraceDir, method: DecodedMethod): WireMessage {
    const { view, channel, fields } = method;
    const detail: AmqpDetail = { method: view.name, channel, fields };
    const message: WireMessage = {
      dir,
      bytes: method.bytes,
      summary: method.summary,
      tree: [method.node],
      role: 'other',
      detail,
    };
    if (method.masked.length) message.masked = method.masked;
    const name = view.info.name;
    if (name === 'ChannelClose' || name === 'ConnectionClose') {
      detail.replyCode = Number(fields.replyCode);
      detail.replyText = String(fields.replyText);
      const failed = methodView(Number(fields.classId) * 65536 + Number(fields.methodId));
      if (failed) detail.failedMethod = failed.name;
      if (dir === 'recv' && detail.replyCode >= FIRST_ERROR_CODE) message.error = true;
    }
    if (name === 'ConnectionTune' || name === 'ConnectionTuneOk') {
      const max = Number(fields.frameMax);
      this.frameMax = max === 0 ? UNLIMITED_FRAME_MAX : Math.max(max, 4096);
    }
    this.pair(dir, method, message);
    return message;
  }

  private key(channel: number, askedBy: TraceDir): string {
    const generation = this.generation.get(channel) ?? 1;
    const base = generation > 1 ? `${channel}/${generation}` : `${channel}`;
    return askedBy === 'send' ? base : `${base}:server`;
  }

  private pair(dir: TraceDir, method: DecodedMethod, message: WireMessage): void {
    const { view, channel, fields } = method;
    const name = view.info.name;
    const other: TraceDir = dir === 'send' ? 'recv' : 'send';
    if (name === 'ChannelOpen' && dir === 'send' && this.closed.delete(channel)) {
      this.generation.set(channel, (this.generation.get(channel) ?? 1) + 1);
    }
    if ((name === 'ChannelClose' || name === 'ConnectionClose') && dir === 'recv') {
      const answered = name === 'ChannelClose' ? this.key(channel, 'send') : this.lastWaiting();
      if (answered && (this.waiting.get(answered) ?? 0) > 0) {
        this.closeWasReply.add(channel);
        return this.reply(message, answered);
      }
    }
    if (
      (name === 'ChannelCloseOk' || name === 'ConnectionCloseOk') &&
      dir === 'send' &&
      this.closeWasReply.delete(channel)
    ) {
      this.channelClosed(channel);
      return;
    }
    if (view.reply) {
      this.reply(message, this.key(channel, other));
      if (name === 'ChannelCloseOk') this.channelClosed(channel);
      return;
    }
    if (view.synchronous && fields.nowait !== true) {
      const key = this.key(channel, dir);
      message.role = 'request';
      message.key = key;
      this.waiting.set(key, (this.waiting.get(key) ?? 0) + 1);
      this.order.push(key);
    }
  }

  private reply(message: WireMessage, key: string): void {
    message.role = 'reply';
    message.key = key;
    const count = this.waiting.get(key) ?? 0;
    if (count > 0) {
      this.waiting.set(key, count - 1);
      this.order.splice(this.order.indexOf(key), 1);
    }
  }

  /** The key of the client's request sent last that is still waiting, if any. */
  private lastWaiting(): string | undefined {
    for (let i = this.order.length - 1; i >= 0; i--) if (!this.order[i].endsWith(':server')) return this.order[i];
    return undefined;
  }

  /** A channel's requests still waiting never get an answer; its next opening gets new keys. */
  private channelClosed(channel: number): void {
    this.closed.add(channel);
    for (const askedBy of ['send', 'recv'] as const) {
      const key = this.key(channel, askedBy);
      this.waiting.delete(key);
      for (let i = this.order.indexOf(key); i >= 0; i = this.order.indexOf(key)) this.order.splice(i, 1);
    }
  }
}

function protocolHeader(dir: TraceDir, bytes: Buffer): WireMessage {
  const [id, major, minor, revision] = bytes.subarray(4, 8);
  const version = id === 0 ? `${major}-${minor}-${revision}` : `${major}-${minor}-${revision} (protocol id ${id})`;
  return {
    dir,
    bytes,
    summary: `Protocol header AMQP ${version}`,
    tree: [
      {
        label: 'protocol header',
        value: `AMQP ${version}`,
        at: [0, bytes.length],
        children: [
          { label: 'protocol', value: '"AMQP"', at: [0, 4] },
          { label: 'protocol id', value: String(id), at: [4, 5] },
          { label: 'version', value: `${major}-${minor}-${revision}`, at: [5, 8] },
        ],
      },
    ],
    role: 'other',
    detail: { method: 'Protocol header', channel: 0 },
  };
}

function bodyFrameNode(frame: Frame, at: number): TraceNode {
  const size = frame.bytes.length - FRAME_HEADER_BYTES - 1;
  return {
    label: 'content body',
    value: `channel ${frame.channel}, ${size} bytes`,
    at: [at, at + frame.bytes.length],
    children: [{ label: 'channel', value: String(frame.channel), at: [at + 1, at + 3] }],
  };
}

/** The message body, put together from its frames (only as much as the tree shows is copied). */
function bodyNode(parts: Buffer[], size: number): TraceNode {
  const wanted = TRACE_VALUE_CHARS * 4;
  const head: Buffer[] = [];
  let have = 0;
  for (const part of parts) {
    if (have >= wanted) break;
    head.push(part);
    have += part.length;
  }
  const shown = Buffer.concat(head, Math.min(have, wanted));
  return { label: 'body', value: bodyValueOf(shown, size) };
}

/** bodyValue() of the first bytes, with the size of the whole body. */
function bodyValueOf(head: Buffer, size: number): string {
  const value = bodyValue(head, TRACE_VALUE_CHARS);
  if (head.length >= size) return value;
  return `${value.replace(/… \(\d+ bytes\)$/, '')}… (${size} bytes)`;
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

export const rabbitmqWire: WireProtocol = {
  name: 'AMQP 0-9-1',
  decoder: () => new AmqpDecoder(),
  explain: explainWire,
};
