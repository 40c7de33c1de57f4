// A service's wire protocol, decoded: the contract between a service's folder (its `wire.ts`,
// named by ServiceAdapter.decode) and the trace (server/wire/), which feeds it the bytes a
// terminal's or a run's connection carried and sends what it makes to the page (shared/trace.ts).
import type { TraceDir, TraceNode } from '../../shared/trace.ts';
import { DIM, UNDIM } from '../../shared/ansi.ts';
import type { Endpoint } from './endpoint.ts';
import { visibleText } from './visible-text.ts';

/** One whole protocol message, as the decoder read it. */
export interface WireMessage {
  dir: TraceDir;
  /** Exactly the bytes it spans, in order, with secrets overwritten (same length). */
  bytes: Buffer;
  /** Ranges of `bytes` overwritten because they held a password or an auth scramble. */
  masked?: [number, number][];
  /** One line: `SET user:1 "Ada"`, `Queue.Declare queue="hello"`, `COM_QUERY SELECT 1`. */
  summary: string;
  tree: TraceNode[];
  /**
   * request: the service answers it, on `key`. reply: it answers the oldest request still waiting
   * on `key`. other: neither (a pub/sub push, a Basic.Publish, a noreply storage command, a heartbeat).
   */
  role: 'request' | 'reply' | 'other';
  /** What pairs requests with replies on one connection: "" for one queue (RESP), the channel for AMQP. */
  key?: string;
  /** An error reply. */
  error?: boolean;
  /** What the service's explain() needs of this message (the command's arguments, the error code). */
  detail?: unknown;
}

/** Bytes a decoder could not read: kept and shown raw, with why. */
export interface WireUndecoded {
  dir: TraceDir;
  bytes: Buffer;
  reason: string;
}

export type WireItem = WireMessage | WireUndecoded;

export function isUndecoded(item: WireItem): item is WireUndecoded {
  return 'reason' in item;
}

/**
 * One connection's decoder, both directions (a reply is read knowing what was asked). It may keep
 * an incomplete message's bytes until the rest arrives. Every byte fed comes back exactly once, in
 * order per direction, in some item: from feed(), or from flush() when the connection ends. It must
 * not throw; if it does, the trace shows the rest of that direction raw.
 */
export interface WireDecoder {
  feed(dir: TraceDir, chunk: Buffer): WireItem[];
  /** The connection ended: what is still held comes back as undecoded ("ended mid-message"). */
  flush(): WireItem[];
}

/** An error reply and what it answered, for the one-line hint beside it. */
export interface ExplainContext {
  /** The learner's service: explain() may ask it (Redis: the key's TYPE; MySQL: the tables that exist). */
  endpoint: Endpoint;
  /** The service's admin access (ServiceAdapter.admin), when it has one: RabbitMQ's management API. */
  admin: unknown;
  /** The request the error answers, when the trace paired one. */
  request?: WireMessage;
  reply: WireMessage;
}

export interface WireProtocol {
  /** As people name it: "RESP", "memcached text protocol", "AMQP 0-9-1", "MySQL protocol". */
  name: string;
  decoder(): WireDecoder;
  /** One short line that explains an error reply, or null when there is nothing to add. Never throws. */
  explain?(ctx: ExplainContext): Promise<string | null>;
}

/**
 * How a terminal writes the hint under a service's error: one dimmed line, as a run's hints look.
 * A hint names what the service holds (a key, a queue, a table), so control characters in it are
 * escaped, line breaks too: it stays one line that nothing in it can recolour or end early.
 */
export function terminalHint(text: string): string {
  return `${DIM}[hint: ${visibleText(text, 'none')}]${UNDIM}\r\n`;
}
