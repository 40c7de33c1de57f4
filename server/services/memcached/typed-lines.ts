// What the memcached terminal knows about the lines a learner types, without waiting for the
// server: which line opens a data block and how many bytes that block still needs, what to say when
// a data line is shorter or longer than its command declared, and each command's usage for when
// memcached answers a wrong number of arguments with a bare `ERROR`. Pure, so it is tested without
// a server; terminal.ts sends the bytes and shows what comes back.
import { DIM, RESET, UNDIM, YELLOW } from '../../../shared/ansi.ts';
import { byteCountMark } from '../../../shared/live-prompt.ts';
import { MEMCACHED_COMMANDS } from './commands.ts';
import { dataBlockSize } from './data-block.ts';

export const COMMAND_PROMPT = `${DIM}memcached>${UNDIM} `;

/** The line end a telnet client sends after each line; inside a data block its bytes are data too. */
const CRLF_BYTES = 2;

/** A data block being typed: `declared` bytes, then CRLF. */
interface Block {
  command: string;
  declared: number;
  /** Bytes sent so far, the CRLF of each earlier line included. */
  sent: number;
  /** The command ends in noreply: memcached says nothing, not even that it refused the block. */
  noreply: boolean;
}

/** What sending one line means, beyond the bytes themselves. */
export interface TypedLine {
  /** A line for the learner, written at once (before the server's reply). */
  note: string | null;
  /** Written after the server's `ERROR` (or "bad command line format") reply to this line, if it comes. */
  usage: string | null;
}

/** Argument counts each command takes, read from its syntax in commands.ts. */
interface Arity {
  min: number;
  max: number;
  syntax: string;
}

/** `<cas unique>` and `[<key> ...]` are one argument each; `...` or a trailing `*` means "any number". */
function arity(syntax: string): Omit<Arity, 'syntax'> {
  const tokens = syntax.match(/<[^>]*>|\[[^\]]*\]\*?|\S+/g) ?? [];
  const unbounded = tokens.some((t) => t.includes('...') || t.endsWith('*'));
  const min = tokens.filter((t) => !t.startsWith('[')).length;
  return { min, max: unbounded ? Infinity : tokens.length };
}

const ARITY = new Map<string, Arity>(MEMCACHED_COMMANDS.map((c) => [c.name, { ...arity(c.syntax), syntax: c.syntax }]));

const usageLine = (name: string, syntax: string) => `${DIM}usage: ${name}${syntax ? ` ${syntax}` : ''}${UNDIM}\r\n`;
const noteLine = (text: string) => `${YELLOW}note:${RESET} ${text}\r\n`;

/** memcached splits a command line on spaces (not tabs), and ignores the empty words between. */
function wordsOf(line: string): string[] {
  return line.split(' ').filter(Boolean);
}

export class TypedLines {
  private block: Block | null = null;

  /** The prompt for the next line: the command prompt, or the data block's live byte count. */
  prompt(): string {
    const b = this.block;
    if (!b) return COMMAND_PROMPT;
    return `${DIM}data (${byteCountMark(b.sent)}/${b.declared} bytes)>${UNDIM} `;
  }

  get inDataBlock(): boolean {
    return this.block !== null;
  }

  /** The connection was replaced (Ctrl-C in a data block): memcached forgot the block with it. */
  dropBlock(): Block | null {
    const b = this.block;
    this.block = null;
    return b;
  }

  /** The line `text` goes to the server now (with CRLF): what to show besides. */
  send(text: string): TypedLine {
    if (this.block) return { note: this.dataLine(this.block, Buffer.byteLength(text, 'utf8')), usage: null };
    const words = wordsOf(text);
    const name = words[0];
    if (name === undefined) return { note: null, usage: null };
    const size = dataBlockSize(words);
    if (size !== null) {
      this.block = { command: name, declared: size, sent: 0, noreply: words[words.length - 1] === 'noreply' };
      return { note: null, usage: null };
    }
    return { note: null, usage: this.usageFor(name, words.length - 1) };
  }

  private usageFor(name: string, args: number): string | null {
    const known = ARITY.get(name);
    if (known) return args < known.min || args > known.max ? usageLine(name, known.syntax) : null;
    // `SET`, `Get`: memcached knows its commands in lower case only.
    const lower = ARITY.get(name.toLowerCase());
    if (!lower) return null;
    return `${DIM}memcached's commands are lower case: ${name.toLowerCase()}${lower.syntax ? ` ${lower.syntax}` : ''}${UNDIM}\r\n`;
  }

  /** One line of a data block: `bytes` of text, then CRLF. */
  private dataLine(block: Block, bytes: number): string | null {
    const before = block.sent;
    const total = before + bytes;
    const declared = block.declared;
    // Short enough for one row of a narrow terminal; the prompt after it shows the count too.
    const of = `${total} of the ${declared} bytes ${block.command} declared`;
    if (total === declared) {
      this.block = null;
      return null;
    }
    if (total + CRLF_BYTES <= declared) {
      block.sent = total + CRLF_BYTES;
      const left = declared - block.sent;
      return noteLine(`${of}: the line end is data too; memcached waits for ${plural(left, 'more byte')}.`);
    }
    this.block = null;
    // memcached answers CLIENT_ERROR bad data chunk, and the hint under it says the sizes; with
    // noreply it answers nothing, so the note is all the learner gets.
    if (!block.noreply) return null;
    if (total > declared) {
      return noteLine(`${total} bytes, but ${block.command} declared ${declared}: memcached refuses the block.`);
    }
    // One byte short: the line's \r becomes the last byte of data, so no CRLF can follow it.
    return noteLine(`${of}: the line's \\r is taken as the last; memcached refuses the block.`);
  }
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A reply line after which a usage note belongs: a bare ERROR, or a format error that gives no usage. */
const USAGE_AFTER = /(?:^|\n)(?:ERROR|CLIENT_ERROR bad command line format)\r\n/;

/** `chunk` with `usage` after its first reply line that calls for it; null when it has none. */
export function withUsage(chunk: string, usage: string): string | null {
  const match = USAGE_AFTER.exec(chunk);
  if (!match) return null;
  const at = match.index + match[0].length;
  return chunk.slice(0, at) + usage + chunk.slice(at);
}

/** A usage line the terminal wrote after a reply (see MEMCACHED_REPLIES: it may end a reply). */
export const USAGE_LINE = /\x1b\[2m(?:usage: |memcached's commands are lower case: )[^\r\n]*\x1b\[22m\r\n/;
