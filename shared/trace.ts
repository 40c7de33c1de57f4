// What a trace is: the bytes a terminal or a snippet run exchanged with each service, decoded,
// as the server sends them (`trace` frames, docs/protocol.md) and the page shows and exports them
// (client/src/wire/). One definition for both sides.

/** Frames a trace keeps per run or terminal; past it, it counts what it dropped (a `dropped` event). */
export const TRACE_MAX_FRAMES = 2000;
/** Bytes of traffic a trace keeps per run or terminal; past it, as for frames. */
export const TRACE_MAX_BYTES = 1024 * 1024;
/** Bytes of one frame a trace keeps: a bigger message keeps its first this many, its whole size in `size`. */
export const TRACE_MAX_FRAME_BYTES = 64 * 1024;
/** A decoded value (a message body, a column's value) longer than this is cut in the tree, its full size said. */
export const TRACE_VALUE_CHARS = 256;
/** Bytes of one frame the hex view shows before it says how many more there are. */
export const TRACE_HEX_VIEW_BYTES = 4096;

/** Which way the bytes went: `send` from the client (a terminal, a program) to the service, `recv` back. */
export type TraceDir = 'send' | 'recv';

/**
 * One node of a frame's decoded tree. `at` is the byte range [start, end) of the frame it covers,
 * when it covers one; `secret` marks a value that was never shown (a password, an auth scramble),
 * whose bytes in the frame were overwritten too.
 */
export interface TraceNode {
  label: string;
  value?: string;
  at?: [number, number];
  secret?: true;
  children?: TraceNode[];
}

/**
 * frame: a whole protocol message (a command, a reply, an AMQP method with its content, a MySQL
 * result set). open/close: a connection began or ended (`dir` says who ended it: `send` the
 * client, `recv` the service). undecoded: bytes a decoder could not read, shown raw with the reason
 * in `summary`. hint: a line that explains the error frame `ref`, computed from what was sent.
 * dropped: the trace reached a limit; `summary` says how much it left out.
 */
export type TraceEventKind = 'frame' | 'open' | 'close' | 'undecoded' | 'hint' | 'dropped';

export interface TraceEvent {
  /** 0, 1, 2… in the order the server saw them; the same across a reload's replay. */
  seq: number;
  kind: TraceEventKind;
  /** Milliseconds since the terminal or run was opened. */
  t: number;
  /** The connection, numbered from 1 per terminal or run in the order they opened. */
  conn: number;
  /** A service's id ("redis"). */
  service: string;
  dir: TraceDir;
  /** Base64 of exactly the bytes of this event (empty for open, close, hint, dropped); secrets overwritten. */
  bytes: string;
  /** One line, in the names people know: `SET user:1 "Ada"`, `Basic.Publish exchange="" routing_key="hello"`. */
  summary: string;
  /** When `bytes` was cut to TRACE_MAX_FRAME_BYTES: the frame's whole size. */
  size?: number;
  /** A frame: its decoded fields. */
  tree?: TraceNode[];
  /** A frame: byte ranges overwritten because they held a secret. */
  masked?: [number, number][];
  /** A frame that answers a request: that request's `seq`. */
  pair?: number;
  /** With `pair`: milliseconds between the request's last byte and this reply's. */
  latency?: number;
  /** A frame that is an error reply (ERR, CLIENT_ERROR, Connection.Close with a code, a MySQL ERR packet). */
  error?: true;
  /** Which write (send) or read (recv) on its connection carried it, from 1: five commands of one pipeline share one. */
  write?: number;
  /** A hint: the `seq` of the frame it explains. */
  ref?: number;
}

/** How the page shows a decoded value: quoted, control bytes escaped, cut past TRACE_VALUE_CHARS. */
export function quoteValue(bytes: Uint8Array | string, limit = TRACE_VALUE_CHARS): string {
  const text = typeof bytes === 'string' ? bytes : latin1(bytes);
  const size = typeof bytes === 'string' ? bytes.length : bytes.length;
  let out = '"';
  for (const ch of text.slice(0, limit)) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  out += '"';
  return size > limit ? `${out}… (${size} bytes)` : out;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  const end = Math.min(bytes.length, TRACE_VALUE_CHARS * 4);
  for (let i = 0; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
