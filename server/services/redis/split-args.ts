// Splits a typed line into arguments exactly as redis-cli does (sds.c sdssplitargs), byte by byte:
// a learner who pastes a line from the Redis docs must get the same arguments, and the same
// "Invalid argument(s)" for the same mistakes.

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;

/** C's isspace() in the C locale: space, \t, \n, \v, \f, \r. */
function isSpace(byte: number): boolean {
  return byte === SPACE || (byte >= 0x09 && byte <= 0x0d);
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  return -1;
}

const SIMPLE_ESCAPES: Record<number, number> = {
  0x6e: LF, // \n
  0x72: CR, // \r
  0x74: TAB, // \t
  0x62: 0x08, // \b
  0x61: 0x07, // \a
};

/** One argument: its bytes (quotes and escapes undone) and its range in the line, its quotes included. */
export interface ArgRange {
  bytes: Buffer;
  start: number;
  end: number;
}

/**
 * The arguments of a line as raw bytes (the line is UTF-8; \xHH may add any byte), or null when
 * redis-cli would say "Invalid argument(s)": an unbalanced quote, or a closing quote followed by
 * something other than a space. A blank line gives [].
 */
export function splitArgs(line: string): Buffer[] | null {
  return splitArgRanges(Buffer.from(line, 'utf8'))?.map((a) => a.bytes) ?? null;
}

/**
 * The same split of a line's bytes, each argument with its byte range: what the Redis server does
 * with an inline command (the trace points at each argument, and overwrites a password's bytes).
 */
export function splitArgRanges(line: Buffer): ArgRange[] | null {
  // redis-cli sees a C string: a NUL byte ends the line there.
  const nul = line.indexOf(0);
  const bytes = nul >= 0 ? line.subarray(0, nul) : line;
  const n = bytes.length;
  // Past the end reads as the terminating NUL, as in C.
  const at = (i: number) => (i < n ? bytes[i] : 0);

  const args: ArgRange[] = [];
  let p = 0;
  for (;;) {
    while (p < n && isSpace(bytes[p])) p++;
    if (p >= n) return args;

    const start = p;
    let end = n;
    const current: number[] = [];
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const c = at(p);
      if (inDouble) {
        if (c === BACKSLASH && at(p + 1) === 0x78 && hexValue(at(p + 2)) >= 0 && hexValue(at(p + 3)) >= 0) {
          current.push(hexValue(at(p + 2)) * 16 + hexValue(at(p + 3)));
          p += 3;
        } else if (c === BACKSLASH && at(p + 1) !== 0) {
          p++;
          current.push(SIMPLE_ESCAPES[at(p)] ?? at(p));
        } else if (c === DQUOTE) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
          end = p + 1;
        } else if (c === 0) {
          return null;
        } else {
          current.push(c);
        }
      } else if (inSingle) {
        if (c === BACKSLASH && at(p + 1) === SQUOTE) {
          p++;
          current.push(SQUOTE);
        } else if (c === SQUOTE) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
          end = p + 1;
        } else if (c === 0) {
          return null;
        } else {
          current.push(c);
        }
      } else if (c === SPACE || c === LF || c === CR || c === TAB || c === 0) {
        // Only these end a bare word; \v and \f stay part of it, as in sdssplitargs.
        done = true;
        end = Math.min(p, n);
      } else if (c === DQUOTE) {
        inDouble = true;
      } else if (c === SQUOTE) {
        inSingle = true;
      } else {
        current.push(c);
      }
      if (p < n) p++;
    }
    args.push({ bytes: Buffer.from(current), start, end });
  }
}
