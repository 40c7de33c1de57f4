// memcached: the terminal is a raw pipe to the ASCII protocol, exactly as over telnet. Every line
// goes to the server with "\r\n"; every byte the server sends back is shown as it is.
import net from 'node:net';
import type { CommandInfo } from '../../../shared/protocol.ts';
import type { Endpoint, ServiceAdapter, TerminalOutput, TerminalSession } from '../types.ts';
import { MEMCACHED_COMMANDS } from './commands.ts';
import { connectTcp, parseHostPort } from '../net-util.ts';

/** Memory for the private instance, in MB (`-m`). Plenty for lessons, small on a class machine. */
const MANAGED_MEMORY_MB = 64;
/** Simultaneous connections (`-c`). */
const MANAGED_MAX_CONNECTIONS = 1024;

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

/** Sends one command and reads until a line that ends the reply. For probes, not for terminals. */
export async function memcachedCommand(endpoint: Endpoint, command: string, endLine = /^(END|ERROR|VERSION .*)\r\n/m) {
  const { host, port } = parseHostPort(endpoint.address, 'memcached');
  const socket = await connectTcp(host, port, 2000);
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (endLine.test(text)) resolve(text);
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error('memcached closed the connection')));
      socket.write(command + '\r\n');
    });
  } finally {
    socket.destroy();
  }
}

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

export const memcached: ServiceAdapter = {
  name: 'memcached',
  urlEnv: 'MEMCACHED_SERVERS',
  caseInsensitive: false,
  parseUrl(value) {
    const servers = parseMemcachedServers(value);
    // The terminal talks to the first server; snippets get the whole list.
    return { url: servers.map((s) => s.address).join(','), address: servers[0].address };
  },
  managed: {
    aptPackages: ['memcached'],
    binaries: ['/usr/bin/memcached'],
    portCount: 1,
    startTimeoutMs: 5000,
    spawn(ctx) {
      const args = [
        '-l', '127.0.0.1',
        '-p', String(ctx.ports[0]),
        '-U', '0', // no UDP
        '-m', String(MANAGED_MEMORY_MB),
        '-c', String(MANAGED_MAX_CONNECTIONS),
        '-t', '2',
      ];
      // memcached refuses to run as root unless told which user to become.
      if (ctx.isRoot) args.push('-u', 'nobody');
      return { command: '/usr/bin/memcached', args };
    },
    endpoint(ctx) {
      const address = `127.0.0.1:${ctx.ports[0]}`;
      return { url: address, address };
    },
  },
  async probe(endpoint) {
    const reply = await memcachedCommand(endpoint, 'version');
    const match = /^VERSION (\S+)/m.exec(reply);
    if (!match) throw new Error(`unexpected reply to version: ${JSON.stringify(reply)}`);
    return { version: match[1] };
  },
  async commands(): Promise<CommandInfo[]> {
    return MEMCACHED_COMMANDS;
  },
  async openTerminal(endpoint, output) {
    const { host, port } = parseHostPort(endpoint.address, 'memcached');
    const socket = await connectTcp(host, port, 3000);
    return new MemcachedTerminal(socket, output);
  },
};
