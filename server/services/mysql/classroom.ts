// Classroom mode: each learner's MySQL account on the shared MariaDB: per workspace a database `ws_<id>` and a user
// `<id>` with a random password, ALL privileges on that database only (no GRANT OPTION),
// MAX_USER_CONNECTIONS and MAX_STATEMENT_TIME. The learner then sees only its own database: other
// databases, CREATE DATABASE (except its own name), mysql.user, SET GLOBAL and INTO OUTFILE are
// denied. A watcher (database-cap.ts) keeps each database under its size cap and stops statements
// that outrun the time limit.
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
import type { AccountManager, LearnerAccount, LearnerAccounts, Limits } from '../classroom-types.ts';
import type { Endpoint } from '../endpoint.ts';
import type { ManagedContext } from '../managed-types.ts';
import { DatabaseWatch, GROWING_PRIVILEGES } from './database-cap.ts';
import { rootPassword, socketPath } from './managed.ts';
import { formatMysqlUrl, parseMysqlUrl } from './mysql-url.ts';

/** For a MariaDB given by MYSQL_URL: an account that may CREATE USER, CREATE DATABASE and GRANT. */
export const MYSQL_ADMIN_URL_ENV = 'CLASSROOM_MYSQL_ADMIN_URL';

/** What the manager needs: where learners connect, and how it logs in as an administrator. */
export interface MysqlAdminAccess {
  /** host:port learners' MySQL URLs point at. */
  host: string;
  port: number;
  /** A unix socket (private MariaDB) or host/port. */
  admin: { socketPath?: string; host?: string; port?: number; user: string; password: string };
}

/** The learner's database. */
export function databaseName(workspaceId: string): string {
  return `ws_${workspaceId}`;
}

/** Two: restore, resets and joins rarely overlap, and each statement takes a millisecond or two. */
const ADMIN_POOL_SIZE = 2;
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * DROP DATABASE waits for metadata locks held by the learner's open transactions; their
 * connections are killed first, and this bounds the wait for the kills to land (default: a year).
 */
const LOCK_WAIT_TIMEOUT_S = 10;
/**
 * CLASSROOM_MYSQL_LEARNER_HOST: one more host for every learner account, for app instances that
 * reach MariaDB from another machine or container (MariaDB then sees their address, not
 * 127.0.0.1): e.g. `10.0.0.%`, or `%` on a network that only the app instances reach.
 */
export const LEARNER_HOST_ENV = 'CLASSROOM_MYSQL_LEARNER_HOST';

/** The extra host, checked: a MariaDB host pattern (letters, digits, . _ % : -), else the start stops here. */
export function extraLearnerHost(raw: string | undefined): string[] {
  const host = raw?.trim();
  if (!host) return [];
  if (!/^[A-Za-z0-9._%:-]{1,60}$/.test(host)) {
    throw new Error(
      `${LEARNER_HOST_ENV} must be a MariaDB host pattern such as 10.0.0.% or %, not ${JSON.stringify(host)}`,
    );
  }
  return host === '127.0.0.1' || host === 'localhost' ? [] : [host];
}

/** The hosts of a learner's accounts (see the top of the file), and the one the deployment adds. */
const LEARNER_HOSTS = ['127.0.0.1', 'localhost', ...extraLearnerHost(process.env[LEARNER_HOST_ENV])];

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
export function accountStatements(a: LearnerAccount, limits: Limits, update: boolean): string[] {
  const db = databaseName(a.id);
  const auth =
    `IDENTIFIED BY ${passwordLiteral(a.password)} WITH MAX_USER_CONNECTIONS ${limits.maxConnections}` +
    ` MAX_STATEMENT_TIME ${limits.statementSeconds}`;
  const statements = [`CREATE DATABASE IF NOT EXISTS \`${db}\``];
  for (const host of LEARNER_HOSTS) {
    statements.push(`CREATE USER IF NOT EXISTS ${account(a.id, host)} ${auth}`);
    if (update) statements.push(`ALTER USER ${account(a.id, host)} ${auth}`);
  }
  statements.push(`GRANT ALL ON ${grantTarget(a.id)} TO ${accounts(a.id)}`);
  return statements;
}

/** The learner's database as a GRANT names it: "_" is a wildcard there, escaped it names this one only. */
function grantTarget(id: string): string {
  return `\`${databaseName(id).replace(/_/g, '\\_')}\`.*`;
}

function accounts(id: string): string {
  return LEARNER_HOSTS.map((h) => account(id, h)).join(', ');
}

/**
 * Over the size cap: the privileges that make the database bigger go. The learner's sessions are
 * closed, since a session keeps the privileges on its current database it read at its last USE.
 */
export function revokeGrowthStatements(id: string): string[] {
  return [
    `REVOKE ${GROWING_PRIVILEGES.join(', ')} ON ${grantTarget(id)} FROM ${accounts(id)}`,
    `KILL CONNECTION USER '${id}'`,
  ];
}

