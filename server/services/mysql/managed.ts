// The private MariaDB: a data directory under .playground/mysql/, loopback only, small buffers, a
// database `playground` and a user `learner` that may use it (and databases named playground_*).
//
// Accounts are set by an --init-file that the server runs on every start, before it accepts any
// connection. That matters twice: the supervisor's readiness probe already logs in as `learner`,
// before afterReady() could create it; and mariadb-install-db leaves root accounts without a
// password that must never be reachable, not even for the moments between start and setup. The
// file holds password hashes (as mysql.global_priv does), not the passwords.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Endpoint } from '../endpoint.ts';
import type { ManagedContext, ManagedSpec } from '../managed-types.ts';
import { closeConnection, connect, queryText } from './connection.ts';
import { formatMysqlUrl } from './mysql-url.ts';

export const MARIADBD = '/usr/sbin/mariadbd';
export const INSTALL_DB = '/usr/bin/mariadb-install-db';

export const PLAYGROUND_DATABASE = 'playground';
export const LEARNER_USER = 'learner';

/** Memory for InnoDB's page cache (the server refuses less than ~6 MiB); lessons' tables are tiny. */
const BUFFER_POOL = '16M';
/** Redo log size, given to install-db and the server alike: the 96M default makes a 114 MB datadir. */
const REDO_LOG_SIZE = '4M';
/** Classroom mode: room for every learner's own connection limit. */
const CLASSROOM_MAX_CONNECTIONS = 1100;
/** mariadb-install-db takes ~2 s; a slow disk under load gets much longer before it is called stuck. */
const INSTALL_TIMEOUT_MS = 120_000;
/** afterReady's root connection over the socket. */
const ADMIN_CONNECT_TIMEOUT_MS = 5_000;
/** Longest unix socket path the kernel accepts (sun_path is 108 bytes with the final NUL). */
const MAX_SOCKET_PATH_BYTES = 107;

const run = promisify(execFile);

function derive(secret: string, role: string): string {
  // base64url: letters, digits, - and _, so the password needs no escaping in URLs or SQL.
  return createHash('sha256').update(`playground-mysql-${role}:${secret}`).digest('base64url').slice(0, 24);
}

/** The learner's password; probe, afterReady and endpoint all get it from here. */
export function learnerPassword(secret: string): string {
  return derive(secret, LEARNER_USER);
}

export function rootPassword(secret: string): string {
  return derive(secret, 'root');
}

/** mysql_native_password's stored form: "*" and SHA1(SHA1(password)) in upper-case hex. */
export function nativePasswordHash(password: string): string {
  const sha1 = (data: Buffer | string) => createHash('sha1').update(data).digest();
  return '*' + sha1(sha1(password)).toString('hex').toUpperCase();
}

export function dataDir(ctx: ManagedContext): string {
  return path.join(ctx.dir, 'data');
}

/** ctx.dir/mysqld.sock, or a short path in the temp directory when that one is too long to bind. */
export function socketPath(ctx: ManagedContext): string {
  const preferred = path.join(ctx.dir, 'mysqld.sock');
  if (Buffer.byteLength(preferred) <= MAX_SOCKET_PATH_BYTES) return preferred;
  const tag = createHash('sha256').update(ctx.dir).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `playground-mysql-${tag}.sock`);
}

function initFile(ctx: ManagedContext): string {
  return path.join(ctx.dir, 'init.sql');
}

/**
 * The statements of the init file, one per line. All idempotent: they run on every start. Only
 * root@localhost stays (socket only, with a password); root@127.0.0.1, root@::1, root@<hostname>
 * and any anonymous account from install-db go.
 */
export function initStatements(secret: string): string[] {
  const learner = `'${LEARNER_USER}'@'%'`;
  const learnerAuth = `IDENTIFIED VIA mysql_native_password USING '${nativePasswordHash(learnerPassword(secret))}'`;
  return [
    "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost');",
    "DELETE FROM mysql.proxies_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost');",
    'FLUSH PRIVILEGES;',
    `ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING '${nativePasswordHash(rootPassword(secret))}';`,
    `CREATE DATABASE IF NOT EXISTS \`${PLAYGROUND_DATABASE}\`;`,
    `CREATE USER IF NOT EXISTS ${learner} ${learnerAuth};`,
    // Again for an existing account: the secret may have been made anew.
    `ALTER USER ${learner} ${learnerAuth};`,
    `GRANT ALL ON \`${PLAYGROUND_DATABASE}\`.* TO ${learner};`,
    `GRANT ALL ON \`${PLAYGROUND_DATABASE}\\_%\`.* TO ${learner};`,
  ];
}

