// The MySQL terminal: behaves like the mariadb command-line client in a terminal. Lines go through
// the client's statement parser (statement-splitter.ts); statements go to the server one at a
// time over one connection; results print as the client prints them. Ctrl-C kills the running
// query from a second connection, as the client does.
import type { Connection, ResultSetHeader } from 'mysql2';
import type { TerminalOutput, TerminalSession } from '../types.ts';
import { firstArgument, clientHelpText, serverHelpStatement, CLIENT_COMMANDS } from './client-commands.ts';
import type { ClientCommandName } from './client-commands.ts';
import { visibleText } from '../visible-text.ts';
import { escapeControls } from './columns.ts';
import { closeConnection, connect, connectionSocket, queryText, type MysqlError } from './connection.ts';
import { clientErrorLine, okPacketText, rowsInSetLine, serverErrorLine } from './format-result.ts';
import type { MysqlTarget } from './mysql-url.ts';
import { ResultCollector } from './result-collector.ts';
import { formatServerHelp } from './server-help.ts';
import { StatementSplitter, type SplitItem } from './statement-splitter.ts';
import { terminalErrorHint } from './terminal-hints.ts';
import { formatStatus } from './status-text.ts';
import { streamStatement } from './stream-statement.ts';

/** Opening the terminal's connection, and reconnecting it. */
const CONNECT_TIMEOUT_MS = 5_000;
/** The side connection that sends KILL QUERY on Ctrl-C: it must be quick or give up. */
const KILL_CONNECT_TIMEOUT_MS = 2_000;

const SERVER_STATUS_DB_DROPPED = 256;

/** Client error numbers and texts of libmariadb (errmsg.h), for failures on our side of the wire. */
const CR_SERVER_GONE = 'ERROR 2006 (HY000): Server has gone away\n';
const CR_SERVER_LOST = 'ERROR 2013 (HY000): Lost connection to server during query\n';

interface Running {
  threadId: number;
  /** Ctrl-C presses while this runs: the first kills the query, the second the connection. */
  interrupts: number;
  /** The KILL in flight; its note prints before the query's own outcome. */
  kill: Promise<void> | null;
}

interface ServerFacts {
  name: string;
  version: string;
  versionComment: string;
}

export class MysqlTerminal implements TerminalSession {
  private conn: Connection | null = null;
  private alive = false;
  private database: string | null;
  private server: ServerFacts = { name: 'MariaDB', version: '', versionComment: '' };
  private splitter = new StatementSplitter();
  private showWarnings = false;
  /** A line is being worked on; the prompt follows when it is done. */
  private busy = false;
  private running: Running | null = null;
  /** Ctrl-C during a line: the rest of it is dropped. */
  private aborted = false;
  private closed = false;
  /** output.fail() was called: nothing more from this session. */
  private failed = false;

  private constructor(
    private readonly target: MysqlTarget,
    private readonly output: TerminalOutput,
  ) {
    this.database = target.database;
  }

  /** Connects, prints the client's greeting and the first prompt; throws if it cannot connect. */
  static async open(target: MysqlTarget, output: TerminalOutput): Promise<MysqlTerminal> {
    const terminal = new MysqlTerminal(target, output);
    await terminal.connectFresh(target.database);
    terminal.write(terminal.greeting());
    terminal.promptNow();
    return terminal;
  }

  line(text: string): void {
    if (this.closed || this.failed) return;
    let items: SplitItem[];
    try {
      items = this.splitter.feed(text);
    } catch (err) {
      this.write(clientErrorLine(`could not read the line: ${errorMessage(err)}`));
      items = [];
    }
    this.busy = true;
    this.runItems(items)
      .catch((err: unknown) => this.write(clientErrorLine(errorMessage(err))))
      .finally(() => {
        this.busy = false;
        if (this.aborted) {
          this.aborted = false;
          this.splitter.clear();
        }
        this.promptNow();
      });
  }

