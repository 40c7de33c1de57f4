// What the terminal needs to know about a result column, and how a raw value becomes the text a
// cell shows. Values arrive as the server's own text (the text protocol, typeCast off), so numbers,
// dates and decimals print exactly as the mysql client prints them.
import { visibleBytes, visibleText } from '../visible-text.ts';
import { FIELD_TYPE as TYPE } from './field-types.ts';

/** The `binary` character set: bytes, not text. Numbers carry it too, so the type decides. */
const BINARY_CHARSET = 63;
const NOT_NULL_FLAG = 1;

const BYTE_STRING_TYPES: ReadonlySet<number> = new Set([
  TYPE.VARCHAR,
  TYPE.BIT,
  TYPE.TINY_BLOB,
  TYPE.MEDIUM_BLOB,
  TYPE.LONG_BLOB,
  TYPE.BLOB,
  TYPE.VAR_STRING,
  TYPE.STRING,
  TYPE.GEOMETRY,
]);

export interface Column {
  name: string;
  /** Protocol column type (enum_field_types). */
  type: number;
  /** Character set number; 63 is binary. */
  charset: number;
  /** Column flags; bit 0 is NOT NULL. */
  flags: number;
}

/** The subset of mysql2's FieldPacket that Column is made from. */
export interface FieldLike {
  name: string;
  columnType?: number;
  type?: number;
  characterSet?: number;
  flags: number | string[];
}

export function toColumn(field: FieldLike): Column {
  return {
    name: field.name,
    type: field.columnType ?? field.type ?? TYPE.VAR_STRING,
    charset: field.characterSet ?? 0,
    flags: typeof field.flags === 'number' ? field.flags : 0,
  };
}

/** The mysql client's IS_NUM: these columns are right-aligned. */
export function isNumeric(column: Column): boolean {
  const t = column.type;
  return (t <= TYPE.INT24 && t !== TYPE.TIMESTAMP) || t === TYPE.YEAR || t === TYPE.NEWDECIMAL;
}

export function isNotNull(column: Column): boolean {
  return (column.flags & NOT_NULL_FLAG) !== 0;
}

/** BINARY/VARBINARY/BLOB/BIT values: raw bytes that may not be text at all. */
export function isBinary(column: Column): boolean {
  return column.charset === BINARY_CHARSET && BYTE_STRING_TYPES.has(column.type);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text a cell shows, or null for SQL NULL.
 *
 * Binary values that are readable text (VARBINARY 'abc') show as text, as the client shows them;
 * anything else (0x00FF, BIT values, images) shows as hex like `mysql --binary-as-hex`, because
 * raw bytes would garble the learner's terminal. Control characters in text are escaped for the
 * same reason; tab and newline stay, as the client prints them.
 */
export function cellText(raw: Buffer | null, column: Column): string | null {
  if (raw === null) return null;
  if (isBinary(column)) {
    let text: string | null;
    try {
      text = strictUtf8.decode(raw);
    } catch {
      text = null;
    }
    if (text === null || /[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(text)) {
      return raw.length === 0 ? '' : '0x' + raw.toString('hex').toUpperCase();
    }
    return text;
  }
  // From the bytes, so a byte that is not UTF-8 shows as \xNN rather than as U+FFFD.
  return visibleBytes(raw, 'lf');
}

/**
 * Makes text safe to print (visible-text.ts): controls other than tab and line breaks become
 * visible escapes such as `\x1b`. Tabs and newlines stay, as the client prints them.
 */
export function escapeControls(text: string): string {
  return visibleText(text, 'lf');
}
