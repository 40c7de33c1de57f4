// How the terminal shows what the broker sends: the method name and its fields in the same
// `field=value` syntax the learner types, so a reply line can be read back as input. Every string
// from the broker is escaped: a message body must never drive the learner's terminal (ANSI codes)
// or break a line.
import { DIM, RED, RESET } from '../../../shared/ansi.ts';
import type { AmqpType } from './amqp-defs.ts';
import { anyMethod, MESSAGE_PROPERTIES, BODY_FIELD, type FieldSpec } from './method-table.ts';

/** Bytes of a body shown before it is cut; a pasted megabyte would bury everything else. */
export const BODY_PREVIEW_BYTES = 1024;

export const CRLF = '\r\n';

/**
 * A red line. Its text may quote the learner's line (a local LineError, even JavaScript's JSON
 * error quoting a table) or the broker, so anything invisible in it is escaped; escaping text that
 * already is escaped changes nothing.
 */
export function errorLine(text: string): string {
  return `${RED}${escapeInvisible(text)}${RESET}${CRLF}`;
}

export function noteLine(text: string): string {
  return `${DIM}${text}${RESET}${CRLF}`;
}

const SIMPLE_ESCAPES: Record<number, string> = {
  0x00: '\\0',
  0x09: '\\t',
  0x0a: '\\n',
  0x0d: '\\r',
  0x22: '\\"',
  0x5c: '\\\\',
};

/** Control, format, separator and unassigned code points: shown as escapes, never as themselves. */
const INVISIBLE = /[\p{C}\p{Zl}\p{Zp}]/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * One code point as it appears between double quotes. \xHH is used only below 0x80: in a body,
 * \x80–\xff stand for raw bytes that are not UTF-8, so text above ASCII uses \u escapes.
 */
