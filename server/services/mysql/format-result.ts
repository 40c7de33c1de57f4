// Result sets and summary lines, character for character as the mariadb client prints them in a
// terminal (client/mysql.cc: print_table_data, print_table_data_vertically, com_go, nice_time).
// Lines end in "\n" here; the terminal turns them into "\r\n" on the way out.
import type { Column } from './columns.ts';
import { escapeControls, isNotNull, isNumeric } from './columns.ts';
import { displayWidth } from './display-width.ts';

/**
 * Widest a column is padded to (the client's MAX_COLUMN_LENGTH). A longer value still prints in
 * full and pushes its row's border out, as in the client; the cap keeps one huge value from
 * padding every other row of the table to its width.
 */
export const MAX_COLUMN_WIDTH = 1024;

/** How the client shows SQL NULL. */
export const NULL_TEXT = 'NULL';

export type Row = ReadonlyArray<string | null>;

/** Cells a value takes; NULL takes four. */
export function cellWidth(value: string | null): number {
  return value === null ? NULL_TEXT.length : displayWidth(value);
}

/** Header names are shown like values: escaped, never raw control bytes. */
function headerText(column: Column): string {
  return escapeControls(column.name);
}

/** Width of each column before any row: the header, and room for NULL in nullable columns. */
export function headerWidths(columns: readonly Column[]): number[] {
  return columns.map((c) => {
    const w = displayWidth(headerText(c));
    return Math.min(MAX_COLUMN_WIDTH, !isNotNull(c) && w < NULL_TEXT.length ? NULL_TEXT.length : w);
  });
}

/** Widths grown by one row (capped at MAX_COLUMN_WIDTH). */
export function widenFor(widths: readonly number[], row: Row): number[] {
  return widths.map((w, i) => Math.max(w, Math.min(MAX_COLUMN_WIDTH, cellWidth(row[i] ?? null))));
}

export function columnWidths(columns: readonly Column[], rows: readonly Row[]): number[] {
  let widths = headerWidths(columns);
  for (const row of rows) widths = widenFor(widths, row);
  return widths;
}

/** Characters one table line takes: "| a | b |". */
export function tableLineLength(widths: readonly number[]): number {
  return widths.reduce((sum, w) => sum + w + 3, 1);
}

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}

/** The bordered table: border, header, border, rows, border. */
export function formatTable(
  columns: readonly Column[],
  rows: readonly Row[],
  widths = columnWidths(columns, rows),
): string {
  const border = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+\n';
  const numeric = columns.map(isNumeric);
  let out = border;
  out += '|' + columns.map((c, i) => ` ${pad(headerText(c), widths[i], false)} |`).join('') + '\n';
  out += border;
  for (const row of rows) {
    let line = '|';
    for (let i = 0; i < columns.length; i++) {
      const value = row[i] ?? null;
      line += ` ${pad(value ?? NULL_TEXT, widths[i], numeric[i])} |`;
    }
    out += line + '\n';
  }
  return out + border;
}

const ROW_STARS = '***************************';

/** \G output: a star line per row, then "name: value" with names right-aligned. */
export function formatVertical(columns: readonly Column[], rows: readonly Row[], firstRowNumber = 1): string {
  const names = columns.map(headerText);
  const nameWidth = Math.max(0, ...names.map(displayWidth));
  let out = '';
  rows.forEach((row, r) => {
    out += `${ROW_STARS} ${firstRowNumber + r}. row ${ROW_STARS}\n`;
    names.forEach((name, i) => {
      out += `${pad(name, nameWidth, true)}: ${row[i] ?? NULL_TEXT}\n`;
    });
  });
  return out;
}

/** Characters one row takes in \G output, for the size budget. */
export function verticalRowLength(columns: readonly Column[], row: Row): number {
  const nameWidth = Math.max(0, ...columns.map((c) => displayWidth(c.name)));
  return 2 * ROW_STARS.length + 12 + row.reduce<number>((sum, v) => sum + nameWidth + 3 + cellWidth(v ?? null), 0);
}

/** The client's nice_time with fractions: "0.002 sec", "1 min 5.250 sec", "2 hours 0.000 sec". */
export function formatElapsed(seconds: number): string {
  let rest = Math.max(0, seconds);
  let out = '';
  const units: Array<[number, string, string]> = [
    [86400, ' day ', ' days '],
    [3600, ' hour ', ' hours '],
  ];
  for (const [size, one, many] of units) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      out += n + (n > 1 ? many : one);
    }
  }
  if (rest >= 60) {
    const n = Math.floor(rest / 60);
    rest -= n * 60;
    out += `${n} min `;
  }
  return `${out}${rest.toFixed(3)} sec`;
}

/** Whole seconds as the client's status shows uptime: "16 min 29 sec". */
export function formatUptime(seconds: number): string {
  const text = formatElapsed(Math.floor(seconds));
  return text.replace(/\.000 sec$/, ' sec');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function withWarnings(text: string, warnings: number, seconds: number): string {
  const w = warnings > 0 ? `, ${plural(warnings, 'warning')}` : '';
  return `${text}${w} (${formatElapsed(seconds)})`;
}

/** "3 rows in set (0.001 sec)", "1 row in set, 1 warning (…)", "Empty set (…)". */
export function rowsInSetLine(rows: number, warnings: number, seconds: number): string {
  return withWarnings(rows === 0 ? 'Empty set' : `${plural(rows, 'row')} in set`, warnings, seconds);
}

/** "Query OK, 1 row affected (0.002 sec)". */
export function queryOkLine(affectedRows: number, warnings: number, seconds: number): string {
  return withWarnings(`Query OK, ${plural(affectedRows, 'row')} affected`, warnings, seconds);
}

/** What a statement without a result set prints: the summary, the server's info line if any, a blank line. */
export function okPacketText(affectedRows: number, warnings: number, info: string, seconds: number): string {
  return `${queryOkLine(affectedRows, warnings, seconds)}\n${info ? escapeControls(info) + '\n' : ''}\n`;
}

/** "ERROR 1146 (42S02): Table 'playground.nope' doesn't exist". */
export function serverErrorLine(errno: number, sqlState: string | undefined, message: string): string {
  const state = sqlState ? ` (${sqlState})` : '';
  return `ERROR ${errno}${state}: ${escapeControls(message)}\n`;
}

/** An error of the client itself: "ERROR: No query specified". It may quote the learner's line: escaped too. */
export function clientErrorLine(message: string): string {
  return `ERROR: ${escapeControls(message)}\n`;
}

export type TruncatedBy = 'rows' | 'size';

/** The line between a cut-off result and its "N rows in set". */
export function truncationNote(hiddenRows: number, by: TruncatedBy, maxRows: number, maxChars: number): string {
  const more = `… ${hiddenRows} more ${hiddenRows === 1 ? 'row' : 'rows'} not shown`;
  if (by === 'rows') return `${more} (the playground shows at most ${maxRows} rows of a result; add LIMIT)\n`;
  const size = maxChars >= 1024 * 1024 ? `${Math.round(maxChars / (1024 * 1024))} MiB` : `${maxChars} characters`;
  return `${more} (the playground shows at most ${size} of a result; add LIMIT or select fewer or shorter columns)\n`;
}
