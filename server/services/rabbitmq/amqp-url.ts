// AMQP_URL, `amqp://user:pass@host:port[/vhost]`, as RabbitMQ's own URI spec reads it: the vhost is
// the path without its leading slash, URL-encoded (`/%2F` and no path at all both mean "/").
import type { Options } from 'amqplib';
import type { Endpoint } from '../endpoint.ts';

export const AMQP_URL_ENV = 'AMQP_URL';
const DEFAULT_AMQP_PORT = 5672;
const EXPECTED = 'expected amqp://user:pass@host:port[/vhost]';

export interface AmqpTarget {
  hostname: string;
  port: number;
  /** Absent: amqplib's default guest/guest. */
  username?: string;
  password?: string;
  /** As in the URL path, still URL-encoded: amqplib decodes it. Empty means "/". */
  vhostPath: string;
}

export function parseAmqpTarget(value: string): AmqpTarget {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${AMQP_URL_ENV}: ${EXPECTED}, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'amqp:') {
    throw new Error(`${AMQP_URL_ENV}: ${EXPECTED} (the playground speaks plain amqp://), got ${JSON.stringify(value)}`);
  }
  // Non-special schemes keep [brackets] around IPv6 hosts.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostname) throw new Error(`${AMQP_URL_ENV}: the host is missing; ${EXPECTED}`);
  const port = url.port === '' ? DEFAULT_AMQP_PORT : Number(url.port);
  if (!(port >= 1 && port <= 65535)) throw new Error(`${AMQP_URL_ENV}: port ${url.port} is out of range`);
  const vhostPath = url.pathname.replace(/^\//, '');
  if (vhostPath.includes('/')) {
    throw new Error(`${AMQP_URL_ENV}: the vhost is one path segment; write a "/" inside it as %2F`);
  }
  const hasCredentials = url.username !== '' || url.password !== '';
  try {
    decodeURIComponent(vhostPath);
    return {
      hostname,
      port,
      ...(hasCredentials
        ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
        : {}),
      vhostPath,
    };
  } catch {
    throw new Error(`${AMQP_URL_ENV}: bad %-escape in ${JSON.stringify(value)}`);
  }
}

export function parseAmqpUrl(value: string): Endpoint {
  const target = parseAmqpTarget(value);
  const host = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
  return { url: value.trim(), address: `${host}:${target.port}` };
}

/** The vhost a URL names, decoded, e.g. "/" for `amqp://h/` and `amqp://h/%2F`. */
export function vhostOf(target: AmqpTarget): string {
  return target.vhostPath === '' ? '/' : decodeURIComponent(target.vhostPath);
}

/**
 * amqplib's connect options for an endpoint. Heartbeats are off: when the terminal's output is
 * paused for flow control, the socket is not read, and amqplib would take the silence for a dead
 * broker after two heartbeat intervals; on loopback a dead broker shows as a closed socket anyway.
 */
export function connectOptions(endpoint: Endpoint): Options.Connect {
  const target = parseAmqpTarget(endpoint.url);
  return {
    protocol: 'amqp',
    hostname: target.hostname,
    port: target.port,
    username: target.username,
    password: target.password,
    vhost: target.vhostPath,
    heartbeat: 0,
  };
}
