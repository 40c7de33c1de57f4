// Reads one terminal line, `<class>.<method> field=value …`, into an AMQP method with typed fields.
//
// Values are bare words, "double quoted" or 'single quoted' (adjacent pieces join, as in a shell),
// with backslash escapes anywhere; a value starting with { or [ runs to its matching bracket, so
// JSON tables need no quotes: arguments={"x-max-length": 10}. Every mistake is a LineError with a
// one-line message naming what was expected.
import type { AmqpType } from './amqp-defs.ts';
import { formatString, quote } from './format-reply.ts';
import {
  BODY_FIELD,
  CLIENT_METHODS,
  INTEGER_MAX,
  LEARNER_CLASS_NAMES,
  MESSAGE_PROPERTIES,
  PUBLISH_METHOD,
  TYPE_WORDS,
  anyMethod,
  clientMethod,
  type FieldSpec,
  type MethodSpec,
} from './method-table.ts';

export class LineError extends Error {}

/** A value as typed: its text, and its bytes (where \xHH is one raw byte, for binary bodies). */
export interface Value {
  text: string;
  bytes: Buffer;
}

/** One whitespace-separated word: `key=value`, or a bare word (value null). */
export interface Word {
  key: string;
  value: Value | null;
}

export type ParsedLine =
  | { kind: 'empty' }
  | { kind: 'help'; topic: string | null }
  | {
      kind: 'method';
      method: MethodSpec;
      /** Keyed by amqplib's field names, every field present (defaults filled in). */
      fields: Record<string, unknown>;
      /** basic.publish only: the properties given, keyed by amqplib's names. */
      properties: Record<string, unknown>;
      /** basic.publish only. */
      body: Buffer;
    };

export const HELP_COMMAND = 'help';

const NO_WAIT_KEY = 'nowait';
const NO_WAIT_REASON =
  'no_wait=true cannot be used here: it tells the broker to send no reply, and this shell waits for ' +
  'each reply to show it (an error would otherwise surface later, on some other command)';

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

const CHAR_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
  '\\': '\\',
  '"': '"',
  "'": "'",
  ' ': ' ',
  '=': '=',
  '{': '{',
  '[': '[',
};

class Piece {
  text = '';
  private readonly chunks: number[] = [];
  addChar(ch: string): void {
    this.text += ch;
    for (const b of Buffer.from(ch, 'utf8')) this.chunks.push(b);
  }
  addByte(b: number): void {
    this.text += String.fromCharCode(b);
    this.chunks.push(b);
  }
  value(): Value {
    return { text: this.text, bytes: Buffer.from(this.chunks) };
  }
}

const isSpace = (ch: string) => /\s/.test(ch);

const HEX = /^[0-9a-fA-F]+$/;

/**
 * A typed key as a message names it: bare when it reads back as itself, else quoted and escaped. A
 * key may hold \n or \x1b from its escapes, and a raw one would break the error's line or drive the
 * learner's terminal.
 */
const shownKey = (key: string) => formatString(key);

