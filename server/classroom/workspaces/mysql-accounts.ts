// Learners' MySQL accounts on the shared MariaDB: per workspace a database `ws_<id>` and a user
// `<id>` with a random password, ALL privileges on that database only (no GRANT OPTION), and
// MAX_USER_CONNECTIONS. The learner then sees only its own database: other databases, CREATE
// DATABASE (except its own name), mysql.user, SET GLOBAL and INTO OUTFILE are denied.
//
// Two accounts per learner, same password: `<id>`@`127.0.0.1` is the one in use — the terminals
// connect to 127.0.0.1 over TCP, and a sandboxed snippet's connection reaches MariaDB through the
// server's forwarder (server/runner/host-forwarder.ts), which connects to the endpoint's host,
// 127.0.0.1, too (the server runs --skip-name-resolve, so that is the host MariaDB sees).
// `<id>`@`localhost` is the unix-socket form, for a client on this machine given the URL with
// "localhost". MariaDB counts MAX_USER_CONNECTIONS per account.
//
// The manager keeps one small pool of administrator connections (root over the private server's
// unix socket), not a connection per call.
import { createPool, type Pool, type PoolOptions } from 'mysql2/promise';
import { formatMysqlUrl } from '../../services/mysql/mysql-url.ts';
import type { Endpoint } from '../../services/types.ts';
import type { SharedAdmin, WorkspaceLimits } from './types.ts';
import { databaseName } from './workspace-id.ts';

/** Two: restore, resets and joins rarely overlap, and each statement takes a millisecond or two. */
const ADMIN_POOL_SIZE = 2;
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * DROP DATABASE waits for metadata locks held by the learner's open transactions; their
 * connections are killed first, and this bounds the wait for the kills to land (default: a year).
 */
const LOCK_WAIT_TIMEOUT_S = 10;
/** The hosts of a learner's two accounts (see the top of the file). */
const LEARNER_HOSTS = ['127.0.0.1', 'localhost'];

export interface MysqlAccount {
  id: string;
  password: string;
}

function account(id: string, host: string): string {
  return `'${id}'@'${host}'`;
}

/** A literal for a password made by newPassword() (base64url); anything else is refused. */
function passwordLiteral(password: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(password)) throw new Error('a workspace password must be base64url');
  return `'${password}'`;
}

/**
 * The statements that create a learner's database and accounts. Idempotent (they run again for
 * every known workspace at start()); `update` also sets password and limit on existing accounts.
 */
export function accountStatements(a: MysqlAccount, limits: WorkspaceLimits, update: boolean): string[] {
  const db = databaseName(a.id);
  const auth = `IDENTIFIED BY ${passwordLiteral(a.password)} WITH MAX_USER_CONNECTIONS ${limits.mysqlMaxConnections}`;
  const statements = [`CREATE DATABASE IF NOT EXISTS \`${db}\``];
  for (const host of LEARNER_HOSTS) {
    statements.push(`CREATE USER IF NOT EXISTS ${account(a.id, host)} ${auth}`);
    if (update) statements.push(`ALTER USER ${account(a.id, host)} ${auth}`);
  }
  // "_" is a wildcard in a GRANT's database name: escaped, the grant names this database only.
  statements.push(
    `GRANT ALL ON \`${db.replace(/_/g, '\\_')}\`.* TO ${LEARNER_HOSTS.map((h) => account(a.id, h)).join(', ')}`,
  );
  return statements;
}

export class MysqlAccounts {
  private readonly pool: Pool;

  constructor(private readonly admin: SharedAdmin['mysql']) {
    const { socketPath, host, port, user, password } = admin.admin;
    const options: PoolOptions = {
      user,
      password,
      connectionLimit: ADMIN_POOL_SIZE,
      maxIdle: ADMIN_POOL_SIZE,
      connectTimeout: CONNECT_TIMEOUT_MS,
      multipleStatements: true,
      enableKeepAlive: true,
      ...(socketPath ? { socketPath } : { host: host ?? admin.host, port: port ?? admin.port }),
    };
    this.pool = createPool(options);
  }

  endpoint(a: MysqlAccount): Endpoint {
    const { host, port } = this.admin;
    const url = formatMysqlUrl({ host, port, user: a.id, password: a.password, database: databaseName(a.id) });
    return { url, address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}` };
  }

  async create(a: MysqlAccount, limits: WorkspaceLimits): Promise<void> {
    await this.run(accountStatements(a, limits, false));
  }

  /** Every known workspace, at start(): one round trip. */
  async restore(accounts: MysqlAccount[], limits: WorkspaceLimits): Promise<void> {
    if (accounts.length === 0) return;
    await this.run(accounts.flatMap((a) => accountStatements(a, limits, true)));
  }

  /** Reset: the database dropped and made again, empty; the accounts and their grants stay. */
  async recreateDatabase(id: string): Promise<void> {
    const db = databaseName(id);
    await this.run([...this.kill(id), `DROP DATABASE IF EXISTS \`${db}\``, `CREATE DATABASE \`${db}\``]);
  }

  async remove(id: string): Promise<void> {
    // Users first, so that nobody logs in again between the kill and the drop.
    await this.run([
      `DROP USER IF EXISTS ${LEARNER_HOSTS.map((h) => account(id, h)).join(', ')}`,
      ...this.kill(id),
      `DROP DATABASE IF EXISTS \`${databaseName(id)}\``,
    ]);
  }

  /** Names of the learner accounts that exist for a workspace, e.g. ["w1@127.0.0.1", "w1@localhost"]. */
  async accountsOf(id: string): Promise<string[]> {
    const [rows] = await this.pool.query(
      { sql: 'SELECT CONCAT(User, "@", Host) FROM mysql.user WHERE User = ? ORDER BY Host', rowsAsArray: true },
      [id],
    );
    return (rows as string[][]).map((r) => r[0]);
  }

  async databaseExists(id: string): Promise<boolean> {
    const [rows] = await this.pool.query(
      { sql: 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', rowsAsArray: true },
      [databaseName(id)],
    );
    return (rows as unknown[]).length > 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Closes the learner's sessions, so that their open transactions do not hold the DROP up. */
  private kill(id: string): string[] {
    return [`SET SESSION lock_wait_timeout = ${LOCK_WAIT_TIMEOUT_S}`, `KILL CONNECTION USER '${id}'`];
  }

  /** The statements in one round trip; once more on a fresh connection if the pooled one had died (MariaDB restarted). */
  private async run(statements: string[]): Promise<void> {
    const sql = statements.map((s) => `${s};`).join('\n');
    try {
      await this.pool.query(sql);
    } catch (err) {
      if (!(err as { fatal?: boolean }).fatal) throw err;
      await this.pool.query(sql);
    }
  }
}