  interrupt(): void {
    if (this.closed || this.failed) return;
    if (this.running) {
      this.aborted = true;
      this.killRunning(this.running);
      return;
    }
    if (this.busy) {
      // Between two steps of a line (connecting): the rest is dropped when the step ends.
      this.aborted = true;
      return;
    }
    this.splitter.clear();
    this.promptNow();
  }

  close(): void {
    this.closed = true;
    this.dropConnection();
  }

  // ---- lines -----------------------------------------------------------------------------

  private async runItems(items: SplitItem[]): Promise<void> {
    for (const item of items) {
      if (this.aborted || this.closed || this.failed) return;
      if (item.kind === 'error') this.write(clientErrorLine(item.message));
      else if (item.kind === 'sql') await this.statement(item.sql, item.vertical);
      else await this.command(item.name, item.arg, item.pending);
    }
  }

  private async statement(sql: string, vertical: boolean): Promise<void> {
    if (sql === '') {
      this.write(clientErrorLine('No query specified') + '\n');
      return;
    }
    if (!(await this.ensureConnection())) return;
    const conn = this.conn!;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let result: ResultCollector | null = null;
    let warnings = 0;
    let schemaTracked = false;
    let dbDropped = false;

    const error = await this.onServer(conn, () =>
      streamStatement(conn, sql, {
        startResultSet: (columns) => {
          result = new ResultCollector(columns, vertical);
        },
        row: (values) => result?.addRaw(values),
        endResultSet: (count) => {
          if (!result) return;
          warnings = count ?? 0;
          this.write(result.render() + rowsInSetLine(result.total, warnings, seconds()) + '\n\n');
          result = null;
        },
        ok: (header: ResultSetHeader & { stateChanges?: { schema?: string | null } }) => {
          warnings = header.warningStatus ?? 0;
          this.write(okPacketText(header.affectedRows ?? 0, warnings, header.info ?? '', seconds()));
          const schema = header.stateChanges?.schema;
          if (typeof schema === 'string') {
            schemaTracked = true;
            this.database = schema === '' ? null : schema;
          }
          if ((header.serverStatus ?? 0) & SERVER_STATUS_DB_DROPPED) dbDropped = true;
        },
      }),
    );
    if (error) {
      this.write(this.errorText(error));
      // The trace's hint for the same error (a caret under a syntax error, the tables that exist).
      this.write(await terminalErrorHint(this.target, sql, this.database, error));
    }
    if (this.alive && !schemaTracked && (dbDropped || /^\s*(use|drop\s+(database|schema))\b/i.test(sql))) {
      // A server without session tracking (older MySQL) does not say; ask.
      await this.refreshDatabase();
    }
    if (this.showWarnings && this.alive && (warnings > 0 || error)) await this.printWarnings(error);
  }

  private async command(name: ClientCommandName, arg: string, pending: string): Promise<void> {
    switch (name) {
      case 'help':
      case '?':
        if (arg.trim() === '') this.write(clientHelpText());
        else await this.serverHelp(arg);
        return;
      case 'use':
        await this.use(firstArgument(arg));
        return;
      case 'status':
        await this.status();
        return;
      case 'quit':
      case 'exit':
        await this.quit();
        return;
      case 'connect':
        await this.reconnectCommand(firstArgument(arg));
        return;
      case 'print': {
        // What the learner typed, pasted control characters included: shown, not obeyed.
        const shown = escapeControls(pending);
        this.write(`--------------\n${shown}${shown.endsWith('\n') ? '' : '\n'}--------------\n\n`);
        return;
      }
      case 'warnings':
        this.showWarnings = true;
        this.write('Show warnings enabled.\n');
        return;
      case 'nowarning':
        this.showWarnings = false;
        this.write('Show warnings disabled.\n');
        return;
      default: {
        const command = CLIENT_COMMANDS.find((c) => c.name === name);
        const letter = command ? ` (\\${command.char})` : '';
        this.write(clientErrorLine(`the client command '${name}'${letter} is not available in the playground`));
      }
    }
  }

  // ---- client commands -------------------------------------------------------------------

