// How the memcached wire decoder (wire.ts) words what it read: each command's words named
// (`key`, `flags`, `exptime`…, a meta command's flags said in words), a storage command's summary
// with its data (`set user:1 flags=0 exptime=0 5 bytes "Ada!!"`), a `get`'s VALUE blocks as one
// reply, STAT lines as a list.
import { TRACE_VALUE_CHARS, type TraceNode, quoteValue } from '../../../shared/trace.ts';
import { KEEP_BYTES, type Token } from './wire-read.ts';

/** A summary is one line: past this many characters the rest is left out. */
const SUMMARY_CHARS = 200;
/** Characters of a value in a summary. */
const SUMMARY_VALUE_CHARS = 40;

/** What each word of a classic command is, after the command's name. */
const WORD_NAMES: Record<string, string[]> = {
  set: ['key', 'flags', 'exptime', 'bytes'],
  add: ['key', 'flags', 'exptime', 'bytes'],
  replace: ['key', 'flags', 'exptime', 'bytes'],
  append: ['key', 'flags', 'exptime', 'bytes'],
  prepend: ['key', 'flags', 'exptime', 'bytes'],
  cas: ['key', 'flags', 'exptime', 'bytes', 'cas unique'],
  delete: ['key'],
  incr: ['key', 'value'],
  decr: ['key', 'value'],
  touch: ['key', 'exptime'],
  gat: ['exptime'],
  gats: ['exptime'],
  flush_all: ['delay'],
  verbosity: ['level'],
  cache_memlimit: ['megabytes'],
  ms: ['key', 'datalen'],
  mg: ['key'],
  md: ['key'],
  ma: ['key'],
  me: ['key'],
};
/** Commands whose further words are all keys. */
const KEY_LISTS = new Set(['get', 'gets', 'gat', 'gats']);
const META = new Set(['mg', 'ms', 'md', 'ma', 'mn', 'me']);

/** The meta commands' flags (protocol.txt), in words. */
const META_FLAGS: Record<string, string> = {
  b: 'key is base64',
  c: 'return the CAS value',
  f: 'return the client flags',
  h: 'return whether it was hit before',
  k: 'return the key',
  l: 'return the seconds since last access',
  O: 'opaque, sent back',
  q: 'quiet: no reply for the usual outcome',
  s: 'return the size',
  t: 'return the seconds left to live',
  u: "don't bump it in the LRU",
  v: 'return the value',
  x: 'removes the value, keeps the item',
  N: 'create on miss, with this TTL',
  R: 'win the recache below this TTL',
  T: 'time to live',
  E: 'use this CAS value',
  C: 'compare the CAS value',
  F: 'client flags',
  I: 'invalidate: mark it stale',
  M: 'mode',
  D: 'delta',
  J: 'initial value',
  W: 'won the recache',
  X: 'stale',
  Z: 'a recache winner was already sent',
};

