// MYSQL_URL: mysql://user:password@host:port/database, the form most tools and tutorials use.

export const DEFAULT_MYSQL_PORT = 3306;

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The database to start in, or null for none. */
  database: string | null;
  /** host:port, for display. */
  address: string;
}

const EXPECTED = 'expected mysql://user:password@host:port/database';

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new Error(`MYSQL_URL: the ${what} has a malformed %-escape; ${EXPECTED}`);
  }
}

export function parseMysqlUrl(value: string): MysqlTarget {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`MYSQL_URL: not a URL (${JSON.stringify(text)}); ${EXPECTED}`);
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new Error(`MYSQL_URL: the scheme must be mysql://, not ${url.protocol}//; ${EXPECTED}`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new Error(`MYSQL_URL: no host in ${JSON.stringify(text)}; ${EXPECTED}`);
  const port = url.port === '' ? DEFAULT_MYSQL_PORT : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`MYSQL_URL: bad port ${JSON.stringify(url.port)}; ${EXPECTED}`);
  }
  if (!url.username) throw new Error(`MYSQL_URL: no user name in ${JSON.stringify(text)}; ${EXPECTED}`);
  const path = url.pathname.replace(/^\//, '');
  if (path.includes('/')) throw new Error(`MYSQL_URL: the path must be one database name, not ${JSON.stringify(path)}`);
  const database = path === '' ? null : decode(path, 'database name');
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return {
    host,
    port,
    user: decode(url.username, 'user name'),
    password: decode(url.password, 'password'),
    database,
    address,
  };
}

/** The URL for a target, escaped so that parseMysqlUrl reads it back unchanged. */
export function formatMysqlUrl(target: Omit<MysqlTarget, 'address'>): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const auth = encodeURIComponent(target.user) + (target.password ? ':' + encodeURIComponent(target.password) : '');
  const db = target.database ? '/' + encodeURIComponent(target.database) : '';
  return `mysql://${auth}@${host}:${target.port}${db}`;
}
