// MySQL: a terminal that behaves like the mariadb command-line client (terminal.ts), a private
// MariaDB server for lessons (managed.ts), table and query checks and resets (checks.ts), and a
// database and user per learner on the shared server in classroom mode (classroom.ts).
import type { ServiceAdapter } from '../types.ts';
import { mysqlHints } from './hints.ts';
import { inspectMysql } from './inspect.ts';
import { mysqlRunWatch } from './run-watch.ts';
import { mysqlChecks, mysqlReset } from './checks.ts';
import { mysqlLearners } from './classroom.ts';
import { MYSQL_COMMANDS } from './commands.ts';
import { closeConnection, connect, queryText } from './connection.ts';
import { managedMariadb } from './managed.ts';
import { DEFAULT_MYSQL_PORT, parseMysqlUrl } from './mysql-url.ts';
import { MysqlTerminal } from './terminal.ts';
import { mysqlWire } from './wire.ts';

/** Probes run while the server boots and for health checks: a login and a query take milliseconds. */
const PROBE_TIMEOUT_MS = 2000;

/** mysql://user:pass@host:port/db → mysql+pymysql://user:pass@host:port/db: SQLAlchemy's form, with the PyMySQL driver. */
export function sqlalchemyUrl(mysqlUrl: string): string {
  return mysqlUrl.replace(/^(?:mysql|mariadb):\/\//, 'mysql+pymysql://');
}

export const mysql: ServiceAdapter = {
  name: 'mysql',
  title: 'MySQL',
  fenceTag: 'mysql',
  conventionalPort: DEFAULT_MYSQL_PORT,
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
  snippetEnv(endpoint, forward) {
    const url = forward.url(endpoint.url, DEFAULT_MYSQL_PORT);
    // The same credentials and database in SQLAlchemy's form too.
    return { MYSQL_URL: url, SQLALCHEMY_URL: sqlalchemyUrl(url) };
  },
  checks: mysqlChecks,
  reset: mysqlReset,
  classroom: mysqlLearners,
  hints: mysqlHints,
  inspect: inspectMysql,
  runWatch: mysqlRunWatch,
  decode: mysqlWire,
};
