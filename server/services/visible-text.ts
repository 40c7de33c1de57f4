// Service data as terminal text that cannot drive the terminal. A value, a key, a column or an
// error that echoes what a learner typed may hold ESC, BEL or a C1 control; written raw, it could
// set the clipboard (OSC 52), plant a link (OSC 8), retitle the tab, clear the screen or recolour
// everything after it. Here every such character becomes visible text, so only the sequences the
// playground writes itself (its dim hints, its red errors) reach xterm.js.
//
// The rules, the same for every service that shows data this way (memcached's replies, Redis's
// decoded text, MySQL's cells and messages, every terminal's hint lines):
// - A C0 control (0x00–0x1f), DEL (0x7f) and a C1 control (U+0080–U+009F) are written as their
//   UTF-8 bytes in `\xNN` form: ESC is `\x1b`, U+009B is `\xc2\x9b`.
// - A byte that does not belong to valid UTF-8 is written as `\xNN` too.
// - TAB stays: it only moves the cursor right to a tab stop, and telnet, redis-cli's raw output and
//   the mysql client all print it as whitespace.
// - Line breaks stay only where the caller says they are the text's own line structure (LineBreaks).
// - Everything else stays as it is: accents, CJK, emoji, and the backslash, so text without control
//   characters reads exactly as the real clients print it.
//
// Reading `\xNN` back as the byte NN and every other character as itself gives the original bytes
// back, for any input that does not itself contain a backslash, an "x" and two lower-case hex
// digits (that literal text and the byte it names look alike; the byte count a protocol states
// beside a value tells them apart). Escaping escaped text changes nothing, so a message that went
// through this twice reads the same as once.
//
// RabbitMQ's terminal keeps its own escapes (rabbitmq/format-reply.ts): its replies are written in
// the syntax the learner types, quotes and backslashes included, so that a line reads back as input.
// Redis's quoted values keep redis-cli's own sdscatrepr (redis/format-reply.ts).

/**
 * Which line breaks are the text's own and stay: `none` (one line: every CR and LF is escaped),
 * `lf` (LF, and a CR right before an LF, stay: text meant to be read as lines), `crlf` (only CR LF
 * pairs stay: a protocol whose lines end so, like memcached's; a lone CR or LF is escaped).
 */
export type LineBreaks = 'none' | 'lf' | 'crlf';

const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const DEL = 0x7f;

const utf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

function hex(byte: number): string {
  return `\\x${byte.toString(16).padStart(2, '0')}`;
}

/**
 * How many bytes the UTF-8 sequence starting at `at` takes: its length when complete and valid,
 * 0 when the byte there cannot start one (or a later byte breaks it), -1 when the bytes so far are
 * a valid start but the buffer ends before the sequence does.
 */
function sequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at];
  let length: number;
  // The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return 0;
  for (let k = 1; k < length; k++) {
    if (at + k >= bytes.length) return -1;
    const b = bytes[at + k];
    if (k === 1 ? b < low || b > high : b < 0x80 || b > 0xbf) return 0;
  }
  return length;
}

/**
 * Bytes to visible text as they arrive: a UTF-8 character cut between two chunks, and a CR whose
 * LF may be the next chunk's first byte, wait for the chunk that completes them.
 */
export class VisibleTextDecoder {
  /** Bytes held back from the last chunk: at most an incomplete character, or a lone CR. */
  private held: Uint8Array = new Uint8Array(0);

  constructor(private readonly breaks: LineBreaks = 'lf') {}

  write(chunk: Uint8Array): string {
    let bytes = chunk;
    if (this.held.length > 0) {
      bytes = new Uint8Array(this.held.length + chunk.length);
      bytes.set(this.held);
      bytes.set(chunk, this.held.length);
    }
    return this.convert(bytes, false);
  }

  /** What is still held, as it is: the input ended there. */
  end(): string {
    const rest = this.held;
    this.held = new Uint8Array(0);
    return this.convert(rest, true);
  }

  private convert(bytes: Uint8Array, final: boolean): string {
    this.held = new Uint8Array(0);
    let out = '';
    // Bytes from `run` to `i` are text that stays: decoded in one go when something else comes.
    let run = 0;
    let i = 0;
    const flush = (to: number) => {
      if (to > run) out += utf8.decode(bytes.subarray(run, to));
    };
    while (i < bytes.length) {
      const b = bytes[i];
      if (b >= 0x20 && b < DEL) {
        i++;
        continue;
      }
      if (b === TAB) {
        i++;
        continue;
      }
      if (b === LF && this.breaks === 'lf') {
        i++;
        continue;
      }
      if (b === CR && this.breaks !== 'none') {
        if (i + 1 < bytes.length) {
          if (bytes[i + 1] === LF) {
            i += 2;
            continue;
          }
        } else if (!final) {
          flush(i);
          this.held = bytes.slice(i);
          return out;
        }
      }
      if (b < 0x80) {
        // A control character that is not the text's own line structure.
        flush(i);
        out += hex(b);
        i++;
        run = i;
        continue;
      }
      const length = sequenceLength(bytes, i);
      if (length === -1 && !final) {
        flush(i);
        this.held = bytes.slice(i);
        return out;
      }
      if (length <= 0) {
        flush(i);
        out += hex(b);
        i++;
        run = i;
        continue;
      }
      if (b === 0xc2 && bytes[i + 1] <= 0x9f) {
        // U+0080–U+009F: C1 controls, CSI (U+009B) and OSC (U+009D) among them.
        flush(i);
        out += hex(b) + hex(bytes[i + 1]);
        i += 2;
        run = i;
        continue;
      }
      i += length;
    }
    flush(i);
    return out;
  }
}

/** Whole bytes as visible text. */
export function visibleBytes(bytes: Uint8Array, breaks: LineBreaks = 'lf'): string {
  const decoder = new VisibleTextDecoder(breaks);
  return decoder.write(bytes) + decoder.end();
}

/** Anything the rules would change: controls, line breaks, and lone surrogates (which UTF-8 cannot carry). */
const MAY_CHANGE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]/;

/** A string (a decoded value, an error message) as visible text, by the same rules as its UTF-8 bytes. */
export function visibleText(text: string, breaks: LineBreaks = 'lf'): string {
  if (!MAY_CHANGE.test(text)) return text;
  return visibleBytes(encoder.encode(text), breaks);
}
