// Runs one learner statement over the text protocol and hands its results over as they stream
// in: rows one at a time (never gathered by mysql2), each result set's end with its warning
// count, and the OK packets of statements without a result set.
import type { Connection, ResultSetHeader } from 'mysql2';
import { toColumn, type Column, type FieldLike } from './columns.ts';
import type { MysqlError } from './connection.ts';

export interface ResultSink {
  startResultSet(columns: Column[]): void;
  row(values: Array<Buffer | null>): void;
  /** The result set is complete; `warnings` is null when the count could not be read. */
  endResultSet(warnings: number | null): void;
  ok(header: ResultSetHeader): void;
}

/** The interface of mysql2's Query command that this module relies on. */
interface QueryCommand {
  on(event: 'fields', listener: (fields: FieldLike[] | undefined) => void): QueryCommand;
  on(event: 'result', listener: (row: unknown) => void): QueryCommand;
  on(event: 'error', listener: (err: MysqlError) => void): QueryCommand;
  on(event: 'end', listener: () => void): QueryCommand;
  row?: unknown;
}

interface EofPacket {
  isEOF(): boolean;
  eofWarningCount(): number;
}

type PacketState = (this: unknown, packet: EofPacket, connection: unknown) => unknown;

/**
 * mysql2 reads the warning count of OK packets but not of the EOF packet that closes a result set,
 * and the client prints it ("1 row in set, 1 warning"). So, for this one query, the state of its
 * packet reader that reads rows (Query.prototype.row, which returns itself for the next packet) is
 * wrapped to look at the EOF first. If a mysql2 upgrade renames it, nothing breaks: the count is
 * just missing (the integration test of `SELECT 1/0` says so).
 */
function readEofWarnings(query: QueryCommand, onEof: (warnings: number) => void): void {
  const base = (Object.getPrototypeOf(query) as { row?: unknown }).row;
  if (typeof base !== 'function') return;
  const baseState = base as PacketState;
  const wrapped: PacketState = function (packet, connection) {
    if (typeof packet?.isEOF === 'function' && packet.isEOF()) onEof(packet.eofWarningCount());
    const next = baseState.call(this, packet, connection);
    return next === baseState ? wrapped : next;
  };
  query.row = wrapped;
}

/**
 * Sends `sql` and resolves when the server is done with it: with null, or with the error that
 * ended it (a server error, or the connection failing, which mysql2 reports on the connection).
 */
export function streamStatement(conn: Connection, sql: string, sink: ResultSink): Promise<MysqlError | null> {
  return new Promise((resolve) => {
    let settled = false;
    let error: MysqlError | null = null;
    let open = false;
    const finish = (err: MysqlError | null) => {
      if (settled) return;
      settled = true;
      conn.removeListener('error', onConnectionError);
      // A result set cut short by an error is not shown, as the client shows none.
      if (open && !err) sink.endResultSet(null);
      resolve(err);
    };
    const onConnectionError = (err: MysqlError) => finish(err);
    conn.on('error', onConnectionError);

    let query: QueryCommand;
    try {
      query = conn.query(sql) as unknown as QueryCommand;
    } catch (err) {
      finish(err as MysqlError);
      return;
    }
    readEofWarnings(query, (warnings) => {
      if (!open) return;
      open = false;
      sink.endResultSet(warnings);
    });
    query.on('fields', (fields) => {
      if (open) {
        open = false;
        sink.endResultSet(null);
      }
      if (!fields) return;
      open = true;
      sink.startResultSet(fields.map(toColumn));
    });
    query.on('result', (row) => {
      if (Array.isArray(row)) {
        sink.row(row as Array<Buffer | null>);
      } else if (row && typeof row === 'object') {
        sink.ok(row as ResultSetHeader);
      }
    });
    query.on('error', (err) => {
      error = err;
    });
    query.on('end', () => finish(error));
  });
}