  private async use(database: string): Promise<void> {
    if (database === '') {
      this.write(clientErrorLine('USE must be followed by a database name'));
      return;
    }
    if (!(await this.ensureConnection())) return;
    const conn = this.conn!;
    try {
      await this.onServer(conn, () => queryText(conn, `USE ${quoteIdentifier(database)}`));
      this.database = database;
      this.write('Database changed\n');
    } catch (err) {
      this.write(this.errorText(err as MysqlError));
    }
  }

  private async serverHelp(topic: string): Promise<void> {
    if (!(await this.ensureConnection())) return;
    const conn = this.conn!;
    try {
      const result = await this.onServer(conn, () => queryText(conn, serverHelpStatement(topic)));
      this.write(formatServerHelp(topic, result.fields.length, result.rows));
    } catch (err) {
      this.write(this.errorText(err as MysqlError));
    }
  }

  private async status(): Promise<void> {
    if (!(await this.ensureConnection())) return;
    const conn = this.conn!;
    try {
      const [facts, counters] = await this.onServer(conn, async () => [
        await queryText(
          conn,
          'SELECT CONNECTION_ID(), DATABASE(), USER(), @@character_set_server, @@character_set_database, ' +
            '@@character_set_client, @@character_set_connection, VERSION(), @@version_comment',
        ),
        await queryText(
          conn,
          "SHOW GLOBAL STATUS WHERE Variable_name IN ('Uptime', 'Threads_connected', 'Questions', 'Slow_queries', 'Opened_tables', 'Open_tables')",
        ),
      ]);
      const f = facts.rows[0] ?? [];
      const counter = (name: string) => Number(counters.rows.find((r) => r[0] === name)?.[1] ?? 0);
      this.write(
        formatStatus({
          connectionId: Number(f[0] ?? conn.threadId),
          database: f[1] ?? null,
          user: f[2] ?? '',
          delimiter: this.splitter.delimiter,
          serverName: this.server.name,
          serverVersion: versionLine(f[7] ?? this.server.version, f[8] ?? ''),
          protocolVersion: handshakeProtocolVersion(conn),
          host: this.target.host,
          port: this.target.port,
          charsets: { server: f[3] ?? '', database: f[4] ?? '', client: f[5] ?? '', connection: f[6] ?? '' },
          uptimeSeconds: counter('Uptime'),
          threads: counter('Threads_connected'),
          questions: counter('Questions'),
          slowQueries: counter('Slow_queries'),
          opens: counter('Opened_tables'),
          openTables: counter('Open_tables'),
        }),
      );
    } catch (err) {
      this.write(this.errorText(err as MysqlError));
    }
  }

  /** The real client exits; here the session starts over, so the terminal stays usable. */
  private async quit(): Promise<void> {
    this.write('Bye\n');
    this.dropConnection();
    this.splitter = new StatementSplitter();
    this.showWarnings = false;
    try {
      await this.connectFresh(this.target.database);
      this.write('\n' + this.greeting());
    } catch (err) {
      this.giveUp(err);
    }
  }

  private async reconnectCommand(database: string): Promise<void> {
    const db = database === '' ? this.database : database;
    const old = this.conn;
    try {
      const conn = await connect(this.target, { database: db, timeoutMs: CONNECT_TIMEOUT_MS });
      if (old) closeConnection(old);
      await this.adopt(conn, db);
      this.write(
        `Connection id:    ${conn.threadId}\nCurrent database: ${oneLine(this.database ?? '*** NONE ***')}\n\n`,
      );
    } catch (err) {
      // Unlike the client, the old connection stays: a typo in a database name should not cost it.
      this.write(this.errorText(err as MysqlError));
    }
  }

  private async printWarnings(error: MysqlError | null): Promise<void> {
    const conn = this.conn!;
    try {
      const result = await this.onServer(conn, () => queryText(conn, 'SHOW WARNINGS'));
      // The statement's own error is already on screen; the client does not repeat it.
      if (result.rows.length === 1 && error && Number(result.rows[0][1]) === error.errno) return;
      for (const [level, code, message] of result.rows) {
        this.write(`${escapeControls(level ?? '')} (Code ${code}): ${escapeControls(message ?? '')}\n`);
      }
    } catch {
      /* warnings are a courtesy */
    }
  }

