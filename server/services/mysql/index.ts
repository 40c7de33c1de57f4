// MySQL: a terminal that behaves like the mariadb command-line client, and a private MariaDB
// server for lessons (managed.ts).
import type { ServiceAdapter } from '../types.ts';
import { MYSQL_COMMANDS } from './commands.ts';
import { closeConnection, connect, queryText } from './connection.ts';
import { managedMariadb } from './managed.ts';
import { parseMysqlUrl } from './mysql-url.ts';
import { MysqlTerminal } from './terminal.ts';

/** Probes run while the server boots and for health checks: a login and a query take milliseconds. */
const PROBE_TIMEOUT_MS = 2000;

export const mysql: ServiceAdapter = {
  name: 'mysql',
  urlEnv: 'MYSQL_URL',
  caseInsensitive: true,
  parseUrl(value) {
    const target = parseMysqlUrl(value);
    return { url: value.trim(), address: target.address };
  },
  managed: managedMariadb,
  async probe(endpoint) {
    const conn = await connect(parseMysqlUrl(endpoint.url), { timeoutMs: PROBE_TIMEOUT_MS });
    try {
      const result = await queryText(conn, 'SELECT VERSION()');
      const version = result.rows[0]?.[0];
      if (!version) throw new Error('SELECT VERSION() gave no answer');
      return { version };
    } finally {
      closeConnection(conn);
    }
  },
  async commands() {
    return [...MYSQL_COMMANDS];
  },
  openTerminal(endpoint, output) {
    return MysqlTerminal.open(parseMysqlUrl(endpoint.url), output);
  },
};
