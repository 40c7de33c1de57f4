// memcached's text protocol decoded for the trace ("show the wire"): each command (a storage
// command with its data block as one message), each reply (a `get`'s VALUE blocks and END as one,
// `stats`' STAT lines as one), the meta commands with their flags. wire-read.ts cuts the bytes
// into lines and blocks; this file knows what memcached does with them, as 1.6 does:
//
// - A storage line whose words parse announces a data block of exactly its size plus \r\n, read
//   blindly. When the two bytes after the data are not \r\n memcached answers `CLIENT_ERROR bad
//   data chunk` and reads what follows as a new command line (a longer data line's rest, which it
//   answers `ERROR`). That rest is decoded as the command memcached takes it for, and the storage
//   command waits for it: its detail then says how long the data line really was (explain()).
// - A reply is read knowing what was asked: a `get`'s END closes its VALUEs, a `stats`' END its
//   STAT lines, `VA` brings a block. Requests wait in a queue, answered in order.
// - noreply, quit and quiet meta commands (the `q` flag) are `other`: noreply and quit are never
//   answered; a quiet command is answered only when the outcome is not the usual one (a hit for
//   `mg … q`, an error), which cannot be known before, so its answer, when one comes, is `other`
//   too. Replies come in order, so a reply is the first waiting command's that could send it (its
//   code, the flags it asked back, the same opaque and key) and the quiet ones before that stayed
//   silent. When both a quiet command and the first command that must answer could have sent it,
//   it is taken for the latter's: a wrong guess then pairs one reply wrongly, where the other guess
//   would leave a request unanswered and shift every pair after it (the trace pairs in order).
// - A connection whose first byte is 0x80 speaks the binary protocol: it is shown raw.
import { type TraceDir, type TraceNode, quoteValue } from '../../../shared/trace.ts';
import type { ExplainContext, WireDecoder, WireItem, WireMessage, WireProtocol } from '../wire-types.ts';
import { type MemcachedCommandDetail, type MemcachedReplyDetail, explainError } from './wire-explain.ts';
import {
  type ValueEntry,
  commandNodes,
  isErrorCode,
  lineSummary,
  linesSummary,
  oneLine,
  replyLineNode,
  showValue,
  valueNode,
  valuesSummary,
  word,
} from './wire-format.ts';
import { type BlockRead, LineReader, type Next, type Token, decoderError, lineEnd, tokenize } from './wire-read.ts';
import { bytesText } from '../wire-bytes.ts';
import { dataBlockSize, STORAGE_COMMANDS } from './data-block.ts';
import { Fifo } from '../../util/fifo.ts';

/** VALUEs and lines a reply's tree lists; past them they are counted. */
const MAX_ENTRIES = 500;
/** Words of a command kept in its detail. */
const MAX_DETAIL_WORDS = 32;

const CR = 0x0d;
const UNSIGNED = /^\+?\d+$/;
const STORAGE = STORAGE_COMMANDS;
/** Commands that `noreply` at the end silences. */
const NOREPLY = new Set([...STORAGE, 'delete', 'incr', 'decr', 'touch', 'flush_all', 'verbosity', 'cache_memlimit']);
/** Replies of one line that end a multi-line reply at once. */
const ONE_LINERS = /^(OK|RESET|ERROR|ERROR:.*|CLIENT_ERROR( .*)?|SERVER_ERROR( .*)?)$/;
/** What each meta command may answer (errors aside). */
const META_REPLIES: Record<string, string[]> = {
  mg: ['VA', 'HD', 'EN'],
  ms: ['HD', 'NS', 'EX', 'NF'],
  md: ['HD', 'NF', 'EX'],
  ma: ['HD', 'VA', 'NF', 'NS', 'EX'],
  mn: ['MN'],
  me: ['ME', 'EN'],
};
const META_CODES = new Set(Object.values(META_REPLIES).flat());
/** What a quiet meta command does not send. */
const SILENT: Record<string, string[]> = { mg: ['EN'], ms: ['HD'], md: ['HD'], ma: ['HD', 'VA'] };
/** Flags a meta reply may carry unasked (a recache win, a stale item). */
const UNASKED_FLAGS = 'WXZ';

interface Expect {
  command: string;
  /** How its reply ends: one line (a VA line brings its block), VALUEs then END, lines then END. */
  reply: 'line' | 'values' | 'lines';
  /**
   * A meta command: the flags it asked back, the opaque and key its answer carries, and for a quiet
   * one the codes it does not send.
   */
  meta?: { flags: string; opaque?: string; key?: string; silent?: string[] };
}

