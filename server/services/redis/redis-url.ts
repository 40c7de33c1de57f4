// REDIS_URL: redis://[user[:password]@]host:port[/db], read the way redis-cli reads `-u`.

export interface RedisTarget {
  host: string;
  port: number;
  /** host:port as redis-cli shows it in the prompt; IPv6 hosts in brackets. */
  address: string;
  /** With a password only, AUTH <password>; with both, AUTH <user> <password>. */
  user?: string;
  password?: string;
  db: number;
}

const URL_SHAPE = /^redis:\/\/(?:([^@/]*)@)?(\[[0-9a-fA-F:.]+\]|[^:/@[\]]+):(\d{1,5})(?:\/(\d*))?\/?$/;

function decode(part: string, url: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new Error(`REDIS_URL: bad percent-encoding in ${JSON.stringify(url)}`);
  }
}

export function parseRedisUrl(value: string): RedisTarget {
  const url = value.trim();
  if (/^rediss:/i.test(url)) throw new Error('REDIS_URL: rediss:// (TLS) is not supported; use redis://');
  const match = URL_SHAPE.exec(url);
  if (!match) {
    throw new Error(`REDIS_URL: expected redis://[user[:password]@]host:port[/db], got ${JSON.stringify(value)}`);
  }
  const [, userinfo, rawHost, rawPort, rawDb] = match;
  const port = Number(rawPort);
  if (port < 1 || port > 65535) throw new Error(`REDIS_URL: port out of range in ${JSON.stringify(value)}`);
  const db = rawDb ? Number(rawDb) : 0;
  if (!Number.isSafeInteger(db)) throw new Error(`REDIS_URL: bad database number in ${JSON.stringify(value)}`);
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  const target: RedisTarget = { host, port, address: formatAddress(host, port), db };
  if (userinfo !== undefined) {
    // As redis-cli: "user:password@" names both; a lone "secret@" is a password (Redis has no
    // login by user name alone). An empty user means the default user.
    const colon = userinfo.indexOf(':');
    if (colon >= 0) {
      const user = decode(userinfo.slice(0, colon), value);
      if (user) target.user = user;
      target.password = decode(userinfo.slice(colon + 1), value);
    } else if (userinfo) {
      target.password = decode(userinfo, value);
    }
  }
  return target;
}

/** redis-cli's anetFormatAddr: IPv6 addresses get brackets so the port stays readable. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
