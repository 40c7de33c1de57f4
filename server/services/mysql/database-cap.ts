// Classroom mode: the fences MariaDB cannot keep by itself, kept by one watcher per shared server.
//
// - A size cap per learner database. MariaDB has no quota, so every WATCH_INTERVAL_MS the watcher
//   sums each learner database's size and, past the cap, revokes the privileges that
//   make a database bigger (GROWING_PRIVILEGES) from that learner's accounts; once it is under the
//   cap again, it grants them back. SELECT, DELETE, DROP and TRUNCATE stay, so the learner can
//   free space. The learner sees MariaDB's own "INSERT command denied…", and the terminal (and
//   the trace) a hint under it (capHint).
//   The size is that of the tables' files: InnoDB's tablespaces (information_schema.TABLES'
//   DATA_LENGTH for InnoDB comes from persistent statistics and stayed at 144 KB while 4 MB of rows
//   went in), plus the data and index lengths of tables of other engines (Aria, MyISAM, MEMORY —
//   the last one in the server's RAM). A file does not shrink on DELETE, only on TRUNCATE, DROP or
//   a rebuild: the hint says so.
//   The cap is passed by what a learner writes before the next look: a program inserting 50 KB
//   rows flat out wrote ~30 MB in a second on the 2-core test machine, hence a quick look (the
//   tablespaces are in the server's memory: ~1 ms for 100 databases) four times a second, and the
//   other engines' sizes (which open every table: ~10 ms for 100 databases of 5 tables) every
//   OTHER_ENGINES_EVERY looks.
// - A statement time limit. Each learner account has MAX_STATEMENT_TIME (classroom.ts), after
//   which MariaDB stops the statement with ERROR 1969. That is only the session's starting value:
//   `SET max_statement_time = 0` or `SET STATEMENT max_statement_time=0 FOR …` lifts it (verified on
//   10.11), so the watcher also kills (KILL QUERY ID) any learner statement running a second past
//   the limit; the learner sees ERROR 1317 "Query execution was interrupted".
//
// Privileges on a database are checked, for a session whose current database it is, against what
// the session read at login or at its last USE (verified on 10.11: a REVOKE leaves such a session
// inserting, a GRANT leaves it refused). So every change is followed by KILL CONNECTION USER: the
// learner's clients log in again (the terminal says "No connection. Trying to reconnect...", as
// the mysql client does) and get the privileges that hold now.
import type { Pool } from 'mysql2/promise';
import { formatSize } from '../../util/sizes.ts';

/** Between two looks at every learner database (see the top of the file). */
export const WATCH_INTERVAL_MS = 250;
/** Tables of engines other than InnoDB are measured at every this many looks (every 2 s). */
const OTHER_ENGINES_EVERY = 8;
/** A statement is killed this long after its limit, so that MariaDB's own ERROR 1969 normally comes first. */
const STATEMENT_GRACE_MS = 1000;
/** Taken away over the cap: everything that adds rows, tables or indexes. */
export const GROWING_PRIVILEGES = ['INSERT', 'UPDATE', 'CREATE', 'ALTER', 'INDEX'];

/** Bytes of InnoDB files per learner database (a table's tablespace is named `db/table`). */
const INNODB_SIZES_SQL = `
SELECT SUBSTRING_INDEX(NAME, '/', 1) AS db, SUM(FILE_SIZE) AS bytes
  FROM information_schema.INNODB_SYS_TABLESPACES WHERE NAME LIKE 'ws\\_%' GROUP BY db`;

/** Bytes of tables of other engines per learner database. */
const OTHER_SIZES_SQL = `
SELECT TABLE_SCHEMA AS db, SUM(COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0)) AS bytes
  FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE 'ws\\_%' AND ENGINE <> 'InnoDB' GROUP BY db`;

const LONG_STATEMENTS_SQL = `
SELECT USER AS user, QUERY_ID AS queryId FROM information_schema.PROCESSLIST
  WHERE COMMAND IN ('Query', 'Execute') AND TIME_MS > ?`;

export interface DatabaseWatchOptions {
  pool: Pool;
  /** The learner's database of a workspace id (`ws_<id>`). */
  database(id: string): string;
  capBytes: number;
  statementMs: number;
  /** Statements that take the growing privileges away from a learner, or give them back. */
  revoke(id: string): string[];
  grant(id: string): string[];
  /** Runs statements in one round trip. */
  run(statements: string[]): Promise<void>;
  intervalMs?: number;
}

/** What the watcher knows of one learner's database. */
export interface DatabaseCapStatus {
  database: string;
  capBytes: number;
  /** As last measured. */
  bytes: number;
  /** Writes are refused right now. */
  over: boolean;
}