/** The size of the data block a command line announces, or null when memcached reads none. */
function dataSize(tokens: Token[]): number | null {
  return dataBlockSize(tokens.map((t) => t.text));
}

/** What the server will send back for a command line. */
function expectFor(tokens: Token[]): { role: WireMessage['role']; expect: Expect | null } {
  const words = tokens.map((t) => t.text);
  const name = words[0] ?? '';
  const request = (reply: Expect['reply']) => ({ role: 'request' as const, expect: { command: name, reply } });
  if (name === 'quit') return { role: 'other', expect: null };
  if (NOREPLY.has(name) && words.length > 1 && words[words.length - 1] === 'noreply') {
    // `set`'s sixth word is ignored unless it is noreply; cas' seventh.
    const max = name === 'cas' ? 7 : STORAGE.has(name) ? 6 : Infinity;
    if (words.length <= max) return { role: 'other', expect: null };
  }
  if ((name === 'get' || name === 'gets' || name === 'gat' || name === 'gats') && words.length > 1) {
    return request('values');
  }
  if (name === 'stats' || (name === 'lru_crawler' && words[1] === 'metadump')) return request('lines');
  if (META_REPLIES[name]) {
    const flags = words.slice(name === 'ms' ? 3 : 2);
    const quiet = SILENT[name] !== undefined && flags.includes('q');
    const meta: NonNullable<Expect['meta']> = {
      flags: flags.map((f) => f[0]).join(''),
      opaque: flags.find((w) => w.startsWith('O'))?.slice(1),
      key: flags.includes('k') ? words[1] : undefined,
      ...(quiet ? { silent: SILENT[name] } : {}),
    };
    return { role: quiet ? 'other' : 'request', expect: { command: name, reply: 'line', meta } };
  }
  return request('line');
}

/**
 * Whether a reply line could answer `expect`: an error answers anything; a meta reply answers a
 * meta command that sends its code, with the flags it asked back — the same opaque (O) and key (k).
 */
function couldAnswer(expect: Expect, code: string, text: string): boolean {
  if (isErrorCode(code)) return true;
  const meta = expect.meta;
  if (!meta) return !META_CODES.has(code);
  if (!META_REPLIES[expect.command].includes(code) || meta.silent?.includes(code)) return false;
  if (code === 'MN' || code === 'ME') return true;
  const flags = text
    .split(' ')
    .filter(Boolean)
    .slice(code === 'VA' ? 2 : 1);
  if (flags.some((f) => !meta.flags.includes(f[0]) && !UNASKED_FLAGS.includes(f[0]))) return false;
  const opaque = flags.find((w) => w.startsWith('O'))?.slice(1);
  const key = flags.find((w) => w.startsWith('k'))?.slice(1);
  return opaque === meta.opaque && key === meta.key;
}

/**
 * Which waiting command a reply answers (see the top of this file): its index in the queue, or -1
 * when it answers none (only quiet commands wait, and none could have sent it).
 */
function answering(waiting: Fifo<Expect>, code: string, text: string): number {
  let quiet = -1;
  for (let i = 0; ; i++) {
    const entry = waiting.at(i);
    if (!entry) return quiet;
    if (entry.meta?.silent) {
      if (quiet < 0 && couldAnswer(entry, code, text)) quiet = i;
      continue;
    }
    // The first command that must answer.
    return quiet >= 0 && !couldAnswer(entry, code, text) ? quiet : i;
  }
}

/** The client's side: command lines and their data blocks. */
class CommandReader extends LineReader {
  private tokens: Token[] = [];
  private role: WireMessage['role'] = 'request';
  private block: Block | null = null;
  /** This line is what followed a bad data block. */
  private spill: { command: string; declared: number } | null = null;
  /** The last data block was bad: the next line is what memcached reads after it. */
  private afterBad: { command: string; declared: number } | null = null;
  /** A storage command with a bad data block, waiting for the next line to measure its data line. */
  private bad: (Omit<Parts, 'block'> & { block: Block }) | null = null;

  constructor(private readonly waiting: Fifo<Expect>) {
    super('send');
  }