/** Under the cap again: the privileges come back, and sessions log in again to get them. */
export function grantGrowthStatements(id: string): string[] {
  return [
    `GRANT ${GROWING_PRIVILEGES.join(', ')} ON ${grantTarget(id)} TO ${accounts(id)}`,
    `KILL CONNECTION USER '${id}'`,
  ];
}

export class MysqlAccounts implements AccountManager {
  private readonly pool: Pool;
  private readonly watch: DatabaseWatch;

  constructor(
    private readonly admin: MysqlAdminAccess,
    private readonly limits: Limits,
  ) {
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
    this.watch = new DatabaseWatch({
      pool: this.pool,
      database: databaseName,
      capBytes: limits.databaseMb * 1024 * 1024,
      statementMs: limits.statementSeconds * 1000,
      revoke: revokeGrowthStatements,
      grant: grantGrowthStatements,
      run: (statements) => this.run(statements),
    });
    this.watch.start();
  }

  endpoint(a: LearnerAccount): Endpoint {
    const { host, port } = this.admin;
    const url = formatMysqlUrl({ host, port, user: a.id, password: a.password, database: databaseName(a.id) });
    return { url, address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}` };
  }

  async create(a: LearnerAccount): Promise<void> {
    await this.run(accountStatements(a, this.limits, false));
    this.watch.track(a.id);
  }

  /** Every known workspace, at start(): one round trip. Its GRANT ALL undoes a revoke the watcher redoes. */
  async restore(accounts: LearnerAccount[]): Promise<void> {
    if (accounts.length === 0) return;
    await this.run(accounts.flatMap((a) => accountStatements(a, this.limits, true)));
    for (const a of accounts) this.watch.track(a.id);
  }

  /** Reset: the database dropped and made again, empty; the accounts and their grants stay. */
  async reset(a: LearnerAccount): Promise<void> {
    const db = databaseName(a.id);
    await this.run([...this.kill(a.id), `DROP DATABASE IF EXISTS \`${db}\``, `CREATE DATABASE \`${db}\``]);
  }

  async remove(id: string): Promise<void> {
    this.watch.untrack(id);
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

  /** Checks ask as the learner's own account: nothing privileged is needed. */
  checkAdmin(): null {
    return null;
  }

  async close(): Promise<void> {
    await this.watch.stop();
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

/**
 * The administrator access: the private server's root over its unix socket (its password derives
 * from the installation's secret), or, for a server given by MYSQL_URL, CLASSROOM_MYSQL_ADMIN_URL.
 */
function adminAccess(endpoint: Endpoint, ctx: ManagedContext | null, env: NodeJS.ProcessEnv): MysqlAdminAccess {
  const target = parseMysqlUrl(endpoint.url);
  if (ctx) {
    return {
      host: target.host,
      port: target.port,
      admin: { socketPath: socketPath(ctx), user: 'root', password: rootPassword(ctx.secret) },
    };
  }
  const raw = env[MYSQL_ADMIN_URL_ENV]?.trim();
  if (!raw) {
    throw new Error(
      `MySQL comes from MYSQL_URL: classroom mode also needs ${MYSQL_ADMIN_URL_ENV}=mysql://root:PASSWORD@HOST:3306 ` +
        '(an account that may create users and databases and grant on them)',
    );
  }
  let admin;
  try {
    admin = parseMysqlUrl(raw);
  } catch (err) {
    // The parser names MYSQL_URL; the value here came from the other variable.
    throw new Error(`${MYSQL_ADMIN_URL_ENV}: ${(err as Error).message.replace(/^MYSQL_URL: /, '')}`, { cause: err });
  }
  return {
    host: target.host,
    port: target.port,
    admin: { host: admin.host, port: admin.port, user: admin.user, password: admin.password },
  };
}

export const mysqlLearners: LearnerAccounts<MysqlAdminAccess> = {
  kind: 'account',
  limits: {
    /** MariaDB MAX_USER_CONNECTIONS. */
    maxConnections: { env: 'CLASSROOM_MAX_MYSQL_CONNECTIONS', default: 10, min: 1, max: 10_000 },
    /**
     * MariaDB MAX_STATEMENT_TIME (seconds), and the watcher's limit for a statement that lifted it.
     * No lesson statement takes a second; 10 s lets a learner see a slow query without one
     * learner's cross join holding one of the machine's two cores for long.
     */
    statementSeconds: { env: 'CLASSROOM_MYSQL_STATEMENT_SECONDS', default: 10, min: 1, max: 3600 },
    /** The size cap of each learner database (MB of table files), kept by the watcher. */
    databaseMb: { env: 'CLASSROOM_MYSQL_DATABASE_MB', default: 64, min: 1, max: 100_000 },
  },
  adminAccess,
  open: (access, limits) => new MysqlAccounts(access, limits),
};