  private async refreshDatabase(): Promise<void> {
    const conn = this.conn!;
    try {
      const result = await this.onServer(conn, () => queryText(conn, 'SELECT DATABASE()'));
      this.database = result.rows[0]?.[0] ?? null;
    } catch {
      /* the prompt keeps the name it had */
    }
  }

  // ---- the connection --------------------------------------------------------------------

  /** Runs a server round trip that Ctrl-C may interrupt; its outcome waits for the KILL's note. */
  private async onServer<T>(conn: Connection, work: () => Promise<T>): Promise<T> {
    const running: Running = { threadId: conn.threadId, interrupts: 0, kill: null };
    this.running = running;
    try {
      return await work();
    } finally {
      this.running = null;
      if (running.kill) await running.kill;
    }
  }

  private killRunning(running: Running): void {
    running.interrupts++;
    const which = running.interrupts === 1 ? 'QUERY' : 'CONNECTION';
    const previous = running.kill ?? Promise.resolve();
    running.kill = previous.then(async () => {
      if (!(await this.sendKill(running.threadId, which))) {
        this.write('Ctrl-C -- sorry, cannot connect to server to kill query, giving up ...\n');
      } else {
        this.write(which === 'QUERY' ? 'Ctrl-C -- query killed.\n' : 'Ctrl-C -- closing connection.\n');
      }
    });
  }

  /** KILL from a second connection, as the client does; false if that connection cannot be made. */
  private async sendKill(threadId: number, which: 'QUERY' | 'CONNECTION'): Promise<boolean> {
    let side: Connection;
    try {
      side = await connect(this.target, { database: null, timeoutMs: KILL_CONNECT_TIMEOUT_MS });
    } catch {
      return false;
    }
    try {
      await queryText(side, `KILL ${which} ${threadId}`);
    } catch {
      /* it ended on its own meanwhile: nothing left to kill */
    } finally {
      closeConnection(side);
    }
    return true;
  }

  /** Before a statement: a dropped connection is reopened once, as the client does. */
  private async ensureConnection(): Promise<boolean> {
    if (this.conn && this.alive) return true;
    this.write(CR_SERVER_GONE);
    this.write('No connection. Trying to reconnect...\n');
    try {
      await this.connectFresh(this.database).catch((err: MysqlError) => {
        // The current database may be gone with the old connection's work; go in without it.
        if (err.errno === 1049 && this.database !== null) return this.connectFresh(null);
        throw err;
      });
    } catch (err) {
      this.write(connectErrorText(err as MysqlError, this.target));
      this.write(clientErrorLine("Can't connect to the server") + '\n');
      this.giveUp(err);
      return false;
    }
    this.write(
      `Connection id:    ${this.conn!.threadId}\nCurrent database: ${oneLine(this.database ?? '*** NONE ***')}\n\n`,
    );
    return true;
  }

  private async connectFresh(database: string | null): Promise<void> {
    const conn = await connect(this.target, { database, timeoutMs: CONNECT_TIMEOUT_MS });
    this.dropConnection();
    await this.adopt(conn, database);
  }

  /** Makes `conn` the terminal's connection and learns what the greeting and prompt show. */
  private async adopt(conn: Connection, database: string | null): Promise<void> {
    if (this.closed) {
      conn.destroy();
      return;
    }
    this.conn = conn;
    this.alive = true;
    this.database = database;
    const onGone = () => {
      if (this.conn === conn) this.alive = false;
    };
    conn.on('error', onGone);
    conn.on('end', onGone);
    this.output.setSource(connectionSocket(conn));
    try {
      const facts = await queryText(conn, 'SELECT VERSION(), @@version_comment, DATABASE()');
      const [version, comment, current] = facts.rows[0] ?? [];
      this.server = {
        name: /mariadb/i.test(version ?? '') ? 'MariaDB' : 'MySQL',
        version: version ?? '',
        versionComment: comment ?? '',
      };
      this.database = current ?? null;
    } catch {
      /* the prompt shows what we asked for */
    }
  }