  protected line(buf: Buffer, from: number, to: number, start: number): Next {
    const end = lineEnd(buf, from, to);
    const bad = this.bad;
    if (bad) {
      // The data line went on to this line end: its length is what memcached read plus this much.
      const size = bad.block.size;
      bad.block.actual = to === from && bad.block.tail[2] === CR ? size + 1 : size + 2 + (end - from);
      this.emitBad();
    }
    this.spill = this.afterBad;
    this.afterBad = null;
    this.tokens = tokenize(buf, from, end, start);
    this.block = null;
    const { role, expect } = expectFor(this.tokens);
    this.role = role;
    if (expect) this.waiting.push(expect);
    const size = dataSize(this.tokens);
    return size === null ? 'done' : { block: size };
  }

  protected dataBlock(block: BlockRead): Next {
    const actual = block.ended
      ? block.size
      : block.size >= 1 && block.tail[0] === CR && block.tail[1] === 0x0a
        ? block.size - 1 // one byte short: the data line's \r\n ends where the data's last byte should be
        : undefined;
    this.block = {
      start: block.start,
      size: block.size,
      ended: block.ended,
      tail: block.tail,
      data: bytesText(block.kept),
      actual,
    };
    return 'done';
  }

  protected finish(bytes: Buffer): void {
    const block = this.block;
    if (block && !block.ended) this.afterBad = { command: this.tokens[0].text, declared: block.size };
    if (block && block.actual === undefined) {
      this.bad = { bytes, tokens: this.tokens, role: this.role, block, spill: this.spill };
      return;
    }
    this.emit(message({ bytes, tokens: this.tokens, role: this.role, block, spill: this.spill }));
  }

  protected release(): void {
    this.emitBad();
    this.block = null;
    this.spill = null;
    this.afterBad = null;
  }

  private emitBad(): void {
    const bad = this.bad;
    if (!bad) return;
    this.bad = null;
    let item: WireItem;
    try {
      item = message(bad);
    } catch (err) {
      item = { dir: 'send', bytes: bad.bytes, reason: decoderError(err) };
    }
    this.emit(item);
  }
}

/** A data block as the commands' side keeps it: its text, and the data line's length once known. */
type Block = Omit<BlockRead, 'kept'> & { data: string; actual?: number };

interface Parts {
  bytes: Buffer;
  tokens: Token[];
  role: WireMessage['role'];
  block: Block | null;
  spill: MemcachedCommandDetail['spill'] | null;
}

function message({ bytes, tokens, role, block, spill }: Parts): WireMessage {
  const name = tokens[0]?.text ?? '';
  const detail: MemcachedCommandDetail = {
    kind: 'memcached-command',
    command: name,
    words: tokens.slice(0, MAX_DETAIL_WORDS).map((t) => t.text),
  };
  if (spill) detail.spill = spill;
  const tree = commandNodes(tokens);
  let summary = '(blank line)';
  if (!block && tokens.length > 0) summary = lineSummary(tokens);
  if (block) {
    detail.declared = block.size;
    detail.actual = block.actual ?? null;
    const data = showValue(block.data, block.size);
    const dataEnd = block.start + block.size;
    tree.push({ label: 'data', value: data, at: [block.start, dataEnd] });
    const [, b1, b2] = block.tail;
    tree.push(
      block.ended
        ? { label: 'end of data', value: '"\\r\\n"', at: [dataEnd, dataEnd + 2] }
        : {
            label: 'end of data (must be \\r\\n)',
            value: quoteValue(Buffer.from([b1, b2].filter((b) => b >= 0))),
            at: [dataEnd, dataEnd + 2],
          },
    );
    summary = `${storageHead(tokens)} ${showValue(block.data, block.size, 40)}`;
    if (!block.ended) {
      summary += block.actual != null ? ` (bad data chunk: the data line had ${block.actual})` : ' (bad data chunk)';
    }
  }
  const message: WireMessage = { dir: 'send', bytes, summary: oneLine(summary), tree, role, detail };
  if (role !== 'other') message.key = '';
  return message;
}

/** `set user:1 flags=0 exptime=0 5 bytes`, `ms user:1 5 bytes T0 F5`. */
function storageHead(tokens: Token[]): string {
  const w = tokens.map((t) => t.text);
  if (w[0] === 'ms') return [w[0], word(w[1]), `${w[2]} bytes`, ...w.slice(3).map(word)].join(' ');
  const parts = [w[0], word(w[1]), `flags=${w[2]}`, `exptime=${w[3]}`, `${w[4]} bytes`];
  if (w[0] === 'cas') parts.push(`cas=${w[5]}`);
  const last = w[w[0] === 'cas' ? 6 : 5];
  if (last !== undefined) parts.push(last === 'noreply' ? 'noreply' : word(last));
  return parts.join(' ');
}

