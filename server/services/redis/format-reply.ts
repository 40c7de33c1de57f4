// Formats replies the way redis-cli 7 prints them in a terminal (redis-cli.c cliFormatReplyTTY and,
// for INFO-like commands, cliFormatReplyRaw), from the parser's events as they stream in: nested
// arrays are numbered and indented exactly as redis-cli does, strings are quoted and escaped.
// Where redis-cli prints a reply's text as it is (errors, status replies, numbers, verbatim strings,
// all of raw mode), control characters are escaped here (visible-text.ts): an error can quote a
// learner's argument and a Lua script can return any text, and neither may drive the terminal.
import { VisibleTextDecoder } from '../visible-text.ts';
import type { AggregateType, ReplyInfo, RespEvents, RespType, ScalarType } from './resp.ts';

/**
 * redis-cli's sdscatrepr: a quoted string where \ and " are escaped, \n \r \t \a \b are spelled
 * out, printable ASCII stays and every other byte becomes \xHH. Without the quotes.
 */
export function reprBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    switch (b) {
      case 0x5c:
        out += '\\\\';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      default:
        out += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0');
    }
  }
  return out;
}

export function repr(bytes: Uint8Array): string {
  return `"${reprBytes(bytes)}"`;
}

/**
 * `tty`: redis-cli's normal interactive output. `raw`: the verbatim output redis-cli uses for
 * INFO, CLIENT LIST and a few others whose reply is text meant to be read as is.
 */
export type FormatMode = 'tty' | 'raw';

/** Commands redis-cli prints verbatim in a terminal (the output_raw list in cliSendCommand). */
export function wantsRawOutput(args: string[]): boolean {
  const [command = '', sub = ''] = args.map((a) => a.toLowerCase());
  const argc = args.length;
  if (command === 'info' || command === 'lolwut') return true;
  if (argc < 2) return false;
  switch (command) {
    case 'debug':
      return ['htstats', 'htstats-key', 'client-eviction'].includes(sub);
    case 'memory':
      return sub === 'malloc-stats' || sub === 'doctor';
    case 'cluster':
      return argc === 2 && (sub === 'nodes' || sub === 'info');
    case 'client':
      return sub === 'list' || sub === 'info';
    case 'latency':
      return (argc === 3 && sub === 'graph') || (argc === 2 && sub === 'doctor');
    case 'proxy':
      return sub === 'info';
    default:
      return false;
  }
}

interface Frame {
  type: AggregateType;
  count: number;
  index: number;
  /** Digits of the largest index, for right-aligned numbering. */
  indexWidth: number;
  /** Indent before this aggregate's second and later entries. */
  prefix: string;
  /** Indent handed to nested aggregates: prefix plus the index width and ") ". */
  childPrefix: string;
}

const EMPTY_AGGREGATE: Record<AggregateType, string> = {
  '*': '(empty array)',
  '%': '(empty hash)',
  '~': '(empty set)',
  '>': '(empty push)',
};

const NUMBER_SEPARATOR: Record<AggregateType, string> = { '*': ')', '%': '#', '~': '~', '>': ')' };

/** Length of the "txt:" format tag that starts a RESP3 verbatim string; redis-cli drops it. */
const VERBATIM_TAG_BYTES = 4;

/**
 * Turns the events of each reply into redis-cli's text, written through `out` in pieces as the
 * reply arrives. Line ends are "\n" here; the terminal turns them into "\r\n".
 */
export class ReplyFormatter implements Omit<RespEvents, 'replyEnd'> {
  mode: FormatMode = 'tty';
  private frames: Frame[] = [];
  /** The newline after the last value, held back because a map's " => " may replace it. */
  private pendingNewline = false;
  private scalarType: ScalarType | null = null;
  private decoder: VisibleTextDecoder | null = null;
  private skip = 0;
  private boolText = '';
  /** Whether anything of this reply was written; raw mode ends a non-empty reply with a newline. */
  private wrote = false;
  private endsWithNewline = false;

  constructor(private readonly out: (text: string) => void) {}

  replyStart(_type: RespType): void {
    this.frames = [];
    this.pendingNewline = false;
    this.wrote = false;
    this.endsWithNewline = false;
  }

  /** Ends the reply's text; answers nothing more to write for it. */
  replyEnd(_info?: ReplyInfo): void {
    if (this.mode === 'tty') {
      this.flushNewline();
    } else if (this.wrote && !this.endsWithNewline) {
      // redis-cli leaves the prompt after raw text that lacks a final newline; a line editor in
      // the browser needs its own line.
      this.write('\n');
    }
    this.frames = [];
  }

