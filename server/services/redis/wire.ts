// RESP decoded for the trace ("show the wire"): each command a client sent (an array of bulk
// strings, or an inline line as telnet sends it) and each reply, RESP2 and RESP3, as one message
// with a summary, a tree and its byte ranges. wire-parse.ts reads the bytes; this file knows the
// conversation: which replies answer a request and which are pushes (pub/sub messages, RESP3
// invalidations, MONITOR's feed), what HELLO, SELECT, CLIENT REPLY and RESET change, and which
// argument is a password (AUTH, HELLO … AUTH): overwritten with `*` before anyone sees it.
//
// Pairing: the trace pairs a `reply` with the oldest `request` still waiting. SUBSCRIBE a b is one
// request and two confirmations; the first is its reply and the others are `other`, so the next
// command still pairs with its own reply. UNSUBSCRIBE with no channel is answered once per channel
// the connection had (once when it had none): that count is taken from the confirmations seen.
import { KEEP_BYTES, INLINE, PUSH, RespReader, type RespValue, STAR } from './wire-parse.ts';
import {
  asciiLower,
  commandSummary,
  commandTree,
  isError,
  pubsubSummary,
  pubsubWords,
  replySummary,
  valueNodes,
} from './wire-format.ts';
import { explainWrongType } from './wire-explain.ts';
import type { TraceDir } from '../../../shared/trace.ts';
import type { ExplainContext, WireDecoder, WireItem, WireMessage, WireProtocol } from '../wire-types.ts';
import { Fifo } from '../../util/fifo.ts';

/** What explain() reads of a command: its arguments (passwords overwritten), and the database it ran in. */
export interface RedisCommandDetail {
  kind: 'redis-command';
  /** The arguments, the name first; null for one too long to keep whole. */
  args: (string | null)[];
  db: number;
}

export interface RedisReplyDetail {
  kind: 'redis-reply';
  /** An error reply's text: `WRONGTYPE Operation against a key…`. */
  error: string;
}

type Family = 'channel' | 'pattern' | 'shard';