  private dropConnection(): void {
    const conn = this.conn;
    this.conn = null;
    const wasAlive = this.alive;
    this.alive = false;
    if (!conn) return;
    if (!this.closed) this.output.setSource(null);
    if (this.running?.threadId === conn.threadId) {
      // Closing the socket does not stop a running query (SLEEP, a long UPDATE): kill it too.
      void this.sendKill(conn.threadId, 'QUERY');
      conn.destroy();
    } else if (wasAlive) {
      closeConnection(conn);
    } else {
      conn.destroy();
    }
  }

  private giveUp(err: unknown): void {
    if (this.closed || this.failed) return;
    this.failed = true;
    this.dropConnection();
    // The message may quote the server (a database name it refused): one line, controls escaped.
    const reason = visibleText(errorMessage(err), 'none');
    this.output.fail(`lost the connection to ${this.server.name} and could not reconnect: ${reason}`);
  }

  // ---- output ----------------------------------------------------------------------------

  private greeting(): string {
    const name = this.server.name;
    return (
      `Welcome to the MariaDB monitor.  Commands end with ; or \\g.\n` +
      `Your ${name} connection id is ${this.conn?.threadId ?? 0}\n` +
      `Server version: ${versionLine(this.server.version, this.server.versionComment)}\n\n` +
      `Type 'help;' or '\\h' for help. Type '\\c' to clear the current input statement.\n\n`
    );
  }

  private mainPrompt(): string {
    return `${this.server.name} [${oneLine(this.database ?? '(none)')}]> `;
  }

  private promptNow(): void {
    if (this.closed || this.failed) return;
    this.output.prompt(this.splitter.prompt(this.mainPrompt()));
  }

  private write(text: string): void {
    if (this.closed || this.failed || text === '') return;
    this.output.write(text.replace(/\r?\n/g, '\r\n'));
  }

  /** How the client shows a failed statement; a lost connection is remembered for the next one. */
  private errorText(err: MysqlError): string {
    if (typeof err.errno === 'number' && err.errno > 0 && typeof err.sqlState === 'string') {
      return serverErrorLine(err.errno, err.sqlState, err.sqlMessage ?? err.message);
    }
    if (err.fatal || !this.conn || !this.alive) {
      this.alive = false;
      return err.message.includes('closed state') ? CR_SERVER_GONE : CR_SERVER_LOST;
    }
    return clientErrorLine(err.message || String(err));
  }
}

function connectErrorText(err: MysqlError, target: MysqlTarget): string {
  if (typeof err.errno === 'number' && err.errno > 0 && typeof err.sqlState === 'string') {
    return serverErrorLine(err.errno, err.sqlState, err.sqlMessage ?? err.message);
  }
  const code = err.code === 'ECONNREFUSED' ? 111 : err.code === 'ETIMEDOUT' ? 110 : 0;
  return `ERROR 2003 (HY000): Can't connect to server on '${target.host}' (${code})\n`;
}

/** "10.11.19-MariaDB-0+deb12u1 Debian 12": the version, then @@version_comment, as the client shows it. */
function versionLine(version: string, comment: string): string {
  return escapeControls(comment ? `${version} ${comment}` : version);
}

function handshakeProtocolVersion(conn: Connection): number {
  const handshake = (conn as unknown as { _handshakePacket?: { protocolVersion?: number } })._handshakePacket;
  return handshake?.protocolVersion ?? 10;
}

/** A name the server holds (a database's), as one line of visible text: a prompt has no room for a line break. */
function oneLine(name: string): string {
  return visibleText(name, 'none');
}

/** `name` as a quoted identifier: backticks doubled inside. */
export function quoteIdentifier(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}