/** The server's side: reply lines, VALUE and VA blocks. */
class ReplyReader extends LineReader {
  private role: WireMessage['role'] = 'reply';
  private mode: Expect['reply'] = 'line';
  private first = true;
  private tree: TraceNode[] = [];
  private values: ValueEntry[] = [];
  private lines: string[] = [];
  private count = 0;
  private lastLine = '';
  private pending: { tokens: Token[]; text: string; start: number; end: number } | null = null;

  constructor(private readonly waiting: Fifo<Expect>) {
    super('recv');
  }

  protected line(buf: Buffer, from: number, to: number, start: number): Next {
    const textEnd = lineEnd(buf, from, to);
    // The line's range in the message, its line end included.
    const end = start + (to - from) + 1;
    // Reply lines are printable, and never blank; anything else is not memcached talking.
    if (textEnd === from) return { fail: 'not a line memcached sends' };
    let ascii = true;
    for (let i = from; i < textEnd; i++) {
      const b = buf[i];
      if (b < 0x20 && b !== 0x09) return { fail: 'not a line memcached sends' };
      if (b >= 0x80) ascii = false;
    }
    const text = ascii ? buf.toString('latin1', from, textEnd) : bytesText(buf.subarray(from, textEnd));
    const space = text.indexOf(' ');
    const code = space < 0 ? text : text.slice(0, space);
    if (this.first) this.begin(code, text);
    this.first = false;
    this.lastLine = text;
    const ends = code === 'END' || isErrorCode(code) || (this.count === 0 && ONE_LINERS.test(text));
    if (this.mode === 'lines' && !ends) {
      // A line of a `stats` (STAT name value) or a dump: its words are only shown.
      this.count++;
      if (this.lines.length < MAX_ENTRIES) {
        this.lines.push(text);
        const rest = code === 'STAT' ? text.slice(space + 1) : text;
        const cut = rest.indexOf(' ');
        const label = cut < 0 ? rest : rest.slice(0, cut);
        this.tree.push({ label, value: cut < 0 ? '' : rest.slice(cut + 1), at: [start, end] });
      }
      return 'line';
    }
    const tokens = tokenize(buf, from, textEnd, start);
    if (code === 'VALUE' && this.mode !== 'lines') {
      // VALUE <key> <flags> <bytes> [<cas unique>]
      const [, , flags, bytes] = tokens.map((t) => t.text);
      if (tokens.length < 4 || tokens.length > 5 || !UNSIGNED.test(flags) || !UNSIGNED.test(bytes)) {
        return { fail: 'a VALUE line without a key, flags and size' };
      }
      this.pending = { tokens, text, start, end };
      return { block: Number(bytes) };
    }
    if (code === 'VA') {
      if (!UNSIGNED.test(tokens[1]?.text ?? '')) return { fail: 'a VA line without a size' };
      this.pending = { tokens, text, start, end };
      return { block: Number(tokens[1].text) };
    }
    if (this.mode === 'line' || (this.count === 0 && ONE_LINERS.test(text)) || isErrorCode(code)) {
      this.tree.push(replyLineNode(tokens, text, start, end));
      return 'done';
    }
    if (code === 'END') this.tree.push({ label: 'END', at: [start, end] });
    else this.tree.push(replyLineNode(tokens, text, start, end));
    // Something else amid a get's VALUEs: shown, and the reply goes on to its END.
    return code === 'END' ? 'done' : 'line';
  }

  /** The first line of a reply: which request it answers, and so how it ends. */
  private begin(code: string, text: string): void {
    const index = answering(this.waiting, code, text);
    // Replies come in order: the quiet commands before the one answered stayed silent.
    for (let i = 0; i < index; i++) this.waiting.shift();
    const head = index >= 0 ? this.waiting.shift() : undefined;
    this.role = !head || head.meta?.silent ? 'other' : 'reply';
    // Nothing asked (a `watch` feed, a connection caught mid-way): read by what it looks like.
    this.mode = head?.reply ?? (code === 'VALUE' ? 'values' : code === 'STAT' || code === 'ITEM' ? 'lines' : 'line');
  }

