// Whether a memcached command line opens a data block, and how many bytes it declares: what the
// terminal needs to prompt for the data (typed-lines.ts) and the trace's decoder to stay in step
// with the server (wire.ts). The rules are memcached 1.6.18's, tried on it: a key may hold control
// characters (only spaces split words); a storage command's word after its fields is read as
// `noreply` or ignored, but one more word makes the line an ERROR; a malformed number or a key over
// 250 bytes is a CLIENT_ERROR at once, and the data line that follows is read as a command.

/** memcached's longest key. */
export const MAX_KEY_BYTES = 250;
/** memcached refuses a size above INT_MAX - 2 without reading a block. */
const MAX_DATA_BYTES = 2 ** 31 - 3;

/** strtoul and strtol, as memcached reads the numbers: a sign is allowed. */
const UNSIGNED = /^\+?\d+$/;
const SIGNED = /^[+-]?\d+$/;

export const STORAGE_COMMANDS: ReadonlySet<string> = new Set(['set', 'add', 'replace', 'append', 'prepend', 'cas']);

/** The size of the data block a command line's words announce, or null when memcached reads none. */
export function dataBlockSize(words: readonly string[]): number | null {
  const [name, key] = words;
  if (key === undefined || Buffer.byteLength(key) > MAX_KEY_BYTES) return null;
  let size: string | undefined;
  if (name === 'ms') {
    // ms <key> <datalen> [flags]*
    size = words[2];
  } else if (STORAGE_COMMANDS.has(name)) {
    const fields = name === 'cas' ? 6 : 5;
    if (words.length !== fields && words.length !== fields + 1) return null;
    if (!UNSIGNED.test(words[2]) || !SIGNED.test(words[3])) return null;
    if (name === 'cas' && !UNSIGNED.test(words[5])) return null;
    size = words[4];
  } else {
    return null;
  }
  if (size === undefined || !UNSIGNED.test(size)) return null;
  const n = Number(size);
  return n <= MAX_DATA_BYTES ? n : null;
}
