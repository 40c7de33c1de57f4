// mysql2 connections set up the way the mysql command-line client connects, and the few small
// queries the adapter itself runs (probe, status, KILL QUERY).
import { createConnection, type Connection, type FieldPacket } from 'mysql2';
import type { Socket } from 'node:net';
import type { MysqlTarget } from './mysql-url.ts';

/**
 * Capabilities as the mysql client asks for them. mysql2's defaults differ where it shows:
 * FOUND_ROWS makes UPDATE report matched instead of changed rows ("0 rows affected" when nothing
 * changed is what learners should see), IGNORE_SPACE turns function names into reserved words,
 * and LOCAL_FILES would let the server ask for a file on this machine (LOAD DATA LOCAL).
 * Multi-statements are on as in the client, so "SELECT 1; SELECT 2" under DELIMITER // gives two
 * results.
 */
const CLIENT_FLAGS = ['-FOUND_ROWS', '-IGNORE_SPACE', '-LOCAL_FILES'];

/** The server's default collation for utf8mb4, which is what the client's charset gives too. */
const CONNECTION_CHARSET = 'UTF8MB4_GENERAL_CI';

export interface ConnectOptions {
  /** Overrides the target's database; null connects to none. */
  database?: string | null;
  timeoutMs: number;
  /** Connect through this unix socket instead of TCP. */
  socketPath?: string;
}

/** A connected mysql2 connection with an 'error' listener, so a later network error never throws. */
export function connect(target: Omit<MysqlTarget, 'address'>, options: ConnectOptions): Promise<Connection> {
  const database = options.database === undefined ? target.database : options.database;
  const conn = createConnection({
    host: target.host,
    port: target.port,
    socketPath: options.socketPath,
    user: target.user,
    password: target.password,
    database: database ?? undefined,
    connectTimeout: options.timeoutMs,
    charset: CONNECTION_CHARSET,
    flags: CLIENT_FLAGS,
    multipleStatements: true,
    // Every value as the server's text: the terminal prints what the client would print.
    typeCast: false,
    rowsAsArray: true,
    // The learner's SQL goes out exactly as typed: no placeholder ("?", ":name") substitution.
    queryFormat: (sql: string) => sql,
  });
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      conn.removeListener('connect', onConnect);
      conn.destroy();
      reject(err);
    };
    const onConnect = () => {
      conn.removeListener('error', onError);
      conn.on('error', () => {
        /* the owner listens for what it cares about */
      });
      resolve(conn);
    };
    conn.once('error', onError);
    conn.once('connect', onConnect);
  });
}

/** The socket under a connection, for flow control. */
export function connectionSocket(conn: Connection): Socket | null {
  return ((conn as unknown as { stream?: Socket }).stream ?? null) as Socket | null;
}

export interface TextResult {
  fields: FieldPacket[];
  rows: Array<Array<string | null>>;
}

/** A small query whose result is read whole, values as text. Not for learner queries. */
export function queryText(conn: Connection, sql: string): Promise<TextResult> {
  return new Promise((resolve, reject) => {
    conn.query({ sql, rowsAsArray: true, typeCast: false }, (err, rows, fields) => {
      if (err) {
        reject(err);
        return;
      }
      const list = Array.isArray(rows) ? (rows as unknown as Array<Array<Buffer | null>>) : [];
      resolve({
        fields: fields ?? [],
        rows: list.map((row) =>
          row.map((v) => (v === null ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v))),
        ),
      });
    });
  });
}

/** How long a closing connection may take to say goodbye before its socket is destroyed. */
const QUIT_GRACE_MS = 1000;

/**
 * Sends COM_QUIT, so the server logs no "Aborted connection", then lets the server close the
 * socket; destroys it if that does not happen soon. (mysql2's end() callback fires before the
 * QUIT is written, so destroying there would abort it.) Only for idle connections: a busy one
 * would first wait for its query.
 */
export function closeConnection(conn: Connection): void {
  const socket = connectionSocket(conn);
  const timer = setTimeout(() => conn.destroy(), QUIT_GRACE_MS);
  timer.unref();
  socket?.once('close', () => clearTimeout(timer));
  try {
    conn.end(() => {});
  } catch {
    conn.destroy();
  }
}

/** Errors as mysql2 gives them: server errors carry errno and sqlState. */
export interface MysqlError extends Error {
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  code?: string;
  fatal?: boolean;
}
