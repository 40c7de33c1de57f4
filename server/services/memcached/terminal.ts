// memcached's terminal: a raw pipe to the ASCII protocol, as over telnet. Every line goes to the
// server as UTF-8 with "\r\n" (as a client library sends text), and what the server sends back is
// shown as telnet shows it, except that control characters in it (a value's ESC, BEL or C1 codes,
// a lone CR or LF) are written as visible escapes (visible-text.ts): a stored value must not drive
// the learner's terminal. The protocol's own CR LF line ends stay line ends. Unlike telnet it says
// where it is: a dim `memcached>` prompt, `data (5/10 bytes)>` while a storage command's data block
// is typed (the browser adds the bytes of the line being typed, shared/live-prompt.ts), a one-line
// note when a data line does not fit what its command declared, and a command's usage after
// memcached's bare `ERROR` for a wrong number of arguments (typed-lines.ts holds those rules). The
// bytes both ways also go through the trace's decoder (wire.ts), so `CLIENT_ERROR bad data chunk`
// gets the trace's hint under it, with the same counts.
import type net from 'node:net';
import { DIM, UNDIM } from '../../../shared/ansi.ts';
import { connectTcp } from '../net-util.ts';
import { VisibleTextDecoder } from '../visible-text.ts';
import { firstServer } from './request.ts';
import type { Endpoint } from '../endpoint.ts';
import type { RawReplies, TerminalOutput, TerminalSession } from '../types.ts';
import { type WireDecoder, type WireItem, isUndecoded, terminalHint } from '../wire-types.ts';
import { rememberStartSettings } from './settings.ts';
import { TypedLines, USAGE_LINE, withUsage } from './typed-lines.ts';
import { memcachedWire } from './wire.ts';
import { type MemcachedCommandDetail, badChunkHint } from './wire-explain.ts';

const CONNECT_TIMEOUT_MS = 3000;

