// One command over a short-lived socket, for probes, checks, resets and the classroom's flush —
// never for terminals, which keep their own connection (terminal.ts).
import { connectTcp, parseHostPort } from '../net-util.ts';
import type { Endpoint } from '../endpoint.ts';

/** Lines that end a reply, for commands whose reply is one line or ends in END. */
const REPLY_END = /^(END|ERROR|VERSION .*)\r\n/m;
const CONNECT_TIMEOUT_MS = 2000;
/** A reply that has not ended by then never will: memcached is stuck or the end line was wrong. */
const REPLY_TIMEOUT_MS = 10_000;

/** `MEMCACHED_SERVERS`' form: "host:port[,host:port…]" → one endpoint each. */
export function parseMemcachedServers(value: string): Endpoint[] {
  const servers = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (servers.length === 0) throw new Error('MEMCACHED_SERVERS is empty; expected host:port[,host:port…]');
  return servers.map((s) => {
    const { host, port } = parseHostPort(s, 'MEMCACHED_SERVERS');
    return { url: `${host}:${port}`, address: `${host}:${port}` };
  });
}

/** The servers of an endpoint: a client library spreads keys over all of them. */
export function memcachedServers(endpoint: Endpoint): Endpoint[] {
  return endpoint.url
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((address) => ({ url: address, address }));
}

/** Where to connect to an endpoint's first server: its URL's (the address is what is shown). */
export function firstServer(endpoint: Endpoint): { host: string; port: number } {
  return parseHostPort(endpoint.url.split(',')[0].trim(), 'memcached');
}

/** Sends one command and reads until a line that ends the reply. */
export async function memcachedCommand(endpoint: Endpoint, command: string, endLine = REPLY_END): Promise<string> {
  const { host, port } = firstServer(endpoint);
  const socket = await connectTcp(host, port, CONNECT_TIMEOUT_MS);
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = '';
      // latin1 keeps every byte as one character, so binary values survive the trip unchanged.
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (endLine.test(text)) resolve(text);
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error('memcached closed the connection')));
      socket.setTimeout(REPLY_TIMEOUT_MS, () =>
        reject(
          new Error(
            `memcached did not finish its reply to "${command.split('\r\n')[0]}" within ${REPLY_TIMEOUT_MS} ms`,
          ),
        ),
      );
      socket.write(command + '\r\n');
    });
  } finally {
    socket.destroy();
  }
}
