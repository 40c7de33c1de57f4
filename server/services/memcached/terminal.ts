// memcached's terminal: a raw pipe to the ASCII protocol, exactly as over telnet. Every line goes to
// the server with "\r\n"; every byte the server sends back is shown as it is.
import type net from 'node:net';
import { connectTcp, parseHostPort } from '../net-util.ts';
import type { Endpoint } from '../endpoint.ts';
import type { RawReplies, TerminalOutput, TerminalSession } from '../types.ts';

const CONNECT_TIMEOUT_MS = 3000;

/** Commands whose data block follows on the next line: no reply before it. */
const STORAGE = /^(set|add|replace|append|prepend|cas)\s/i;
/** Replies that end a retrieval (`get`, `gets`, `stats`), and any reply. */
const RETRIEVAL = /^(gets?|gats?|stats)\b/i;
const RETRIEVAL_END = /(?:^|\n)(?:END|ERROR|CLIENT_ERROR[^\r\n]*|SERVER_ERROR[^\r\n]*)\r\n$/;
const ANY_END =
  /(?:^|\n)(?:END|STORED|NOT_STORED|EXISTS|NOT_FOUND|DELETED|TOUCHED|OK|RESET|ERROR|CLIENT_ERROR[^\r\n]*|SERVER_ERROR[^\r\n]*|VERSION [^\r\n]*|\d+)\r\n$/;

/** How a script typing into this terminal knows a reply has come (see RawReplies). */
export const MEMCACHED_REPLIES: RawReplies = {
  expectsReply: (line) => !STORAGE.test(line),
  complete: (line, output) => (RETRIEVAL.test(line) ? RETRIEVAL_END : ANY_END).test(output),
};

class MemcachedTerminal implements TerminalSession {
  private closed = false;
  constructor(
    private readonly socket: net.Socket,
    private readonly output: TerminalOutput,
  ) {
    // latin1 keeps every byte as one character, so binary values survive the trip unchanged.
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => output.write(chunk.replace(/\r?\n/g, '\r\n')));
    socket.on('close', () => {
      if (!this.closed) output.fail('Connection closed by foreign host.');
    });
    socket.on('error', () => {
      /* 'close' follows and reports it */
    });
    output.setSource(socket);
    output.prompt('');
  }

  line(text: string): void {
    // Telnet has no prompt and does not wait for replies: the next line may follow at once (the
    // data block of a `set` must). Replies are written as they arrive.
    this.socket.write(Buffer.from(text + '\r\n', 'latin1'));
    this.output.prompt('');
  }

  interrupt(): void {
    // Nothing runs on the client side; memcached answers every command promptly.
    this.output.prompt('');
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

export async function openMemcachedTerminal(endpoint: Endpoint, output: TerminalOutput): Promise<TerminalSession> {
  const { host, port } = parseHostPort(endpoint.address, 'memcached');
  const socket = await connectTcp(host, port, CONNECT_TIMEOUT_MS);
  return new MemcachedTerminal(socket, output);
}
