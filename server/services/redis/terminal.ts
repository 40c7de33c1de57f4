// The Redis terminal: behaves like redis-cli 7 in a terminal. Lines are split as redis-cli splits
// them, sent as RESP, and replies are printed as redis-cli prints them while they stream in. The
// prompt carries the selected database and the transaction state; SUBSCRIBE and MONITOR stream
// until Ctrl-C, which (like any interrupt of a running command) drops the connection and opens a
// fresh one. A WRONGTYPE error gets the trace's hint under it (wire-explain.ts: what the key really
// is), an OOM error one that says how much the server may hold (oom-hint.ts). Everything a learner
// types ends as terminal text, never as an exception.
import { DIM, RESET } from '../../../shared/ansi.ts';
import type { Endpoint } from '../endpoint.ts';
import type { TerminalOutput, TerminalSession } from '../types.ts';
import { commandCatalog } from './command-docs.ts';
import {
  type OpenedConnection,
  type RedisConnection,
  type ReplySink,
  describeSocketError,
  openConnection,
} from './connection.ts';
import { ReplyFormatter, rawView, wantsRawOutput } from './format-reply.ts';
import { GENERIC_HELP, META_HELP, helpFor } from './help-text.ts';
import type { RedisTarget } from './redis-url.ts';
import { parseRedisUrl } from './redis-url.ts';
import { type RespValue, ValueBuilder, replayValue, valueItems, valueText } from './reply-value.ts';
import { rememberStartSettings } from './settings.ts';
import type { ReplyInfo, RespEvents } from './resp.ts';
import { splitArgs } from './split-args.ts';
import { explainWrongType } from './wire-explain.ts';
import { explainOom } from './oom-hint.ts';
import { terminalHint } from '../wire-types.ts';
import { visibleText } from '../visible-text.ts';

/** Time to connect (and AUTH/SELECT) before giving up, on open and on every reconnect. */
const CONNECT_TIMEOUT_MS = 3000;
/** redis-cli prints "(1.23s)" after a command that took at least this long. */
const SLOW_COMMAND_NOTE_MS = 500;
/** Largest repeat count (`3 INCR counter`); more is not a lesson, only a long wait. */
export const MAX_REPEAT = 100_000;
/** Bytes of each reply kept for `:raw`; longer replies are shown cut, with their full length. */
export const MAX_RAW_VIEW_BYTES = 64 * 1024;

const SUBSCRIBE_COMMANDS = new Set(['subscribe', 'psubscribe', 'ssubscribe']);

type Activity =
  | 'idle' // at the prompt
  | 'command' // a command (or a stream) runs on the connection
  | 'local' // the terminal itself works (HELP fetching the catalog)
  | 'reconnecting'
  | 'failed'
  | 'closed';

