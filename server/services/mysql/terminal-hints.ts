// The hint the MySQL terminal prints under a server error, the same text the trace shows beside
// the error reply (wire-explain.ts): the tables that exist after ERROR 1146, a caret under the
// spot after ERROR 1064. Each line is dimmed on its own, indented past "[hint: " so that the
// caret stands under the SQL above it.
import { DIM, UNDIM } from '../../../shared/ansi.ts';
import { terminalHint } from '../wire-types.ts';
import { visibleText } from '../visible-text.ts';
import type { MysqlError } from './connection.ts';
import type { MysqlTarget } from './mysql-url.ts';
import { errorHint } from './wire-explain.ts';

/** What terminalHint() puts before the text: the lines after the first are indented as much. */
const HINT_INDENT = ' '.repeat(terminalHint('|').split('|')[0].length - DIM.length);

/**
 * The hint's text as terminal lines; the first through terminalHint(), the rest aligned under it.
 * Each line is escaped on its own (terminalHint() escapes the first), so its controls stay visible.
 */
export function formatTerminalHint(text: string): string {
  const [first, ...rest] = text.split('\n');
  return (
    terminalHint(first) + rest.map((line) => `${DIM}${HINT_INDENT}${visibleText(line, 'none')}${UNDIM}\r\n`).join('')
  );
}

/** The hint lines for a server error the terminal just printed, or '' when there is none. */
export async function terminalErrorHint(
  target: MysqlTarget,
  sql: string,
  database: string | null,
  err: MysqlError,
): Promise<string> {
  if (typeof err.errno !== 'number' || typeof err.sqlState !== 'string') return '';
  try {
    const text = await errorHint(target, { code: err.errno, message: err.sqlMessage ?? err.message, sql, database });
    return text ? formatTerminalHint(text) : '';
  } catch {
    return '';
  }
}