/** Splits a line into words, resolving quotes, escapes and bracketed JSON. */
export function tokenize(line: string): Word[] {
  const cps = Array.from(line);
  let i = 0;
  const words: Word[] = [];

  /** Reads the escape after a backslash at cps[i] into `piece`. */
  const readEscape = (piece: Piece) => {
    i++; // the backslash
    if (i >= cps.length) throw new LineError('the line ends with a lone backslash');
    const c = cps[i];
    if (Object.hasOwn(CHAR_ESCAPES, c)) {
      piece.addChar(CHAR_ESCAPES[c]);
      i++;
    } else if (c === 'x') {
      const digits = cps.slice(i + 1, i + 3).join('');
      if (digits.length !== 2 || !HEX.test(digits)) throw new LineError('\\x needs two hex digits, e.g. \\x00');
      piece.addByte(parseInt(digits, 16));
      i += 3;
    } else if (c === 'u') {
      let digits: string;
      if (cps[i + 1] === '{') {
        const end = cps.indexOf('}', i + 2);
        digits = end < 0 ? '' : cps.slice(i + 2, end).join('');
        i = end < 0 ? i : end + 1;
      } else {
        digits = cps.slice(i + 1, i + 5).join('');
        i += 5;
        if (digits.length !== 4) digits = '';
      }
      const cp = HEX.test(digits) && digits.length <= 6 ? parseInt(digits, 16) : NaN;
      if (!(cp <= 0x10ffff)) throw new LineError('\\u needs four hex digits or \\u{…}, e.g. \\u00e9');
      piece.addChar(String.fromCodePoint(cp));
    } else {
      throw new LineError(`unknown escape \\${quote(c).slice(1, -1)} (write \\\\ for a backslash)`);
    }
  };

  /** Copies a JSON value starting at cps[i] ({ or [) up to its matching bracket, strings respected. */
  const readJson = (piece: Piece, key: string) => {
    let depth = 0;
    let inString = false;
    const start = i;
    while (i < cps.length) {
      const c = cps[i];
      piece.addChar(c);
      i++;
      if (inString) {
        if (c === '\\' && i < cps.length) piece.addChar(cps[i++]);
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return;
      }
    }
    const opening = cps[start];
    throw new LineError(
      inString
        ? `unbalanced " in the JSON of ${shownKey(key)}=`
        : `unbalanced ${opening} in the JSON of ${shownKey(key)}=: missing ${opening === '{' ? '}' : ']'}`,
    );
  };

  while (i < cps.length) {
    while (i < cps.length && isSpace(cps[i])) i++;
    if (i >= cps.length) break;

    const key = new Piece();
    let value: Piece | null = null;
    /** Where the value starts: only a { or [ right there opens JSON (a quoted "{" stays text). */
    let valueStart = -1;
    let afterJson = false;
    while (i < cps.length && !isSpace(cps[i])) {
      if (afterJson) throw new LineError(`unexpected ${quote(cps[i])} after the JSON of ${shownKey(key.text)}=`);
      const piece = value ?? key;
      const c = cps[i];
      if (c === '\\') {
        readEscape(piece);
      } else if (c === '"' || c === "'") {
        i++;
        for (;;) {
          if (i >= cps.length) throw new LineError(`unbalanced ${c}: the closing quote is missing`);
          if (cps[i] === c) break;
          if (cps[i] === '\\') readEscape(piece);
          else piece.addChar(cps[i++]);
        }
        i++; // the closing quote
      } else if (c === '=' && value === null) {
        value = new Piece();
        i++;
        valueStart = i;
      } else if ((c === '{' || c === '[') && value !== null && i === valueStart) {
        readJson(value, key.text);
        afterJson = true;
      } else {
        piece.addChar(c);
        i++;
      }
    }
    words.push({ key: key.text, value: value ? value.value() : null });
  }
  return words;
}

function fieldList(fields: FieldSpec[]): string {
  return fields.map((f) => `${f.name}=`).join(' ');
}

function expectation(field: FieldSpec, got: string): LineError {
  return new LineError(`${field.name}= expects ${TYPE_WORDS[field.type]}, got ${quote(got)}`);
}

/** A typed value for one field, checked against its AMQP type. */
export function convertValue(field: FieldSpec, value: Value): unknown {
  const text = value.text;
  const type: AmqpType = field.type;
  switch (type) {
    case 'bit': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      throw expectation(field, text);
    }
    case 'octet':
    case 'short':
    case 'long':
    case 'longlong':
    case 'timestamp': {
      const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
      if (!(n <= INTEGER_MAX[type]!)) throw expectation(field, text);
      return n;
    }
    case 'shortstr':
      if (Buffer.byteLength(text, 'utf8') > 255) {
        throw new LineError(
          `${field.name}= is ${Buffer.byteLength(text, 'utf8')} bytes long; it holds at most 255 (shortstr)`,
        );
      }
      return text;
    case 'longstr':
      return text;
    case 'table': {
      if (text.trim() === '') return {};
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        throw new LineError(`${field.name}= expects ${TYPE_WORDS.table}: ${(err as Error).message}`);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw expectation(field, text);
      return parsed;
    }
  }
}