/** ASCII-only lower case, as strcasecmp compares: other bytes stay as they are. */
function asciiLower(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** A WRONGTYPE error reply, which gets a hint line under it. */
function isWrongType(info: ReplyInfo): boolean {
  return info.type === '-' && info.raw.subarray(1, 10).toString('latin1') === 'WRONGTYPE';
}

/** Redis' "OOM command not allowed when used memory > 'maxmemory'", which gets a hint line too. */
function isOom(info: ReplyInfo): boolean {
  return info.type === '-' && info.raw.subarray(1, 5).toString('latin1') === 'OOM ';
}

/** C's atoi: the leading integer of a string, 0 when there is none. */
function atoi(text: string): number {
  const match = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * redis-cli repeats a command whose first word is a number (`3 PING`), as strtol reads it: the
 * whole word must be read, so "3x" is a command name. null: no repeat count.
 */
export function parseRepeat(args: Buffer[]): { count: number } | { invalid: true } | null {
  if (args.length < 2) return null;
  const word = args[0].toString('latin1');
  // An empty word reads as a complete number 0 to strtol, which redis-cli then refuses.
  if (word !== '' && !/^[\t\n\v\f\r ]*[+-]?\d+$/.test(word)) return null;
  const count = word === '' ? 0 : Number(word.trim());
  if (!(count > 0) || count > Number.MAX_SAFE_INTEGER) return { invalid: true };
  return { count };
}

export async function openRedisTerminal(endpoint: Endpoint, output: TerminalOutput): Promise<TerminalSession> {
  // The URL says where to connect (a traced terminal's tap); the address is what the prompt shows.
  const target = { ...parseRedisUrl(endpoint.url), address: endpoint.address };
  let opened: OpenedConnection;
  try {
    opened = await openConnection(target, target.db, CONNECT_TIMEOUT_MS, { maxRawBytes: MAX_RAW_VIEW_BYTES });
  } catch (err) {
    // The host words it as "cannot connect to Redis at HOST:PORT: <this>".
    throw new Error(describeSocketError(err), { cause: err });
  }
  // Before the first prompt: a CONFIG SET the learner is about to type can be undone by a reset.
  await rememberStartSettings(endpoint);
  return new RedisTerminal(endpoint, target, opened, output);
}

export class RedisTerminal implements TerminalSession {
  private connection!: RedisConnection;
  private activity: Activity = 'idle';
  /** Bumped whenever what runs is abandoned (interrupt, lost connection, close): late callbacks check it. */
  private epoch = 0;
  private db: number;
  private preMultiDb = 0;
  private inMulti = false;
  /** After CLIENT REPLY OFF the server answers nothing until CLIENT REPLY ON. */
  private repliesOff = false;
  /** After CLIENT REPLY SKIP the server does not answer the next command. */
  private skipNextReply = false;
  private lastReply: ReplyInfo | null = null;
  private rawAfterEachReply = false;
  /** While reconnecting: the line the host handed over meanwhile, run once connected. */
  private pendingLine: string | null = null;
  private promptAfterReconnect = false;
  /** The running command closes the connection by design (SHUTDOWN): no "Error:" line for it. */
  private expectClose = false;

  private readonly formatter = new ReplyFormatter((text) => this.emit(text));
  private readonly pushFormatter = new ReplyFormatter((text) => this.emit(text));
  private outBuf = '';
  private lastCR = false;
  private atLineStart = true;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly target: RedisTarget,
    opened: OpenedConnection,
    private readonly output: TerminalOutput,
  ) {
    this.db = opened.db;
    this.attach(opened);
    // The first prompt waits a turn: the host starts handing over lines once openTerminal() has
    // returned this session.
    setImmediate(() => {
      if (this.activity === 'idle') this.prompt();
    });
  }

  line(text: string): void {
    if (this.activity === 'reconnecting') {
      this.pendingLine = text;
      return;
    }
    // The host hands over one line per prompt; anything else (a stream runs) is not for us.
    if (this.activity !== 'idle') return;
    this.guard(() => this.handleLine(text));
  }

  interrupt(): void {
    switch (this.activity) {
      case 'idle':
        this.prompt();
        break;
      case 'local':
        this.epoch++;
        this.activity = 'idle';
        this.prompt();
        break;
      case 'command':
        // redis-cli would exit on Ctrl-C; the way to stop a blocked or streaming connection
        // without exiting is to drop it and start over on a new one.
        this.epoch++;
        if (!this.atLineStart) this.emit('\n');
        this.reconnect(true);
        break;
      case 'reconnecting':
        this.pendingLine = null;
        this.promptAfterReconnect = true;
        break;
      case 'failed':
      case 'closed':
        break;
    }
  }

  close(): void {
    this.activity = 'closed';
    this.epoch++;
    this.outBuf = '';
    this.connection.destroy();
  }

  private handleLine(text: string): void {
    const args = splitArgs(text);
    if (args === null) {
      this.emit('Invalid argument(s)\n');
      return this.prompt();
    }
    if (args.length === 0) return this.prompt();
    const command = asciiLower(args[0]);
    const words = args.map((a) => a.toString('utf8'));
    if (command === 'quit' || command === 'exit') return this.quit();
    if (command.startsWith(':')) return this.meta(words);
    if (command === 'clear' && args.length === 1) {
      this.emit('\x1b[H\x1b[2J');
      return this.prompt();
    }
    if (command === 'connect' && args.length === 3) {
      this.emit("CONNECT is not available here: this terminal talks to the playground's own Redis.\n");
      return this.prompt();
    }
    const repeat = parseRepeat(args);
    if (repeat && 'invalid' in repeat) {
      this.emit('Invalid redis-cli repeat command option value.\n');
      return this.prompt();
    }
    if (repeat && repeat.count > MAX_REPEAT) {
      this.emit(`A repeat count above ${MAX_REPEAT} is not allowed here.\n`);
      return this.prompt();
    }
    const commandArgs = repeat ? args.slice(1) : args;
    const name = asciiLower(commandArgs[0]);
    if (name === 'help' || name === '?') return this.help(words.slice(repeat ? 2 : 1));
    void this.run(commandArgs, repeat ? repeat.count : 1);
  }

  private async run(args: Buffer[], repeat: number): Promise<void> {
    this.activity = 'command';
    const epoch = this.epoch;
    const started = Date.now();
    let wrongType = false;
    let oom = false;
    try {
      for (let i = 0; i < repeat && epoch === this.epoch; i++) {
        const info = await this.execute(args);
        if (info && isWrongType(info)) wrongType = true;
        if (info && isOom(info)) oom = true;
      }
    } catch (err) {
      // A lost connection is connectionLost()'s to report (it has bumped the epoch); anything else
      // is said here.
      if (epoch === this.epoch) this.emit(`(error) ${visibleText(err instanceof Error ? err.message : String(err))}\n`);
    }
    if (epoch !== this.epoch) return;
    if (wrongType) {
      // The trace's hint for the same error, under it: what the key really is.
      const hint = await explainWrongType(this.endpoint, args, this.db);
      if (epoch !== this.epoch) return;
      if (hint) this.emit(terminalHint(hint));
    }
    if (oom) {
      const hint = await explainOom(this.endpoint);
      if (epoch !== this.epoch) return;
      if (hint) this.emit(terminalHint(hint));
    }
    const elapsed = Date.now() - started;
    if (elapsed >= SLOW_COMMAND_NOTE_MS) this.emit(`(${(elapsed / 1000).toFixed(2)}s)\n`);
    this.activity = 'idle';
    this.prompt();
  }

  /** Sends one command and resolves once its reply has been printed (a stream: once it ends), with the reply. */
  private execute(args: Buffer[]): Promise<ReplyInfo | null> {
    const lower = args.map(asciiLower);
    const [command, sub = '', third = ''] = lower;
    const streaming = SUBSCRIBE_COMMANDS.has(command) || command === 'monitor';
    this.formatter.mode = wantsRawOutput(args.map((a) => a.toString('latin1'))) ? 'raw' : 'tty';
    this.expectClose = command === 'shutdown';

    const clientReply = command === 'client' && sub === 'reply' && args.length === 3 && !this.inMulti ? third : null;
    const replySkipped =
      (this.repliesOff && clientReply !== 'on') ||
      this.skipNextReply ||
      clientReply === 'off' ||
      clientReply === 'skip';
    if (replySkipped) {
      // The server sends nothing back: waiting would hang until Ctrl-C.
      this.skipNextReply = clientReply === 'skip';
      if (clientReply === 'off') this.repliesOff = true;
      this.connection.sendUnanswered(args);
      return Promise.resolve(null);
    }
    if (clientReply === 'on') this.repliesOff = false;

    if (SUBSCRIBE_COMMANDS.has(command)) this.emit('Reading messages... (press Ctrl-C to quit)\n');
    return new Promise<ReplyInfo | null>((resolve, reject) => {
      const sink: ReplySink = {
        events: this.formatter,
        takesPushes: streaming,
        end: (info) => {
          this.formatter.replyEnd(info);
          this.noteReply(info);
          const isError = info.type === '-' || info.type === '!';
          if (streaming && !isError) {
            // Each message goes out as it completes; the stream runs until Ctrl-C.
            this.flush();
            return false;
          }
          this.updateState(lower, info);
          resolve(info);
          return true;
        },
        abort: (reason) => reject(new Error(reason)),
      };
      this.connection.send(args, sink);
    });
  }

  /** What redis-cli tracks after a reply: the database, and whether a transaction is open. */
  private updateState(lower: string[], info: ReplyInfo): void {
    const isError = info.type === '-' || info.type === '!';
    const argc = lower.length;
    switch (lower[0]) {
      case 'select':
        if (argc === 2 && !isError) this.db = atoi(lower[1]);
        break;
      case 'multi':
        if (argc === 1 && !isError) {
          this.inMulti = true;
          this.preMultiDb = this.db;
        }
        break;
      case 'exec':
        if (argc === 1 && this.inMulti) {
          this.inMulti = false;
          // A failed or aborted (WATCH) transaction never ran its SELECT.
          if (isError || info.isNil) this.db = this.preMultiDb;
        }
        break;
      case 'discard':
        if (argc === 1 && !isError) {
          this.inMulti = false;
          this.db = this.preMultiDb;
        }
        break;
      case 'reset':
        if (argc === 1 && !isError) {
          this.inMulti = false;
          this.db = 0;
          this.repliesOff = false;
          this.skipNextReply = false;
        }
        break;
    }
  }

  private noteReply(info: ReplyInfo): void {
    this.lastReply = info;
    if (this.rawAfterEachReply) this.emitRaw(info);
  }

  private emitRaw(info: ReplyInfo): void {
    const view = rawView(info);
    this.emit(
      view
        .split('\n')
        .filter(Boolean)
        .map((line) => `${DIM}${line}${RESET}\n`)
        .join(''),
    );
  }

  private meta(words: string[]): void {
    const command = words.map((w) => w.toLowerCase()).join(' ');
    switch (command) {
      case ':raw':
        if (this.lastReply) this.emitRaw(this.lastReply);
        else this.emit('(no reply yet)\n');
        break;
      case ':raw on':
        this.rawAfterEachReply = true;
        this.emit('The raw bytes of every reply are shown from now on (":raw off" stops it).\n');
        break;
      case ':raw off':
        this.rawAfterEachReply = false;
        this.emit('Raw bytes are no longer shown (":raw" still shows the last reply\'s).\n');
        break;
      case ':help':
        this.emit(META_HELP);
        break;
      default:
        if (words[0].toLowerCase() === ':set') {
          this.emit(
            'redis-cli preferences do not apply here: hints are always on. ":help" lists this terminal\'s commands.\n',
          );
        } else {
          // JSON quotes C0 controls but leaves DEL and C1 ones as they are.
          const shown = visibleText(JSON.stringify(words.join(' ')), 'none');
          this.emit(`Unknown terminal command ${shown}. ":help" lists them.\n`);
        }
    }
    this.prompt();
  }

  private help(words: string[]): void {
    if (words.length === 0) {
      this.emit(GENERIC_HELP);
      return this.prompt();
    }
    this.activity = 'local';
    const epoch = this.epoch;
    const done = (text: string) => {
      if (epoch !== this.epoch || this.activity !== 'local') return;
      this.emit(text);
      this.activity = 'idle';
      this.prompt();
    };
    commandCatalog(this.endpoint.url, this.target).then(
      (catalog) => done(helpFor(words, catalog)),
      (err) => done(`Help is not available: ${describeSocketError(err)}\n`),
    );
  }

  private quit(): void {
    this.emit(
      `${DIM}(redis-cli would exit here; this terminal stays open and starts over on a new connection)${RESET}\n`,
    );
    // A new redis-cli starts in the URL's database, outside any transaction.
    this.db = this.target.db;
    this.inMulti = false;
    this.epoch++;
    this.reconnect(true);
  }

  private attach(opened: OpenedConnection): void {
    const connection = opened.connection;
    this.connection = connection;
    this.db = opened.db;
    this.repliesOff = false;
    this.skipNextReply = false;
    connection.onChunkDone = () => this.flush();
    connection.onClose = (reason) => this.connectionLost(connection, reason);
    connection.unsolicited = this.unsolicitedSink();
    // A note quotes the server's error for AUTH or SELECT.
    for (const note of opened.notes) this.emit(`${visibleText(note, 'none')}\n`);
    this.output.setSource(connection.socket);
  }

  /**
   * Replies nobody waits for: RESP3 pushes outside pub/sub (client-side caching invalidations),
   * printed when they come. A push is small and collected whole; anything else (which only a
   * confused server would send) streams through the formatter, so nothing here grows unbounded.
   */
  private unsolicitedSink(): ReplySink {
    const push = new ValueBuilder();
    let current: Omit<RespEvents, 'replyEnd'> = push;
    const events: Omit<RespEvents, 'replyEnd'> = {
      replyStart: (type) => {
        current = type === '>' ? push : this.pushFormatter;
        current.replyStart(type);
      },
      aggregateStart: (type, count) => current.aggregateStart(type, count),
      aggregateEnd: () => current.aggregateEnd(),
      scalarStart: (type) => current.scalarStart(type),
      scalarData: (data) => current.scalarData(data),
      scalarEnd: () => current.scalarEnd(),
      nil: () => current.nil(),
    };
    return {
      events,
      end: (info) => {
        if (current === push) this.printPush(push.take(), info);
        else this.pushFormatter.replyEnd(info);
        this.noteReply(info);
        return true;
      },
    };
  }

  /** redis-cli's push handler: invalidations on one line, anything else formatted as usual. */
  private printPush(value: RespValue, info: ReplyInfo): void {
    const [kind, keys] = valueItems(value);
    if (
      value.kind === 'aggregate' &&
      value.type === '>' &&
      value.items.length === 2 &&
      valueText(kind) === 'invalidate' &&
      keys.kind === 'aggregate'
    ) {
      // Key names, as redis-cli prints them but with their control characters escaped.
      const names = keys.items.map((k) => `'${visibleText(valueText(k) ?? '', 'none')}'`).join(', ');
      this.emit(`-> invalidate: ${names}\n`);
    } else {
      this.pushFormatter.replyStart(info.type);
      replayValue(value, this.pushFormatter);
      this.pushFormatter.replyEnd(info);
    }
  }

  private connectionLost(connection: RedisConnection, reason: string): void {
    if (connection !== this.connection || this.activity === 'closed' || this.activity === 'failed') return;
    if (this.activity === 'reconnecting') return;
    const waiting = this.activity !== 'idle';
    if (this.activity === 'command' && !this.expectClose) {
      if (!this.atLineStart) this.emit('\n');
      // redis-cli's words when a reply never comes.
      this.emit(`Error: ${reason}\n`);
    }
    this.epoch++;
    this.reconnect(waiting);
  }

  /**
   * Drops the connection and opens a fresh one with the same AUTH and database, as redis-cli
   * does. When that fails the server is gone: say so as redis-cli does and let the host close the
   * terminal (it reopens it once the service is back).
   */
  private reconnect(promptAfter: boolean): void {
    this.activity = 'reconnecting';
    this.promptAfterReconnect = promptAfter;
    this.pendingLine = null;
    this.connection.destroy();
    this.flush();
    if (this.inMulti) {
      // The server forgets the transaction with the connection.
      this.inMulti = false;
      this.db = this.preMultiDb;
    }
    openConnection(this.target, this.db, CONNECT_TIMEOUT_MS, { maxRawBytes: MAX_RAW_VIEW_BYTES }).then(
      (opened) => {
        if (this.activity !== 'reconnecting') {
          opened.connection.destroy();
          return;
        }
        this.attach(opened);
        this.activity = 'idle';
        const line = this.pendingLine;
        this.pendingLine = null;
        if (line !== null) this.guard(() => this.handleLine(line));
        else if (this.promptAfterReconnect) this.prompt();
        else this.flush();
      },
      (err) => {
        if (this.activity !== 'reconnecting') return;
        this.activity = 'failed';
        this.emit(`Could not connect to Redis at ${this.target.address}: ${describeSocketError(err)}\n`);
        this.flush();
        this.output.fail('not connected');
      },
    );
  }

  /** Runs a step of line handling; an unexpected exception becomes terminal text and a prompt. */
  private guard(step: () => void): void {
    try {
      step();
    } catch (err) {
      this.emit(`(internal error: ${visibleText(err instanceof Error ? err.message : String(err))})\n`);
      if (this.activity === 'idle' || this.activity === 'local') {
        this.activity = 'idle';
        this.prompt();
      }
    }
  }

  private promptText(): string {
    const db = this.db !== 0 ? `[${this.db}]` : '';
    return `${this.target.address}${db}${this.inMulti ? '(TX)' : ''}> `;
  }

  private prompt(): void {
    if (this.activity === 'closed') return;
    this.flush();
    this.output.prompt(this.promptText());
  }

  /** Collects output; "\n" becomes "\r\n" (a "\r\n" already there, even split across calls, stays). */
  private emit(text: string): void {
    if (!text || this.activity === 'closed') return;
    let out = text.replace(/\r?\n/g, '\r\n');
    if (this.lastCR && text.startsWith('\n')) out = out.slice(1);
    this.lastCR = text.endsWith('\r');
    this.atLineStart = text.endsWith('\n');
    this.outBuf += out;
  }

  /** Hands collected output to the host: after each chunk from the server, and before a prompt. */
  private flush(): void {
    if (!this.outBuf || this.activity === 'closed') return;
    const text = this.outBuf;
    this.outBuf = '';
    this.output.write(text);
  }
}
