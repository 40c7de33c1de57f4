// WARNING — threat model. A traced terminal's connections pass through this tap: a listener on
// 127.0.0.1 (a free port) that carries each connection to the terminal's real service and hands
// every chunk, both ways, to the terminal's trace. Whoever can connect to it reaches exactly that
// one service, as they could at the service's own port: it adds no reach. It takes connections
// from loopback only, only while its terminal lives, at most MAX_TAP_CONNECTIONS at once, and
// reads nothing it carries but to copy it into the trace (secrets are masked by the decoders).
// Runs never pass through here: their host forwarder (runner/host-forwarder.ts) taps their bytes.
//
// A terminal without `trace` never meets this module: its path costs nothing.
import net from 'node:net';
import type { Endpoint } from '../services/endpoint.ts';
import { parseHostPort } from '../services/net-util.ts';
import type { WireTrace } from './trace.ts';

/** Connections one terminal's tap carries at once (a session, a side connection for Ctrl-C, a reconnect). */
export const MAX_TAP_CONNECTIONS = 8;

export class TerminalTap {
  private server: net.Server | null = null;
  private port = 0;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly service: string,
    private readonly trace: WireTrace,
    /** Where the service answers now (it may move when a managed instance restarts). */
    private readonly target: () => Endpoint | null,
  ) {}

  async listen(): Promise<void> {
    const server = net.createServer({ allowHalfOpen: true }, (inside) => this.carry(inside));
    server.maxConnections = MAX_TAP_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  /** The endpoint the terminal's session connects to: this tap, in the service's own URL form; shown as the real one. */
  through(real: Endpoint): Endpoint {
    return { url: retarget(real, `127.0.0.1:${this.port}`).url, address: real.address };
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    this.server?.close();
    this.server = null;
  }

  private carry(inside: net.Socket): void {
    const real = this.target();
    if (!real || !isLoopback(inside.remoteAddress)) {
      inside.destroy();
      return;
    }
    // The address is host:port with the default port filled in, for a URL that left it out.
    const { host, port } = parseHostPort(real.address, this.service);
    const outside = net.connect({ host, port, allowHalfOpen: true });
    outside.setNoDelay(true);
    inside.setNoDelay(true);
    const conn = this.trace.open(this.service);
    let closedBy: 'send' | 'recv' | null = null;
    for (const s of [inside, outside]) {
      this.sockets.add(s);
      s.on('error', () => {
        inside.destroy();
        outside.destroy();
      });
      s.on('close', () => {
        this.sockets.delete(s);
        closedBy ??= s === inside ? 'send' : 'recv';
        if (inside.destroyed && outside.destroyed) this.trace.close(conn, closedBy);
      });
    }
    inside.on('data', (chunk: Buffer) => this.trace.data(conn, 'send', chunk));
    outside.on('data', (chunk: Buffer) => this.trace.data(conn, 'recv', chunk));
    inside.on('end', () => (closedBy ??= 'send'));
    outside.on('end', () => (closedBy ??= 'recv'));
    // Half-closes travel through (pipe ends the other side); a reset or error drops both.
    inside.pipe(outside);
    outside.pipe(inside);
  }
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::ffff:127.0.0.1' || address === '::1';
}

/**
 * The same endpoint at another host:port: the URL keeps its scheme, credentials, path and query
 * (a vhost, a database), so the adapter reads it exactly as before.
 */
export function retarget(real: Endpoint, hostPort: string): Endpoint {
  const url = real.url;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) return { url: hostPort, address: hostPort };
  const rest = url.slice(scheme[0].length);
  const at = rest.lastIndexOf('@', rest.search(/[/?#]|$/));
  const authEnd = rest.search(/[/?#]|$/);
  const userinfo = at >= 0 && at < authEnd ? rest.slice(0, at + 1) : '';
  return { url: `${scheme[0]}${userinfo}${hostPort}${rest.slice(authEnd)}`, address: hostPort };
}