/** Runs mariadb-install-db into a fresh directory; renamed into place only once it succeeded. */
async function installDataDir(ctx: ManagedContext): Promise<void> {
  const target = dataDir(ctx);
  const staging = `${target}.installing`;
  await fs.rm(staging, { recursive: true, force: true });
  // prettier-ignore
  const args = [
    '--no-defaults',
    `--datadir=${staging}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    `--innodb-log-file-size=${REDO_LOG_SIZE}`,
    `--innodb-buffer-pool-size=${BUFFER_POOL}`,
  ];
  if (ctx.isRoot) args.push('--user=root');
  try {
    await run(INSTALL_DB, args, { cwd: ctx.dir, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 });
  } catch (err) {
    await fs.rm(staging, { recursive: true, force: true });
    const e = err as { stderr?: string; stdout?: string; message?: string };
    const detail = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    throw new Error(`mariadb-install-db failed: ${detail || e.message}`, { cause: err });
  }
  await fs.rename(staging, target);
}

function learnerEndpoint(ctx: ManagedContext): Endpoint {
  const port = ctx.ports[0];
  const url = formatMysqlUrl({
    host: '127.0.0.1',
    port,
    user: LEARNER_USER,
    password: learnerPassword(ctx.secret),
    database: PLAYGROUND_DATABASE,
  });
  return { url, address: `127.0.0.1:${port}` };
}

export const managedMariadb: ManagedSpec = {
  aptPackages: ['mariadb-server'],
  binaries: [MARIADBD, INSTALL_DB],
  portCount: 1,
  startTimeoutMs: 30_000,

  async prepare(ctx) {
    if (!existsSync(dataDir(ctx))) await installDataDir(ctx);
    await fs.writeFile(initFile(ctx), initStatements(ctx.secret).join('\n') + '\n', { mode: 0o600 });
    // writeFile keeps the mode of an existing file; the hashes are nobody else's business.
    await fs.chmod(initFile(ctx), 0o600);
  },

  spawn(ctx) {
    // prettier-ignore
    const args = [
      // Must come first, or mariadbd reads /etc/mysql/my.cnf and the system server's settings.
      '--no-defaults',
      `--datadir=${dataDir(ctx)}`,
      `--port=${ctx.ports[0]}`,
      '--bind-address=127.0.0.1',
      `--socket=${socketPath(ctx)}`,
      `--pid-file=${path.join(ctx.dir, 'mysqld.pid')}`,
      // The supervisor's log, so a failed start points at the reason.
      `--log-error=${path.join(ctx.dir, 'server.log')}`,
      `--init-file=${initFile(ctx)}`,
      '--skip-name-resolve',
      // Without a config file the compiled-in default is latin1, and CJK text would not fit.
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_general_ci',
      `--innodb-buffer-pool-size=${BUFFER_POOL}`,
      `--innodb-log-file-size=${REDO_LOG_SIZE}`,
      '--innodb-log-buffer-size=2M', // the smallest it takes
      '--key-buffer-size=1M',
      '--aria-pagecache-buffer-size=8M',
      '--performance-schema=OFF',
      // Lesson data is not precious: a commit need not wait for the disk (a crash may lose ~1 s).
      '--innodb-flush-log-at-trx-commit=2',
      '--local-infile=0',
      // A class: up to 100 learners with CLASSROOM_MAX_MYSQL_CONNECTIONS (10) each, plus the server's own.
      `--max-connections=${ctx.classroom ? CLASSROOM_MAX_CONNECTIONS : 200}`,
    ];
    // mariadbd refuses to run as root unless told to.
    if (ctx.isRoot) args.push('--user=root');
    return { command: MARIADBD, args };
  },

  endpoint: learnerEndpoint,

  async afterReady(ctx) {
    // The init file did the work; this checks it did, over the socket, as root with its password.
    const conn = await connect(
      { host: 'localhost', port: ctx.ports[0], user: 'root', password: rootPassword(ctx.secret), database: null },
      { timeoutMs: ADMIN_CONNECT_TIMEOUT_MS, socketPath: socketPath(ctx) },
    );
    try {
      const open = await queryText(
        conn,
        "SELECT CONCAT(User, '@', Host) FROM mysql.user WHERE is_role = 'N' AND User <> 'mariadb.sys' " +
          "AND authentication_string = '' AND plugin IN ('', 'mysql_native_password', 'mysql_old_password')",
      );
      if (open.rows.length > 0) {
        throw new Error(`accounts without a password remain: ${open.rows.map((r) => r[0]).join(', ')}`);
      }
    } finally {
      closeConnection(conn);
    }
  },
};
