// Which address the dashboard shows (and projects) for learners to join. The page's own origin is
// wrong whenever the instructor opened it on loopback: http://127.0.0.1:3000/join/K7QX2M works on
// the instructor's machine and nowhere else. In order of preference: PUBLIC_URL (a reverse proxy, a
// DNS name), the address the page was opened at when others can reach it too, the LAN address the
// server printed at start, and, when the server listens on loopback only, the page's origin with a
// note that nobody else can join.
import type { AddressInfo, Server, Socket } from 'node:net';
import os from 'node:os';
import type { JoinAddress } from '../../shared/classroom-api.ts';

/** IPv4 addresses of this machine that others on the network can reach (also printed at start). */
export function lanAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a && a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

/** A host name or address that means "this machine" only. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h);
}

export interface JoinAddressInput {
  /** PUBLIC_URL, checked (classroom config); undefined when unset. */
  publicUrl: string | undefined;
  /** The request's protocol and Host header, as the instructor's page was opened. */
  protocol: string;
  host: string | undefined;
  /** The address the server is bound to (0.0.0.0 and :: listen on every interface); null: unknown. */
  listening: AddressInfo | null;
  /** The port the request came in on. */
  port: number | undefined;
  lan: string[];
}

export function joinAddress(input: JoinAddressInput): JoinAddress {
  if (input.publicUrl) return { base: input.publicUrl, source: 'public-url', note: null };
  const page = `${input.protocol}://${input.host ?? 'localhost'}`;
  let hostname = 'localhost';
  try {
    hostname = new URL(page).hostname;
  } catch {
    // A malformed Host header: treated as loopback, which only makes the answer more careful.
  }
  if (!isLoopbackHost(hostname)) return { base: page, source: 'page', note: null };
  const bound = input.listening?.address;
  const wide = bound === undefined || bound === '0.0.0.0' || bound === '::';
  if (!wide) {
    return {
      base: page,
      source: 'loopback',
      note: `This server listens on ${bound} only, so no one else can open this link. Start it with HOST=0.0.0.0 (the classroom default), or set PUBLIC_URL.`,
    };
  }
  const [first, ...others] = input.lan;
  if (first === undefined) {
    return {
      base: page,
      source: 'loopback',
      note: 'This machine has no network address others can reach: connect it to the learners’ network, or set PUBLIC_URL.',
    };
  }
  const port = input.port ?? input.listening?.port;
  return {
    base: `${input.protocol}://${first}${port ? `:${port}` : ''}`,
    source: 'lan',
    note:
      others.length > 0
        ? `This machine also answers at ${others.join(', ')}; if learners cannot open this link, use the address of their network, or set PUBLIC_URL.`
        : null,
  };
}

/** The address a request's server socket is bound to (Node keeps the server on its sockets). */
export function listeningAddress(socket: Socket): AddressInfo | null {
  const server = (socket as Socket & { server?: Server }).server;
  const address = server?.address();
  return address && typeof address === 'object' ? address : null;
}
