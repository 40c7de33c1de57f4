// The server's half of a run's network: a unix socket per forwarded service in the sandbox's net/
// directory (bound into the sandbox), each connection carried to the one real endpoint it names.
// This is the only way out of the sandbox's network namespace, so what a run can reach is decided
// here, by the server, whatever the code inside does with the sockets. An executor on another
// machine `dial`s through the web server instead (executor/tunnel.ts), which decides it there.
// Forwards to one endpoint (a variable's port and the conventional one) share a socket; a forward's
// filter (forward-filters.ts) rewrites what the run sends on the way.
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { MAX_FORWARDED_CONNECTIONS } from './run-limits.ts';
import { forwardFilter } from '../services/forward-filters.ts';
import { socketForward, type Forward } from './run-network.ts';
import type { Dial } from './types.ts';
import type { RunWireTap } from './wire-tap.ts';

export function socketName(port: number): string {
  return `${port}.sock`;
}

export interface HostForwarder {
  close(): Promise<void>;
}

const dialTcp: Dial = (forward) => {
  const socket = net.connect({ host: forward.host, port: forward.targetPort, allowHalfOpen: true });
  socket.setNoDelay(true);
  return socket;
};

export async function openHostForwarder(
  netDir: string,
  forwards: Forward[],
  dial: Dial = dialTcp,
  /** A traced run: every connection's bytes, both ways, are copied here as they pass. */
  tap?: RunWireTap,
): Promise<HostForwarder> {
  const servers: net.Server[] = [];
  const sockets = new Set<Duplex>();
  const close = async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  };
  try {
    for (const forward of forwards) {
      if (socketForward(forwards, forward) !== forward) continue;
      const filter = forward.filter;
      const server = net.createServer({ allowHalfOpen: true }, (inside) => {
        const outside = dial(forward);
        const rewrite = filter ? forwardFilter(filter) : null;
        if (tap) copyTo(tap, forward.port, inside, outside);
        for (const s of rewrite ? [inside, rewrite, outside] : [inside, outside]) {
          sockets.add(s);
          s.on('error', () => {
            inside.destroy();
            rewrite?.destroy();
            outside.destroy();
          });
          s.on('close', () => sockets.delete(s));
        }
        // Half-closes travel through (pipe ends the other side); a reset or error drops both.
        (rewrite ? inside.pipe(rewrite) : inside).pipe(outside);
        outside.pipe(inside);
      });
      server.maxConnections = MAX_FORWARDED_CONNECTIONS;
      servers.push(server);
      const file = path.join(netDir, socketName(forward.port));
      await fs.rm(file, { force: true });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(file, () => resolve());
      });
      // The sandbox's uid connects; a unix socket needs write permission for that.
      await fs.chmod(file, 0o666);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { close };
}

/** The program's bytes as it sent them (before a filter's rewrite), and the service's as they came. */
function copyTo(tap: RunWireTap, port: number, inside: Duplex, outside: Duplex): void {
  const conn = tap.open(port);
  let by: 'send' | 'recv' | null = null;
  let closes = 0;
  inside.on('data', (chunk: Buffer) => tap.data(conn, port, 'send', chunk));
  outside.on('data', (chunk: Buffer) => tap.data(conn, port, 'recv', chunk));
  inside.on('end', () => (by ??= 'send'));
  outside.on('end', () => (by ??= 'recv'));
  const closed = (side: 'send' | 'recv') => () => {
    by ??= side;
    if (++closes === 2) tap.close(conn, port, by);
  };
  inside.on('close', closed('send'));
  outside.on('close', closed('recv'));
}
