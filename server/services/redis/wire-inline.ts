// Inline commands, as telnet users and `redis-cli` in a pipe send them: one line, split into
// arguments the way Redis splits it (sds.c sdssplitargs), each argument with its byte range so the
// trace can point at it and a password can be overwritten (wire-parse.ts reads the line).

/** One argument: its bytes (quotes and escapes undone) and its range in the line, quotes included. */
export interface InlineArg {
  bytes: Buffer;
  start: number;
  end: number;
}

const CR = 0x0d;
const LF = 0x0a;

function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return -1;
}

const ESCAPES: Record<number, number> = { 0x6e: LF, 0x72: CR, 0x74: 0x09, 0x62: 0x08, 0x61: 0x07 };

/**
 * An inline command's arguments as Redis splits them (sds.c sdssplitargs: spaces, "double quotes"
 * with \n and \xHH escapes, 'single quotes'), each with its byte range (the quotes included), or
 * null for unbalanced quotes.
 */
export function splitInline(line: Buffer): InlineArg[] | null {
  const args: InlineArg[] = [];
  // A C string: a NUL byte ends the line there.
  const nul = line.indexOf(0);
  const n = nul < 0 ? line.length : nul;
  let p = 0;
  for (;;) {
    while (p < n && isSpace(line[p])) p++;
    if (p >= n) return args;
    const start = p;
    const bytes: number[] = [];
    let quote = 0;
    for (;;) {
      if (p >= n) {
        if (quote !== 0) return null;
        break;
      }
      const c = line[p];
      if (quote === 0x22) {
        if (
          c === 0x5c &&
          p + 3 < n &&
          line[p + 1] === 0x78 &&
          hexValue(line[p + 2]) >= 0 &&
          hexValue(line[p + 3]) >= 0
        ) {
          bytes.push(hexValue(line[p + 2]) * 16 + hexValue(line[p + 3]));
          p += 4;
        } else if (c === 0x5c && p + 1 < n) {
          bytes.push(ESCAPES[line[p + 1]] ?? line[p + 1]);
          p += 2;
        } else if (c === 0x22) {
          // A closing quote must be followed by a space or the end.
          if (p + 1 < n && !isSpace(line[p + 1])) return null;
          p++;
          break;
        } else {
          bytes.push(c);
          p++;
        }
      } else if (quote === 0x27) {
        if (c === 0x5c && p + 1 < n && line[p + 1] === 0x27) {
          bytes.push(0x27);
          p += 2;
        } else if (c === 0x27) {
          if (p + 1 < n && !isSpace(line[p + 1])) return null;
          p++;
          break;
        } else {
          bytes.push(c);
          p++;
        }
      } else if (c === 0x20 || c === LF || c === CR || c === 0x09) {
        break;
      } else if (c === 0x22 || c === 0x27) {
        quote = c;
        p++;
      } else {
        bytes.push(c);
        p++;
      }
    }
    args.push({ bytes: Buffer.from(bytes), start, end: p });
  }
}