/** The confirmations of each (un)subscribe command, by the word they start with. */
const FAMILIES: Record<string, Family> = {
  subscribe: 'channel',
  unsubscribe: 'channel',
  psubscribe: 'pattern',
  punsubscribe: 'pattern',
  ssubscribe: 'shard',
  sunsubscribe: 'shard',
};
/** Pub/sub deliveries, never answers: how many elements each has. */
const MESSAGES: Record<string, number> = { message: 3, pmessage: 4, smessage: 3 };
/** A line of MONITOR's feed: `1700000000.123456 [0 127.0.0.1:5000] "get" "k"`. */
const MONITOR_LINE = /^\d+\.\d+ \[\d+ /;
/** Settings whose value is a password (CONFIG SET). */
const PASSWORD_SETTINGS = new Set(['requirepass', 'masterauth']);

interface Waiting {
  command: string;
  /** An (un)subscribe: how many confirmations answer it (null: one per channel it drops), how many came. */
  pubsub: { family: Family; expected: number | null; got: number } | null;
  /** HELLO's protocol version. */
  hello?: number;
  /** SELECT: the database before it, back if it fails. */
  previousDb?: number;
}

/** Commands with a password among their arguments (read whole by secretArgs). */
const WITH_PASSWORDS = new Set(['auth', 'hello', 'migrate', 'config', 'acl']);
const NO_SECRETS: ReadonlySet<number> = new Set();

/** Indexes of the arguments that are passwords. */
function secretArgs(lower: string[], count: number): ReadonlySet<number> {
  if (!WITH_PASSWORDS.has(lower[0])) return NO_SECRETS;
  const secret = new Set<number>();
  switch (lower[0]) {
    case 'auth':
      // AUTH password, AUTH username password
      secret.add(count === 2 ? 1 : 2);
      break;
    case 'hello':
      // HELLO 3 AUTH username password SETNAME name
      for (let i = 2; i < lower.length; i++) {
        if (lower[i] === 'auth') {
          secret.add(i + 2);
          i += 2;
        } else if (lower[i] === 'setname') {
          i++;
        }
      }
      break;
    case 'migrate':
      // … AUTH password | AUTH2 username password
      for (let i = 6; i < lower.length; i++) {
        if (lower[i] === 'auth') secret.add(i + 1);
        if (lower[i] === 'auth2') secret.add(i + 2);
      }
      break;
    case 'config':
      if (lower[1] === 'set') {
        for (let i = 2; i + 1 < lower.length; i += 2) if (PASSWORD_SETTINGS.has(lower[i])) secret.add(i + 1);
      }
      break;
    case 'acl':
      // ACL SETUSER name >password <password #hash
      if (lower[1] === 'setuser') {
        for (let i = 3; i < lower.length; i++) if (/^[<>#!]/.test(lower[i])) secret.add(i);
      }
      break;
  }
  for (const i of secret) if (i >= lower.length) secret.delete(i);
  return secret;
}

class RedisWireDecoder implements WireDecoder {
  private readonly send = new RespReader('send', true, (value, bytes) => this.request(value, bytes));
  private readonly recv = new RespReader('recv', false, (value, bytes) => this.reply(value, bytes));
  private readonly waiting = new Fifo<Waiting>();
  /** CLIENT REPLY OFF: the server answers nothing until CLIENT REPLY ON. */
  private repliesOff = false;
  /** CLIENT REPLY SKIP: the next command is not answered. */
  private skipNext = false;
  private readonly subscriptions: Record<Family, Set<string>> = {
    channel: new Set(),
    pattern: new Set(),
    shard: new Set(),
  };
  private resp3 = false;
  private monitoring = false;
  /** The database commands run in, as SELECT sets it (the connection starts in 0; a client's SELECT shows). */
  private db = 0;

  feed(dir: TraceDir, chunk: Buffer): WireItem[] {
    return dir === 'send' ? this.send.feed(chunk) : this.recv.feed(chunk);
  }

  flush(): WireItem[] {
    return [...this.send.flush(), ...this.recv.flush()];
  }

  private request(v: RespValue, bytes: Buffer): WireMessage {
    const args = v.items ?? [];
    if (args.length === 0) {
      // `*0`, `*-1` and a blank line: Redis reads them and answers nothing.
      const what = v.type === INLINE ? 'blank line' : 'empty command';
      return { dir: 'send', bytes, summary: `(${what}: Redis ignores it)`, tree: [], role: 'other' };
    }
    // What decides a role or a password is in the first words, or anywhere in a few commands.
    const read = WITH_PASSWORDS.has(asciiLower(args[0].text)) ? args : args.slice(0, 3);
    const lower = read.map((a) => asciiLower(a.text));
    const secret = secretArgs(lower, v.size);
    let masked: [number, number][] | undefined;
    if (secret.size > 0) {
      // A copy: the chunk fed in is the one the connection carries on.
      bytes = Buffer.from(bytes);
      masked = [];
      for (const i of secret) {
        const arg = args[i];
        const range: [number, number] =
          v.type === INLINE ? [arg.start, arg.end] : [arg.end - 2 - arg.size, arg.end - 2];
        bytes.fill(0x2a, range[0], range[1]);
        masked.push(range);
      }
    }
    const role = this.requestRole(lower, v.size);
    const detail: RedisCommandDetail = {
      kind: 'redis-command',
      args: args.map((a, i) => (secret.has(i) ? '*'.repeat(a.size) : a.size > KEEP_BYTES ? null : a.text)),
      db: this.db,
    };
    const parts = { args, count: v.size, secret };
    const message: WireMessage = {
      dir: 'send',
      bytes,
      summary: commandSummary(parts),
      tree: commandTree(parts),
      role,
      key: '',
      detail,
    };
    if (masked) message.masked = masked;
    return message;
  }

  /** Whether the server will answer the command, and what it changes on the connection. */
  private requestRole(lower: string[], count: number): WireMessage['role'] {
    const command = lower[0];
    if (command === 'client' && lower[1] === 'reply' && count === 3) {
      switch (lower[2]) {
        case 'off':
          this.repliesOff = true;
          return 'other';
        case 'skip':
          if (!this.repliesOff) this.skipNext = true;
          return 'other';
        case 'on':
          this.repliesOff = false;
          this.skipNext = false;
          break;
      }
    }
    if (command === 'reset') {
      this.repliesOff = false;
      this.skipNext = false;
    }
    if (this.repliesOff) return 'other';
    if (this.skipNext) {
      this.skipNext = false;
      return 'other';
    }
    const entry: Waiting = { command, pubsub: null };
    const family = FAMILIES[command];
    if (family) entry.pubsub = { family, expected: count > 1 ? count - 1 : null, got: 0 };
    if (command === 'hello' && count >= 2) entry.hello = Number(lower[1]);
    if (command === 'select' && count === 2 && /^\d+$/.test(lower[1])) {
      entry.previousDb = this.db;
      this.db = Number(lower[1]);
    }
    if (command === 'reset') this.db = 0;
    this.waiting.push(entry);
    return 'request';
  }

  private reply(v: RespValue, bytes: Buffer): WireMessage {
    const words = pubsubWords(v);
    const word = words ? asciiLower(words[0]) : '';
    let role: WireMessage['role'];
    let summary: string | null = null;
    const subscribed =
      this.subscriptions.channel.size + this.subscriptions.pattern.size + this.subscriptions.shard.size;
    const mayPush = v.type === PUSH || (!this.resp3 && subscribed > 0 && v.type === STAR);
    const head = this.waiting.peek();
    if (words && mayPush && MESSAGES[word] !== undefined && (v.type === PUSH || v.size === MESSAGES[word])) {
      role = 'other';
      summary = pubsubSummary(v, words);
    } else if (
      words &&
      FAMILIES[word] &&
      v.size === 3 &&
      (v.type === PUSH || (head?.pubsub !== null && head?.command === word))
    ) {
      role = this.confirmation(v, word);
      summary = pubsubSummary(v, words);
    } else if (v.type === PUSH) {
      // Deliveries nobody asked for: client-side caching's invalidations, a module's pushes.
      role = 'other';
      if (words) summary = pubsubSummary(v, words);
    } else if (this.monitoring && v.type === 0x2b && MONITOR_LINE.test(v.text)) {
      role = 'other';
    } else {
      const answered = this.waiting.shift();
      role = answered ? 'reply' : 'other';
      if (answered) this.answered(answered, v);
    }
    const message: WireMessage = {
      dir: 'recv',
      bytes,
      summary: summary ?? replySummary(v),
      tree: valueNodes(v),
      role,
      key: '',
    };
    if (isError(v)) {
      message.error = true;
      message.detail = { kind: 'redis-reply', error: v.text } satisfies RedisReplyDetail;
    }
    return message;
  }

  /** A (un)subscribe confirmation: the first answers its command, the rest are `other`. */
  private confirmation(v: RespValue, word: string): WireMessage['role'] {
    const family = FAMILIES[word];
    const channels = this.subscriptions[family];
    const head = this.waiting.peek();
    let role: WireMessage['role'] = 'other';
    if (head?.pubsub && head.command === word) {
      const pubsub = head.pubsub;
      pubsub.expected ??= Math.max(1, channels.size);
      role = pubsub.got === 0 ? 'reply' : 'other';
      if (++pubsub.got >= pubsub.expected) this.waiting.shift();
    }
    const channel = v.items![1];
    if (!channel.nil) {
      if (word.includes('unsubscribe')) channels.delete(channel.text);
      else channels.add(channel.text);
    }
    return role;
  }

  /** A reply to `request` came: what it changes on the connection. */
  private answered(request: Waiting, v: RespValue): void {
    const failed = isError(v);
    if (request.hello !== undefined && !failed) this.resp3 = request.hello === 3;
    if (request.previousDb !== undefined && failed) this.db = request.previousDb;
    if (request.command === 'monitor' && !failed) this.monitoring = true;
    if (request.command === 'reset' && !failed) {
      this.resp3 = false;
      this.monitoring = false;
      for (const set of Object.values(this.subscriptions)) set.clear();
    }
  }
}

function isCommandDetail(detail: unknown): detail is RedisCommandDetail {
  return typeof detail === 'object' && detail !== null && (detail as RedisCommandDetail).kind === 'redis-command';
}

function isReplyDetail(detail: unknown): detail is RedisReplyDetail {
  return typeof detail === 'object' && detail !== null && (detail as RedisReplyDetail).kind === 'redis-reply';
}

/** WRONGTYPE: what the key really is, and what reads it. */
async function explain(ctx: ExplainContext): Promise<string | null> {
  try {
    const reply = ctx.reply.detail;
    const request = ctx.request?.detail;
    if (!isReplyDetail(reply) || !reply.error.startsWith('WRONGTYPE') || !isCommandDetail(request)) return null;
    const [command, ...keys] = request.args;
    if (command === null || command === undefined) return null;
    return await explainWrongType(ctx.endpoint, [command, ...keys.filter((k): k is string => k !== null)], request.db);
  } catch {
    return null;
  }
}

export const redisWire: WireProtocol = {
  name: 'RESP',
  decoder: () => new RedisWireDecoder(),
  explain,
};