/** Commands whose data block follows on the next line: no reply before it. */
const STORAGE = /^(set|add|replace|append|prepend|cas|ms)\s/;
/** Replies that end a retrieval (`get`, `gets`, `stats`), and any reply. */
const RETRIEVAL = /^(gets?|gats?|stats)\b/;
/** The terminal's own usage or hint line may follow the server's reply (typed-lines.ts, below). */
const HINT_LINE = /\x1b\[2m\[hint: [^\r\n]*\x1b\[22m\r\n/;
const USAGE_AFTER = `(?:${USAGE_LINE.source}|${HINT_LINE.source})?$`;
/** The line the bad-chunk hint goes under. */
const BAD_CHUNK_LINE = /CLIENT_ERROR bad data chunk\r\n/;
const RETRIEVAL_END = new RegExp(
  `(?:^|\\n)(?:END|ERROR|CLIENT_ERROR[^\\r\\n]*|SERVER_ERROR[^\\r\\n]*)\\r\\n${USAGE_AFTER}`,
);
const ANY_END = new RegExp(
  `(?:^|\\n)(?:END|STORED|NOT_STORED|EXISTS|NOT_FOUND|DELETED|TOUCHED|OK|RESET|ERROR|CLIENT_ERROR[^\\r\\n]*|SERVER_ERROR[^\\r\\n]*|VERSION [^\\r\\n]*|HD|NS|EX|NF|EN|MN|\\d+)\\r\\n${USAGE_AFTER}`,
);

/** How a script typing into this terminal knows a reply has come (see RawReplies). */
export const MEMCACHED_REPLIES: RawReplies = {
  expectsReply: (line) => !STORAGE.test(line),
  complete: (line, output) => (RETRIEVAL.test(line) ? RETRIEVAL_END : ANY_END).test(output),
};

class MemcachedTerminal implements TerminalSession {
  private closed = false;
  private socket!: net.Socket;
  private readonly typed = new TypedLines();

  /** Inside a `set`'s data block even `:restart` is data. */
  takesAnyLine(): boolean {
    return this.typed.inDataBlock;
  }
  /** Usage to show after the reply to the last line, if that reply is memcached's ERROR. */
  private pendingUsage: string | null = null;
  /** Set while Ctrl-C opens a new connection: lines wait for the prompt that follows it. */
  private reconnecting = false;
  /** The trace's decoder over this connection's bytes, for the hints it has the counts for. */
  private wire!: WireDecoder;
  /** The storage command whose data block memcached is about to refuse. */
  private badChunk: MemcachedCommandDetail | null = null;

  constructor(
    private readonly endpoint: Endpoint,
    socket: net.Socket,
    private readonly output: TerminalOutput,
  ) {
    this.attach(socket);
    output.prompt(this.typed.prompt());
  }

  private attach(socket: net.Socket): void {
    this.socket = socket;
    const wire = memcachedWire.decoder();
    this.wire = wire;
    this.badChunk = null;
    // UTF-8, as the learner's text went out; a character (or a CR LF) cut between two reads waits
    // for its rest. Escaping here, before the terminal adds its own lines, leaves those lines and
    // their colours alone, and the reply lines the patterns below look for stay as they were.
    const decoder = new VisibleTextDecoder('crlf');
    socket.on('data', (bytes: Buffer) => this.show(decoder.write(bytes), this.hintFor(wire.feed('recv', bytes))));
    socket.on('close', () => {
      if (!this.closed && socket === this.socket) this.output.fail('Connection closed by foreign host.');
    });
    socket.on('error', () => {
      /* 'close' follows and reports it */
    });
    this.output.setSource(socket);
  }

  /** The hint for a `CLIENT_ERROR bad data chunk` among these replies, if one came. */
  private hintFor(replies: WireItem[]): string | null {
    for (const reply of replies) {
      if (isUndecoded(reply) || !reply.error || !reply.summary.startsWith('CLIENT_ERROR bad data chunk')) continue;
      const request = this.badChunk;
      this.badChunk = null;
      if (request?.declared !== undefined) {
        return terminalHint(badChunkHint(request.command, request.declared, request.actual ?? null));
      }
    }
    return null;
  }

  /** Notes a storage command whose data block went bad, from the decoder's reading of what was sent. */
  private noteSent(bytes: Buffer): void {
    for (const item of this.wire.feed('send', bytes)) {
      if (isUndecoded(item) || item.role !== 'request') continue;
      const detail = item.detail as MemcachedCommandDetail;
      if (detail.declared !== undefined && detail.actual !== detail.declared) this.badChunk = detail;
    }
  }

  /** `text`: the server's bytes as visible text, whose only line breaks are CR LF. */
  private show(text: string, hint: string | null = null): void {
    if (!text && !hint) return;
    let shown = text;
    if (hint) {
      // Under memcached's line when it is in this read, else after what came.
      const match = BAD_CHUNK_LINE.exec(shown);
      const at = match ? match.index + match[0].length : shown.length;
      shown = shown.slice(0, at) + hint + shown.slice(at);
    }
    if (this.pendingUsage) {
      const withNote = withUsage(shown, this.pendingUsage);
      if (withNote !== null) {
        shown = withNote;
        this.pendingUsage = null;
      }
    }
    this.output.write(shown);
  }

  line(text: string): void {
    // Telnet does not wait for replies: the next line may follow at once (the data block of a
    // `set` must). Replies are written as they arrive, above the prompt.
    const typed = this.typed.send(text);
    // A usage is for this line's reply only; a reply that never came leaves nothing for the next.
    this.pendingUsage = typed.usage;
    const bytes = Buffer.from(text + '\r\n', 'utf8');
    this.noteSent(bytes);
    this.socket.write(bytes);
    if (typed.note) this.output.write(typed.note);
    this.output.prompt(this.typed.prompt());
  }

  interrupt(): void {
    if (!this.typed.inDataBlock || this.reconnecting) {
      // Nothing runs on the client side; memcached answers every command promptly.
      this.output.prompt(this.typed.prompt());
      return;
    }
    // memcached has no way to cancel a data block: it reads the declared bytes whatever they are.
    // A new connection is the only clean way out; the old one goes with the half-typed block.
    const block = this.typed.dropBlock()!;
    this.reconnecting = true;
    const old = this.socket;
    const { host, port } = firstServer(this.endpoint);
    connectTcp(host, port, CONNECT_TIMEOUT_MS).then(
      (socket) => {
        this.reconnecting = false;
        if (this.closed) return void socket.destroy();
        this.attach(socket);
        old.destroy();
        this.output.write(
          `${DIM}(the ${block.command} was dropped: memcached cannot cancel a data block, so this terminal opened a new connection)${UNDIM}\r\n`,
        );
        this.output.prompt(this.typed.prompt());
      },
      (err: unknown) => {
        this.reconnecting = false;
        if (!this.closed) this.output.fail(`cannot connect to memcached again: ${(err as Error).message}`);
      },
    );
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

export async function openMemcachedTerminal(endpoint: Endpoint, output: TerminalOutput): Promise<TerminalSession> {
  const { host, port } = firstServer(endpoint);
  const socket = await connectTcp(host, port, CONNECT_TIMEOUT_MS);
  // Before the first prompt, so a setting the learner is about to change is known as it was.
  await rememberStartSettings(endpoint);
  return new MemcachedTerminal(endpoint, socket, output);
}