/** The running watchers of this process, so that a terminal's hint can ask about its learner. */
const running = new Set<DatabaseWatch>();

export class DatabaseWatch {
  private readonly tracked = new Set<string>();
  /** Learners whose growing privileges are taken away. */
  private readonly over = new Set<string>();
  private readonly sizes = new Map<string, number>();
  /** Other engines' bytes by database, from the last time they were measured. */
  private otherEngines = new Map<string, number>();
  private looks = 0;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: DatabaseWatchOptions) {}

  /** A workspace whose account has all its privileges (just made, or restored). */
  track(id: string): void {
    this.tracked.add(id);
    this.over.delete(id);
  }

  untrack(id: string): void {
    this.tracked.delete(id);
    this.over.delete(id);
    this.sizes.delete(id);
  }

  start(): void {
    running.add(this);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    running.delete(this);
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
  }

  status(id: string): DatabaseCapStatus | null {
    if (!this.tracked.has(id)) return null;
    return {
      database: this.options.database(id),
      capBytes: this.options.capBytes,
      bytes: this.sizes.get(id) ?? 0,
      over: this.over.has(id),
    };
  }

  /** One look at every database and every running statement; a failure waits for the next. */
  async tick(): Promise<void> {
    this.ticking ??= (async () => {
      try {
        if (this.tracked.size === 0) return;
        await Promise.all([this.checkSizes(), this.stopLongStatements()]);
      } catch {
        // The server is restarting, or an account went meanwhile: the next look tries again.
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, this.options.intervalMs ?? WATCH_INTERVAL_MS);
    // The watcher alone does not keep the process alive.
    this.timer.unref();
  }

  private async checkSizes(): Promise<void> {
    const { pool, capBytes } = this.options;
    const bytesByDatabase = async (sql: string) => {
      const [rows] = await pool.query(sql);
      return new Map((rows as Array<{ db: string; bytes: string | number }>).map((r) => [r.db, Number(r.bytes)]));
    };
    if (this.looks++ % OTHER_ENGINES_EVERY === 0) this.otherEngines = await bytesByDatabase(OTHER_SIZES_SQL);
    const innodb = await bytesByDatabase(INNODB_SIZES_SQL);
    for (const id of this.tracked) {
      // A dropped database has no files: nothing to hold against the learner.
      const db = this.options.database(id);
      const bytes = (innodb.get(db) ?? 0) + (this.otherEngines.get(db) ?? 0);
      this.sizes.set(id, bytes);
      const isOver = bytes > capBytes;
      if (isOver === this.over.has(id)) continue;
      try {
        await this.options.run(isOver ? this.options.revoke(id) : this.options.grant(id));
        if (!this.tracked.has(id)) continue;
        if (isOver) this.over.add(id);
        else this.over.delete(id);
      } catch {
        // Removed meanwhile, or the server went: the next look decides again.
      }
    }
  }

  private async stopLongStatements(): Promise<void> {
    const { pool, statementMs } = this.options;
    const [rows] = await pool.query(LONG_STATEMENTS_SQL, [statementMs + STATEMENT_GRACE_MS]);
    const kills = (rows as Array<{ user: string; queryId: number }>)
      .filter((r) => this.tracked.has(r.user))
      // By query id, not thread id: a thread that moved on to its next statement keeps it.
      .map((r) => `KILL QUERY ID ${Number(r.queryId)}`);
    if (kills.length > 0) await this.options.run(kills);
  }
}

/** The watcher's view of a learner's database, if a watcher of this process has them. */
export function databaseCapOf(id: string): DatabaseCapStatus | null {
  for (const watch of running) {
    const status = watch.status(id);
    if (status) return status;
  }
  return null;
}

/**
 * The hint under "… command denied to user 'ID'@… for table `ws_ID`.`t`" when the watcher took
 * the learner's writes away; null for any other refusal.
 */
export function capHint(user: string, message: string): string | null {
  const status = databaseCapOf(user);
  if (!status?.over) return null;
  const table = /command denied to user .* for table `([^`]+)`\.`/.exec(message);
  if (table?.[1] !== status.database) return null;
  const refused = GROWING_PRIVILEGES.slice(0, -1).join(', ') + ' and ' + GROWING_PRIVILEGES.at(-1);
  return [
    `your database ${status.database} holds ${formatSize(status.bytes)}, over the classroom's size cap of ${formatSize(status.capBytes)}:`,
    `${refused} are refused until it is back under the cap.`,
    `Free space with TRUNCATE TABLE or DROP TABLE (a DELETE does not shrink a table's file).`,
  ].join('\n');
}