/** A word bare when it reads the same (printable ASCII, no quotes), quoted otherwise. */
export function word(text: string): string {
  return /^[!#-~]+$/.test(text) && text.length <= SUMMARY_VALUE_CHARS ? text : quoteValue(text, SUMMARY_VALUE_CHARS);
}

/** A value as the page shows it: quoted, cut past `limit` characters with its whole size said. */
export function showValue(text: string, size: number, limit = TRACE_VALUE_CHARS): string {
  if (text.length <= limit && size <= KEEP_BYTES) return quoted(text, limit);
  return `${quoted(text.slice(0, limit), limit)}… (${size} bytes)`;
}

/** Text quoteValue leaves as it is: printable ASCII without quotes or backslashes. */
const AS_IS = /^[ !#-[\]-~]*$/;

function quoted(text: string, limit: number): string {
  return AS_IS.test(text) ? `"${text}"` : quoteValue(text, limit);
}

export function oneLine(text: string): string {
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS)}…` : text;
}

/** A command line's summary: its words, each bare or quoted. */
export function lineSummary(tokens: Token[]): string {
  return oneLine(tokens.map((t) => word(t.text)).join(' '));
}

/** A meta flag (`v`, `T30`, `Oabc`) and what it means. */
function metaFlagNode(token: Token): TraceNode {
  const meaning = META_FLAGS[token.text[0]];
  return {
    label: meaning ? `flag ${token.text[0]}: ${meaning}` : 'flag',
    value: token.text,
    at: [token.start, token.end],
  };
}

/** A command's words as tree nodes: the name, then each word named for what it is. */
export function commandNodes(tokens: Token[]): TraceNode[] {
  const [name, ...rest] = tokens;
  if (!name) return [];
  const nodes: TraceNode[] = [{ label: 'command', value: word(name.text), at: [name.start, name.end] }];
  const names = WORD_NAMES[name.text] ?? [];
  rest.forEach((token, i) => {
    const at: [number, number] = [token.start, token.end];
    if (i < names.length) nodes.push({ label: names[i], value: word(token.text), at });
    else if (META.has(name.text)) nodes.push(metaFlagNode(token));
    else if (KEY_LISTS.has(name.text)) nodes.push({ label: 'key', value: word(token.text), at });
    else if (token.text === 'noreply') nodes.push({ label: 'noreply', at });
    else nodes.push({ label: `word ${i + 1}`, value: word(token.text), at });
  });
  return nodes;
}

/** A reply line's words: its code, then (a meta reply) its flags. */
export function replyLineNode(tokens: Token[], text: string, start: number, end: number): TraceNode {
  const code = tokens[0]?.text ?? '';
  const node: TraceNode = { label: lineLabel(code), value: text, at: [start, end] };
  if (/^(HD|VA|EN|NF|NS|EX)$/.test(code) && tokens.length > (code === 'VA' ? 2 : 1)) {
    node.children = tokens.slice(code === 'VA' ? 2 : 1).map(metaFlagNode);
  }
  return node;
}

function lineLabel(code: string): string {
  if (isErrorCode(code)) return 'error';
  if (/^\d+$/.test(code)) return 'number';
  if (code === 'VERSION') return 'version';
  return 'status';
}

export function isErrorCode(code: string): boolean {
  return code === 'ERROR' || code.startsWith('ERROR:') || code === 'CLIENT_ERROR' || code === 'SERVER_ERROR';
}

/** One VALUE of a `get`'s reply. */
export interface ValueEntry {
  key: string;
  flags: string;
  bytes: number;
  cas?: string;
  data: string;
  /** Its line's and its data's byte ranges. */
  lineAt: [number, number];
  dataAt: [number, number];
}

export function valueNode(v: ValueEntry): TraceNode {
  const children: TraceNode[] = [
    { label: 'key', value: word(v.key) },
    { label: 'flags', value: v.flags },
    { label: 'bytes', value: String(v.bytes) },
  ];
  if (v.cas !== undefined) children.push({ label: 'cas unique', value: v.cas });
  children.push({ label: 'data', value: showValue(v.data, v.bytes), at: v.dataAt });
  return {
    label: 'VALUE',
    value: `${word(v.key)} ${showValue(v.data, v.bytes, SUMMARY_VALUE_CHARS)}`,
    at: [v.lineAt[0], v.dataAt[1] + 2],
    children,
  };
}

export function valuesSummary(values: ValueEntry[], total: number): string {
  if (total === 0) return 'END (no value)';
  const parts = values.map((v) => {
    const cas = v.cas !== undefined ? ` cas=${v.cas}` : '';
    return `${word(v.key)} ${showValue(v.data, v.bytes, SUMMARY_VALUE_CHARS)}${cas}`;
  });
  const line = `VALUE ${parts.join(', ')}`;
  const count = total === 1 ? '' : ` (${total} values)`;
  return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS)}…${count}` : `${line}${count}`;
}

/** Lines until END (`stats`): the first few in the summary. */
export function linesSummary(lines: string[], total: number): string {
  if (total === 0) return 'END (nothing)';
  const shown: string[] = [];
  let length = 0;
  for (const line of lines) {
    if (shown.length > 0 && length + line.length > SUMMARY_CHARS) break;
    shown.push(oneLine(line));
    length += line.length + 2;
  }
  const more = shown.length < total ? ', …' : '';
  return `${shown.join(', ')}${more} (${total} ${total === 1 ? 'line' : 'lines'})`;
}
