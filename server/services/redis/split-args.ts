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

/**
 * The arguments of a line as raw bytes (the line is UTF-8; \xHH may add any byte), or null when
 * redis-cli would say "Invalid argument(s)": an unbalanced quote, or a closing quote followed by
 * something other than a space. A blank line gives [].
 */
export function splitArgs(line: string): Buffer[] | null {
  let bytes = Buffer.from(line, 'utf8');
  // redis-cli sees a C string: a NUL byte ends the line there.
  const nul = bytes.indexOf(0);
  if (nul >= 0) bytes = bytes.subarray(0, nul);
  const n = bytes.length;
  // Past the end reads as the terminating NUL, as in C.
  const at = (i: number) => (i < n ? bytes[i] : 0);

  const args: Buffer[] = [];
  let p = 0;
  for (;;) {
    while (p < n && isSpace(bytes[p])) p++;
    if (p >= n) return args;

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
        } else if (c === 0) {
          return null;
        } else {
          current.push(c);
        }
      } else if (c === SPACE || c === LF || c === CR || c === TAB || c === 0) {
        // Only these end a bare word; \v and \f stay part of it, as in sdssplitargs.
        done = true;
      } else if (c === DQUOTE) {
        inDouble = true;
      } else if (c === SQUOTE) {
        inSingle = true;
      } else {
        current.push(c);
      }
      if (p < n) p++;
    }
    args.push(Buffer.from(current));
  }
}