function escapeCodePoint(cp: number): string {
  const simple = SIMPLE_ESCAPES[cp];
  if (simple) return simple;
  const ch = String.fromCodePoint(cp);
  if (!INVISIBLE.test(ch)) return ch;
  if (cp < 0x80) return `\\x${hex(cp, 2)}`;
  return cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\u{${cp.toString(16)}}`;
}

/** The inside of a double-quoted string: what the line parser reads back as the same text. */
export function escapeText(text: string): string {
  let out = '';
  for (const ch of text) out += escapeCodePoint(ch.codePointAt(0)!);
  return out;
}

/** Text shown as it is, except invisible and control characters, which are escaped (a broker's or
 * library's message must not drive the terminal either). */
export function escapeInvisible(text: string): string {
  return text.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (ch) => escapeCodePoint(ch.codePointAt(0)!));
}

export function quote(text: string): string {
  return `"${escapeText(text)}"`;
}

/** Strings that read back unchanged without quotes: no spaces, quotes, backslashes or invisibles,
 * and no leading { or [ (the parser would take those for JSON). */
const BARE_SAFE = /^[^\s"'\\{[\p{C}\p{Zl}\p{Zp}][^\s"'\\\p{C}\p{Zl}\p{Zp}]*$/u;

export function formatString(text: string): string {
  if (text === '') return '';
  return BARE_SAFE.test(text) ? text : quote(text);
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there does not start one. */
function utf8SequenceLength(buf: Buffer, i: number): number {
  const b = buf[i];
  let len: number;
  let min: number;
  if (b < 0x80) return 1;
  else if (b >= 0xc2 && b <= 0xdf) [len, min] = [2, 0x80];
  else if (b >= 0xe0 && b <= 0xef) [len, min] = [3, 0x800];
  else if (b >= 0xf0 && b <= 0xf4) [len, min] = [4, 0x10000];
  else return 0;
  if (i + len > buf.length) return 0;
  let cp = b & (0xff >> (len + 1));
  for (let k = 1; k < len; k++) {
    const c = buf[i + k];
    if ((c & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (c & 0x3f);
  }
  const surrogate = cp >= 0xd800 && cp <= 0xdfff;
  return cp < min || cp > 0x10ffff || surrogate ? 0 : len;
}

/** Bytes as the inside of a double-quoted string: UTF-8 text as text, other bytes as \xHH. */
export function escapeBytes(buf: Buffer): string {
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const len = utf8SequenceLength(buf, i);
    if (len === 0) {
      out += `\\x${hex(buf[i], 2)}`;
      i += 1;
    } else {
      out += escapeCodePoint(buf.toString('utf8', i, i + len).codePointAt(0)!);
      i += len;
    }
  }
  return out;
}

export function formatBody(body: Buffer): string {
  if (body.length <= BODY_PREVIEW_BYTES) return `${BODY_FIELD}="${escapeBytes(body)}"`;
  const shown = escapeBytes(body.subarray(0, BODY_PREVIEW_BYTES));
  return `${BODY_FIELD}="${shown}"… (${body.length} bytes, first ${BODY_PREVIEW_BYTES} shown)`;
}

/** amqplib's decoded table values, made plain for JSON. */
function plainTableValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(plainTableValue);
  if (value && typeof value === 'object') {
    const typed = value as { '!'?: string; value?: unknown };
    if (typed['!'] === 'timestamp') return typed.value;
    if (typed['!'] === 'decimal') {
      const { places, digits } = typed.value as { places: number; digits: number };
      return digits / 10 ** places;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainTableValue(v)]));
  }
  return value;
}

/** A JSON table, with any invisible characters escaped so the line stays one line. */
export function formatTable(table: unknown): string {
  const json = JSON.stringify(plainTableValue(table ?? {})) ?? '{}';
  // JSON.stringify escapes C0 controls itself; DEL, C1, separators and format characters it leaves.
  return json.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, (ch) =>
    Array.from({ length: ch.length }, (_, k) => `\\u${hex(ch.charCodeAt(k), 4)}`).join(''),
  );
}

export function formatValue(type: AmqpType, value: unknown): string {
  if (value === undefined || value === null) return '';
  switch (type) {
    case 'bit':
      return value ? 'true' : 'false';
    case 'table':
      return formatTable(value);
    case 'shortstr':
    case 'longstr':
      return Buffer.isBuffer(value) ? `"${escapeBytes(value)}"` : formatString(String(value));
    default:
      return String(value);
  }
}

/** `name=value` for each field, read from an object keyed by amqplib's field names. */
export function formatFields(fields: FieldSpec[], values: object, skipUnset = false): string {
  const get = (key: string) => (values as Record<string, unknown>)[key];
  return fields
    .filter((f) => !skipUnset || get(f.key) !== undefined)
    .map((f) => `${f.name}=${formatValue(f.type, get(f.key))}`)
    .join(' ');
}

/** One method as a line, e.g. `queue.declare-ok queue=hello message_count=0 consumer_count=0`. */
export function formatMethod(name: string, values: object = {}): string {
  const spec = anyMethod(name);
  const fields = spec ? formatFields(spec.fields, values) : '';
  return fields ? `${name} ${fields}` : name;
}

/** A message's properties that are set, then its body; the same syntax basic.publish takes. */
export function formatMessage(properties: object | undefined, body: Buffer): string {
  const props = formatFields(MESSAGE_PROPERTIES, properties ?? {}, true);
  return props ? `${props} ${formatBody(body)}` : formatBody(body);
}

/** A delivered or fetched message: its method line, then an indented line with properties and body. */
export function formatDelivery(name: string, fields: object, properties: object | undefined, body: Buffer): string {
  return `${formatMethod(name, fields)}${CRLF}  ${formatMessage(properties, body)}${CRLF}`;
}

/** amqplib's text for a close, `404 (NOT-FOUND) with message "NOT_FOUND - no queue 'x' in vhost '/'"`. */
const CLOSE_MESSAGE = /(\d{3}) \([^)]*\) with message "([\s\S]*)"$/;

/**
 * The broker's reply code and text as RabbitMQ's own tools show them, e.g.
 * `404 NOT_FOUND - no queue 'x' in vhost '/'`; other errors by their message.
 */
export function formatCloseReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const match = CLOSE_MESSAGE.exec(message);
  return escapeInvisible(match ? `${match[1]} ${match[2]}` : message);
}
