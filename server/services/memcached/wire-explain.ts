// The one-line hints beside memcached's errors, for the trace (wire.ts explain()) and the terminal
// alike, from what the decoder read: `CLIENT_ERROR bad data chunk` says the declared size and the
// data line's real one; the `ERROR` after it says where that came from.
import { quoteValue } from '../../../shared/trace.ts';
import { MEMCACHED_COMMANDS } from './commands.ts';

/** What explain() reads of a command (wire.ts puts it in the message's detail). */
export interface MemcachedCommandDetail {
  kind: 'memcached-command';
  command: string;
  /** The command line's words, the name first. */
  words: string[];
  /** A storage command: the data size its line declared. */
  declared?: number;
  /** …and the length of the data line as sent (up to its \r\n), null when it never ended. */
  actual?: number | null;
  /** This line is the rest of a data line longer than its command declared (memcached reads it as a command). */
  spill?: { command: string; declared: number };
}

export interface MemcachedReplyDetail {
  kind: 'memcached-reply';
  /** An error reply's line: `CLIENT_ERROR bad data chunk`. */
  error: string;
}

const KNOWN = new Set(MEMCACHED_COMMANDS.map((c) => c.name));

/** Where each storage command says its data's size. */
/** Where a command says its data's size: short, so the hint fits one line of a narrow terminal. */
function sizeWord(command: string): string {
  if (command === 'ms') return 'the size after the key';
  if (command === 'cas') return 'the size before the cas unique';
  return 'the byte count';
}

/**
 * The hint for `CLIENT_ERROR bad data chunk`, e.g. `set declared 5 bytes but the data line had 7:
 * make the byte count 7`.
 */
export function badChunkHint(command: string, declared: number, actual: number | null): string {
  const bytes = `${declared} ${declared === 1 ? 'byte' : 'bytes'}`;
  if (actual === null) return `${command} declared ${bytes} but no \\r\\n came right after them: count the data again`;
  return `${command} declared ${bytes} but the data line had ${actual}: make ${sizeWord(command)} ${actual}`;
}

/** The hint for the `ERROR` that answers the rest of a too-long data line. */
export function spillHint(spill: { command: string; declared: number }, line: string): string {
  return `memcached read what followed the ${spill.declared} bytes ${spill.command} declared (${quoteValue(line, 40)}) as a new command`;
}

/** The hint for an error reply to `request`, or null when there is nothing to add. */
export function explainError(error: string, request: MemcachedCommandDetail): string | null {
  if (error === 'CLIENT_ERROR bad data chunk' && request.declared !== undefined) {
    return badChunkHint(request.command, request.declared, request.actual ?? null);
  }
  if (error !== 'ERROR') return null;
  if (request.spill) return spillHint(request.spill, request.words.join(' '));
  const lower = request.command.toLowerCase();
  if (lower !== request.command && KNOWN.has(lower)) return `memcached's commands are lower case: ${lower}`;
  return null;
}