  protected dataBlock(block: BlockRead): Next {
    const pending = this.pending!;
    this.pending = null;
    if (!block.ended) {
      // Its line goes on past the size: read again from the next line end on.
      return { fail: `a data block of ${block.size} bytes not followed by \\r\\n`, skipLine: block.tail[2] !== 0x0a };
    }
    const data = bytesText(block.kept);
    const dataAt: [number, number] = [block.start, block.start + block.size];
    const words = pending.tokens.map((t) => t.text);
    if (words[0] === 'VA') {
      const node = replyLineNode(pending.tokens, pending.text, pending.start, pending.end);
      this.tree.push(node, { label: 'data', value: showValue(data, block.size), at: dataAt });
      this.lastLine = `${pending.text} ${showValue(data, block.size, 40)}`;
      return 'done';
    }
    this.count++;
    if (this.values.length < MAX_ENTRIES) {
      const entry: ValueEntry = {
        key: words[1],
        flags: words[2],
        bytes: block.size,
        ...(words[4] !== undefined ? { cas: words[4] } : {}),
        data,
        lineAt: [pending.start, pending.end],
        dataAt,
      };
      this.values.push(entry);
      this.tree.push(valueNode(entry));
    }
    return this.mode === 'line' ? 'done' : 'line';
  }

  protected finish(bytes: Buffer): void {
    const error = this.tree.some((n) => n.label === 'error');
    let summary: string;
    if (this.mode === 'values' && !error) summary = valuesSummary(this.values, this.count);
    else if (this.mode === 'lines' && !error && this.lastLine === 'END') summary = linesSummary(this.lines, this.count);
    else summary = oneLine(this.values.length > 0 ? valuesSummary(this.values, this.count) : this.lastLine);
    if (this.count > MAX_ENTRIES) this.tree.push({ label: `… ${this.count - MAX_ENTRIES} more` });
    const detail: MemcachedReplyDetail | undefined = error
      ? { kind: 'memcached-reply', error: this.lastLine }
      : undefined;
    const message: WireMessage = { dir: 'recv', bytes, summary, tree: this.tree, role: this.role };
    if (this.role !== 'other') message.key = '';
    if (error) {
      message.error = true;
      message.detail = detail;
    }
    this.emit(message);
    this.release();
  }

  protected release(): void {
    this.first = true;
    this.tree = [];
    this.values = [];
    this.lines = [];
    this.count = 0;
    this.pending = null;
    this.lastLine = '';
  }
}

class MemcachedWireDecoder implements WireDecoder {
  private readonly waiting = new Fifo<Expect>();
  private readonly send = new CommandReader(this.waiting);
  private readonly recv = new ReplyReader(this.waiting);
  /** null until the first byte from the client says which protocol this is. */
  private binary: boolean | null = null;

  feed(dir: TraceDir, chunk: Buffer): WireItem[] {
    const items: WireItem[] = [];
    if (this.binary === null && dir === 'send' && chunk.length > 0) {
      this.binary = chunk[0] === 0x80;
      // What came from the server before (nothing, from a server that waits to be asked) goes first.
      if (this.binary) items.push(...this.recv.flush());
    }
    if (this.binary) {
      if (chunk.length > 0) items.push({ dir, bytes: chunk, reason: "memcached's binary protocol, not decoded here" });
      return items;
    }
    return dir === 'send' ? this.send.feed(chunk) : this.recv.feed(chunk);
  }

  flush(): WireItem[] {
    return [...this.send.flush(), ...this.recv.flush()];
  }
}

function isCommandDetail(detail: unknown): detail is MemcachedCommandDetail {
  return (
    typeof detail === 'object' && detail !== null && (detail as MemcachedCommandDetail).kind === 'memcached-command'
  );
}

function isReplyDetail(detail: unknown): detail is MemcachedReplyDetail {
  return typeof detail === 'object' && detail !== null && (detail as MemcachedReplyDetail).kind === 'memcached-reply';
}

async function explain(ctx: ExplainContext): Promise<string | null> {
  try {
    const reply = ctx.reply.detail;
    const request = ctx.request?.detail;
    if (!isReplyDetail(reply) || !isCommandDetail(request)) return null;
    return explainError(reply.error, request);
  } catch {
    return null;
  }
}

export const memcachedWire: WireProtocol = {
  name: 'memcached text protocol',
  decoder: () => new MemcachedWireDecoder(),
  explain,
};