  aggregateStart(type: AggregateType, count: number): void {
    this.beforeValue(count > 0);
    const parent = this.frames[this.frames.length - 1];
    const prefix = parent ? parent.childPrefix : '';
    let indexWidth = 0;
    let i = type === '%' ? count / 2 : count;
    do {
      indexWidth++;
      i = Math.floor(i / 10);
    } while (i > 0);
    this.frames.push({
      type,
      count,
      index: 0,
      indexWidth,
      prefix,
      childPrefix: prefix + ' '.repeat(indexWidth + 2),
    });
    if (count === 0 && this.mode === 'tty') this.text(EMPTY_AGGREGATE[type]);
  }

  aggregateEnd(): void {
    this.frames.pop();
    this.afterValue();
  }

  scalarStart(type: ScalarType): void {
    this.beforeValue();
    this.scalarType = type;
    this.skip = type === '=' ? VERBATIM_TAG_BYTES : 0;
    this.boolText = '';
    this.decoder = null;
    if (this.mode === 'raw') {
      // Verbatim output: every type's text as it is, its lines as lines, its control characters escaped.
      if (type !== '#') this.decoder = new VisibleTextDecoder('lf');
      return;
    }
    switch (type) {
      case '$':
        this.write('"');
        break;
      case '-':
      case '!':
        this.write('(error) ');
        this.decoder = new VisibleTextDecoder('lf');
        break;
      case ':':
        this.write('(integer) ');
        this.decoder = new VisibleTextDecoder('lf');
        break;
      case ',':
        this.write('(double) ');
        this.decoder = new VisibleTextDecoder('lf');
        break;
      case '(':
        this.write('(big number) ');
        this.decoder = new VisibleTextDecoder('lf');
        break;
      case '#':
        break;
      default:
        this.decoder = new VisibleTextDecoder('lf');
    }
  }

  scalarData(data: Buffer): void {
    if (this.skip > 0) {
      const n = Math.min(this.skip, data.length);
      this.skip -= n;
      data = data.subarray(n);
    }
    if (data.length === 0) return;
    if (this.scalarType === '#') {
      this.boolText += data.toString('latin1');
    } else if (this.decoder) {
      this.write(this.decoder.write(data));
    } else {
      this.write(reprBytes(data));
    }
  }

  scalarEnd(): void {
    const type = this.scalarType;
    if (type === '#') {
      this.write(this.boolText === 't' ? '(true)' : '(false)');
    } else if (this.decoder) {
      this.write(this.decoder.end());
    } else {
      this.write('"');
    }
    this.decoder = null;
    this.scalarType = null;
    if (this.mode === 'tty') this.pendingNewline = true;
    else if (type === '-' || type === '!') this.write('\n');
    this.afterValue();
  }

  nil(): void {
    this.beforeValue();
    // Raw output prints nothing for a null.
    if (this.mode === 'tty') this.text('(nil)');
    this.afterValue();
  }

  private beforeValue(nonEmptyAggregate = false): void {
    const frame = this.frames[this.frames.length - 1];
    if (!frame) return;
    const isMapValue = frame.type === '%' && frame.index % 2 === 1;
    if (this.mode === 'raw') {
      if (frame.index > 0) this.write(isMapValue ? ' ' : '\n');
      return;
    }
    if (isMapValue) {
      // redis-cli formats the key, cuts its newline and appends " => " and the value; a nested
      // aggregate value starts on the next line, indented like the map's entries' children.
      this.pendingNewline = false;
      this.write(nonEmptyAggregate ? ` => \n${frame.childPrefix}` : ' => ');
      return;
    }
    this.flushNewline();
    const human = (frame.type === '%' ? frame.index / 2 : frame.index) + 1;
    // The first entry follows its parent's numbering on the same line, so it gets no indent.
    const indent = frame.index === 0 ? '' : frame.prefix;
    this.write(`${indent}${String(human).padStart(frame.indexWidth)}${NUMBER_SEPARATOR[frame.type]} `);
  }

  private afterValue(): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame) frame.index++;
  }

  /** A whole one-line value in tty mode. */
  private text(text: string): void {
    this.write(text);
    this.pendingNewline = true;
  }

  private flushNewline(): void {
    if (!this.pendingNewline) return;
    this.pendingNewline = false;
    this.write('\n');
  }

  private write(text: string): void {
    if (text === '') return;
    this.wrote = true;
    this.endsWithNewline = text.endsWith('\n');
    this.out(text);
  }
}

/**
 * The `:raw` view of a reply: its bytes split after each CRLF, one quoted and escaped line per
 * piece, so a learner sees the protocol exactly as it went over the wire.
 */
export function rawView(info: Pick<ReplyInfo, 'raw' | 'rawLength'>): string {
  const lines: string[] = [];
  const raw = info.raw;
  let from = 0;
  while (from < raw.length) {
    const crlf = raw.indexOf('\r\n', from);
    const to = crlf < 0 ? raw.length : crlf + 2;
    lines.push(repr(raw.subarray(from, to)));
    from = to;
  }
  const notKept = info.rawLength - raw.length;
  if (notKept > 0) lines.push(`… ${notKept} more bytes (${info.rawLength} in all) not kept`);
  return lines.map((l) => l + '\n').join('');
}
