// Where an executor listens: a unix socket on this machine (the default, and the only form that
// needs no token), or host:port for an executor on another machine (docs/scaling.md).
import net from 'node:net';

export type ExecutorAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/** Reads "unix:/run/x.sock", "/run/x.sock", "tcp://10.0.0.5:7070" or "10.0.0.5:7070" (and "[::1]:7070"). */
export function parseExecutorAddress(value: string): ExecutorAddress {
  const text = value.trim();
  if (text.startsWith('unix:')) return { kind: 'unix', path: text.slice('unix:'.length) };
  if (text.startsWith('/')) return { kind: 'unix', path: text };
  const match = /^(?:tcp:\/\/)?(\[[^\]]+\]|[^:/\s]+):(\d{1,5})\/?$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65535) {
    throw new Error(
      `an executor address is a unix socket's path or host:port (e.g. /run/playground/executor.sock, tcp://10.0.0.5:7070); got ${JSON.stringify(value)}`,
    );
  }
  return { kind: 'tcp', host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}

export function addressText(address: ExecutorAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  return `tcp://${net.isIPv6(address.host) ? `[${address.host}]` : address.host}:${address.port}`;
}

export function connectTo(address: ExecutorAddress): net.Socket {
  return address.kind === 'unix'
    ? net.connect({ path: address.path })
    : net.connect({ host: address.host, port: address.port, noDelay: true });
}