/** Why a name is not a method the learner can send, with the nearest help. */
function unknownMethod(name: string): LineError {
  const shown = quote(name);
  const lower = name.toLowerCase();
  if (lower !== name && (clientMethod(lower) || lower === HELP_COMMAND)) {
    return new LineError(`unknown method ${shown}: method names are lower-case, as in ${lower}`);
  }
  const other = anyMethod(name);
  if (other && (other.className === 'connection' || other.className === 'channel')) {
    return new LineError(`${name} is the shell's job: it keeps one connection and one channel open for you`);
  }
  if (other) return new LineError(`${name} is sent by the broker, not by a client`);
  const className = name.split('.')[0];
  if (LEARNER_CLASS_NAMES.includes(className)) {
    const methods = CLIENT_METHODS.filter((m) => m.className === className).map((m) => m.name);
    return new LineError(`unknown method ${shown}; ${className} has: ${methods.join(' ')}`);
  }
  return new LineError(`unknown method ${shown}; type help to list them (classes: ${LEARNER_CLASS_NAMES.join(', ')})`);
}

/** Fields a method accepts on its line: its own, and for basic.publish the message's too. */
function acceptedFields(method: MethodSpec): string {
  const own = fieldList(method.fields);
  return method.name === PUBLISH_METHOD ? `${own} ${fieldList(MESSAGE_PROPERTIES)} ${BODY_FIELD}=` : own || '(none)';
}

export function parseLine(line: string): ParsedLine {
  const words = tokenize(line);
  if (words.length === 0) return { kind: 'empty' };
  const [first, ...rest] = words;
  if (first.value !== null) {
    throw new LineError('start with a method name, e.g. queue.declare queue=hello');
  }
  if (first.key === HELP_COMMAND) {
    if (rest.length > 1 || rest.some((w) => w.value !== null)) throw new LineError('usage: help [class.method]');
    return { kind: 'help', topic: rest[0]?.key ?? null };
  }
  const method = clientMethod(first.key);
  if (!method) throw unknownMethod(first.key);

  const isPublish = method.name === PUBLISH_METHOD;
  const fields: Record<string, unknown> = {};
  const properties: Record<string, unknown> = {};
  let body: Buffer = Buffer.alloc(0);
  const seen = new Set<string>();
  for (const word of rest) {
    if (word.value === null) {
      throw new LineError(
        `expected field=value, got ${quote(word.key)}; ${method.name} takes ${acceptedFields(method)}`,
      );
    }
    if (seen.has(word.key)) throw new LineError(`${shownKey(word.key)}= is given twice`);
    seen.add(word.key);
    const field = method.fields.find((f) => f.name === word.key);
    const property = isPublish ? MESSAGE_PROPERTIES.find((f) => f.name === word.key) : undefined;
    if (field) fields[field.key] = convertValue(field, word.value);
    else if (property) properties[property.key] = convertValue(property, word.value);
    else if (isPublish && word.key === BODY_FIELD) body = word.value.bytes;
    else throw new LineError(`${method.name} has no field ${quote(word.key)}; it takes ${acceptedFields(method)}`);
  }

  for (const f of method.fields) {
    if (f.key in fields) continue;
    if (f.required) throw new LineError(`${method.name} needs ${f.name}= (${TYPE_WORDS[f.type]})`);
    fields[f.key] = structuredClone(f.default);
  }
  for (const f of method.reserved) fields[f.key] = f.default;
  if (fields[NO_WAIT_KEY] === true) throw new LineError(NO_WAIT_REASON);

  return { kind: 'method', method, fields, properties, body };
}
