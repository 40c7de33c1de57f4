// How the Redis wire decoder (wire.ts) words what it read: the one-line summary and the tree of a
// command (`SET user:1 "Ada"`: the name upper-case, names and numbers bare, values quoted) and of
// a reply (`(integer) 1`, `array of 2: "a", "b"`, as redis-cli prints them), from the values of
// wire-parse.ts.
import { TRACE_VALUE_CHARS, type TraceNode, quoteValue } from '../../../shared/trace.ts';
import { ATTRIBUTE, DOLLAR, KEEP_BYTES, PUSH, type RespValue, STAR } from './wire-parse.ts';

/** A summary is one line: past this many characters the rest is left out. */
const SUMMARY_CHARS = 200;
/** Characters of one argument or string in a summary. */
const SUMMARY_VALUE_CHARS = 40;
/** Elements of an aggregate a reply's summary names before "…". */
const SUMMARY_ITEMS = 8;

/** Commands whose arguments are all names, options or numbers: shown bare when they are plain words. */
const NAMES_ONLY = new Set(
  (
    'del exists unlink touch watch mget type ttl pttl persist expire pexpire expireat expiretime get getdel incr ' +
    'decr incrby decrby strlen rename renamenx copy move dump keys scan select dbsize flushdb flushall info ' +
    'config client acl object memory command pubsub xinfo cluster debug function script latency slowlog module ' +
    'subscribe psubscribe unsubscribe punsubscribe ssubscribe sunsubscribe sinter sunion sdiff sintercard ' +
    'sinterstore sunionstore sdiffstore hget hdel hexists hmget hstrlen hgetall hkeys hvals hlen llen lrange ' +
    'ltrim lindex scard smembers zcard zrange zrevrange zrangebyscore zcount xlen xrange ' +
    'xrevrange xread xreadgroup xgroup xack xpending xdel xtrim blpop brpop lpop rpop spop srandmember hello ' +
    'auth multi exec discard quit reset time lastsave save bgsave wait monitor evalsha fcall'
  ).split(' '),
);
/** Commands with a subcommand (`CLIENT SETNAME`): it is upper-cased with the name. */
const CONTAINERS = new Set(
  'client config acl object memory command pubsub xinfo xgroup cluster debug function script latency slowlog module'.split(
    ' ',
  ),
);
/** Commands of names and values in turn: which argument positions (from 1) hold names. */
const PAIRS: Record<string, (i: number) => boolean> = {
  hset: (i) => i % 2 === 0,
  hmset: (i) => i % 2 === 0,
  hsetnx: (i) => i === 2,
  mset: (i) => i % 2 === 1,
  msetnx: (i) => i % 2 === 1,
};

/** A plain word reads the same bare: printable ASCII without quotes, backslashes or spaces. */
const PLAIN = /^[!#-[\]-~]+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const OPTION = /^[A-Z][A-Z_]*$/;

/** ASCII lower case, as Redis compares command names. */
export function asciiLower(text: string): string {
  return ASCII.test(text) ? text.toLowerCase() : text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

const ASCII = /^[\x00-\x7f]*$/;
/** Text quoteValue leaves as it is: printable ASCII without quotes or backslashes. */
const AS_IS = /^[ !#-[\]-~]*$/;

/** A string as the page shows it: quoted, cut past `limit` characters with its whole size said. */
export function showString(text: string, size: number, limit = TRACE_VALUE_CHARS): string {
  const cut = text.length > limit || size > KEEP_BYTES;
  if (!cut) return AS_IS.test(text) ? `"${text}"` : quoteValue(text, limit);
  const head = text.slice(0, limit);
  return `${AS_IS.test(head) ? `"${head}"` : quoteValue(head, limit)}… (${size} bytes)`;
}

function plain(text: string): boolean {
  return text.length <= SUMMARY_VALUE_CHARS && PLAIN.test(text);
}

/** Appends words to a summary until it is full; answers the summary. */
function joinSummary(head: string, words: string[], total: number, unit: string): string {
  let out = head;
  let shown = 0;
  for (const word of words) {
    if (out.length + word.length + 1 > SUMMARY_CHARS) break;
    out += ` ${word}`;
    shown++;
  }
  if (shown < total) out += ` … (${total} ${unit})`;
  return out;
}

/** What a command's summary and tree are made of; `secret` holds the indexes of passwords. */
export interface CommandParts {
  args: RespValue[];
  /** Arguments sent, the name included (more than args.length when some were only counted). */
  count: number;
  secret: ReadonlySet<number>;
}

/** The command's name (and a container's subcommand) upper-case. */
export function commandName({ args }: CommandParts): string {
  const name = args[0]?.text ?? '';
  const lower = asciiLower(name);
  if (CONTAINERS.has(lower) && args[1] && plain(args[1].text))
    return `${name.toUpperCase()} ${args[1].text.toUpperCase()}`;
  return name.toUpperCase();
}

export function commandSummary(parts: CommandParts): string {
  const { args, count, secret } = parts;
  const lower = asciiLower(args[0]?.text ?? '');
  const container = CONTAINERS.has(lower) && args[1] && plain(args[1].text);
  const namesOnly = NAMES_ONLY.has(lower);
  const pairs = PAIRS[lower];
  const words: string[] = [];
  for (let i = container ? 2 : 1; i < args.length; i++) {
    const { text, size } = args[i];
    if (secret.has(i)) {
      words.push('(hidden)');
      continue;
    }
    // A name/value command's values are quoted even when they look like option words.
    const isName = pairs
      ? i === 1 || pairs(i) || NUMBER.test(text)
      : i === 1 || namesOnly || NUMBER.test(text) || OPTION.test(text);
    words.push(isName && plain(text) && size <= KEEP_BYTES ? text : showString(text, size, SUMMARY_VALUE_CHARS));
  }
  const shown = container ? 2 : 1;
  return joinSummary(commandName(parts), words, count - shown, count - shown === 1 ? 'argument' : 'arguments');
}

export function commandTree({ args, count, secret }: CommandParts): TraceNode[] {
  const nodes: TraceNode[] = args.map((arg, i): TraceNode => {
    const at: [number, number] = [arg.start, arg.end];
    if (i === 0) return { label: 'command', value: plain(arg.text) ? arg.text : showString(arg.text, arg.size), at };
    if (secret.has(i)) return { label: 'password', value: '(hidden)', at, secret: true };
    return { label: `argument ${i}`, value: showString(arg.text, arg.size), at };
  });
  if (count > args.length) nodes.push({ label: `… ${count - args.length} more arguments` });
  return nodes;
}

const TYPE_NAMES: Record<string, string> = {
  '+': 'simple string',
  '-': 'error',
  ':': 'integer',
  $: 'bulk string',
  '*': 'array',
  '%': 'map',
  '~': 'set',
  '>': 'push',
  '|': 'attribute',
  ',': 'double',
  '#': 'boolean',
  '(': 'big number',
  '!': 'blob error',
  '=': 'verbatim string',
  _: 'null',
};

function typeName(v: RespValue): string {
  const name = TYPE_NAMES[String.fromCharCode(v.type)] ?? 'value';
  if (v.nil && v.type === DOLLAR) return 'null bulk string';
  if (v.nil && v.type === STAR) return 'null array';
  return name;
}

export function isAggregate(v: RespValue): boolean {
  return v.items !== null && v.type !== 0;
}

export function isError(v: RespValue): boolean {
  return v.type === 0x2d || v.type === 0x21;
}

/** A line type's text bare when it reads the same, quoted otherwise. */
function bareText(text: string): string {
  return /^[ -~]*$/.test(text) ? text : quoteValue(text);
}

/** A verbatim string's format ("txt") and its text. */
function verbatim(v: RespValue): { format: string; text: string } {
  const colon = v.text.indexOf(':');
  return colon === 3 ? { format: v.text.slice(0, 3), text: v.text.slice(4) } : { format: '', text: v.text };
}

function scalarValue(v: RespValue, limit = TRACE_VALUE_CHARS): string {
  if (v.nil) return '(nil)';
  switch (String.fromCharCode(v.type)) {
    case '$':
      return showString(v.text, v.size, limit);
    case '=':
      return showString(verbatim(v).text, v.size - 4, limit);
    case '#':
      return v.text === 't' ? 'true' : 'false';
    default:
      return bareText(v.text.length > limit ? `${v.text.slice(0, limit)}…` : v.text);
  }
}

function countText(v: RespValue): string {
  const pairs = v.type === 0x25 || v.type === ATTRIBUTE;
  const n = pairs ? v.size / 2 : v.size;
  if (n === 0) return 'empty';
  return pairs ? `${n} ${n === 1 ? 'pair' : 'pairs'}` : `${n} ${n === 1 ? 'element' : 'elements'}`;
}

/** A reply value as tree nodes: its attribute first when it has one. */
export function valueNodes(v: RespValue): TraceNode[] {
  const node: TraceNode = { label: typeName(v), at: [v.start, v.end] };
  if (isAggregate(v)) {
    node.value = countText(v);
    node.children = childNodes(v);
  } else {
    if (v.type === 0x3d) node.label = `verbatim string (${verbatim(v).format})`;
    node.value = scalarValue(v);
  }
  return v.attribute ? [...valueNodes(v.attribute), node] : [node];
}

function childNodes(v: RespValue): TraceNode[] {
  const items = v.items ?? [];
  const children: TraceNode[] = [];
  if (v.type === 0x25 || v.type === ATTRIBUTE) {
    // A map's entries as `key → value` pairs.
    for (let i = 0; i + 1 < items.length; i += 2) {
      const key = items[i];
      const value = items[i + 1];
      const nodes = valueNodes(value);
      const node = nodes[nodes.length - 1];
      const label = isAggregate(key) ? typeName(key) : scalarValue(key, SUMMARY_VALUE_CHARS);
      node.label = `${label} → ${node.label}`;
      node.at = [key.start, value.end];
      children.push(node);
    }
    const kept = Math.floor(items.length / 2);
    if (v.size / 2 > kept) children.push({ label: `… ${v.size / 2 - kept} more pairs` });
    return children;
  }
  items.forEach((item, i) => {
    for (const node of valueNodes(item)) {
      node.label = `${i + 1}) ${node.label}`;
      children.push(node);
    }
  });
  if (v.size > items.length) children.push({ label: `… ${v.size - items.length} more elements` });
  return children;
}

/** One value inside a summary: scalars short, aggregates as their size. */
function innerBrief(v: RespValue): string {
  if (isAggregate(v)) return v.type === 0x25 ? `{${v.size / 2}}` : `[${v.size}]`;
  if (v.type === 0x2d || v.type === 0x21) return `(error) ${scalarValue(v, SUMMARY_VALUE_CHARS)}`;
  return scalarValue(v, SUMMARY_VALUE_CHARS);
}

const BRIEF_PREFIX: Record<string, string> = {
  '-': '(error) ',
  '!': '(error) ',
  ':': '(integer) ',
  ',': '(double) ',
  '(': '(big number) ',
};

/** A reply in one line, as redis-cli would print it on one. */
export function replySummary(v: RespValue): string {
  const suffix = v.attribute ? ' (with attributes)' : '';
  if (!isAggregate(v)) {
    if (v.type === 0x23) return `(${scalarValue(v)})${suffix}`;
    return `${BRIEF_PREFIX[String.fromCharCode(v.type)] ?? ''}${scalarValue(v, SUMMARY_CHARS)}${suffix}`;
  }
  const name = typeName(v);
  if (v.size === 0) return `(empty ${name})${suffix}`;
  const items = v.items ?? [];
  const words: string[] = [];
  if (v.type === 0x25) {
    for (let i = 0; i + 1 < items.length && words.length < SUMMARY_ITEMS; i += 2) {
      words.push(`${innerBrief(items[i])} => ${innerBrief(items[i + 1])}`);
    }
  } else {
    for (const item of items.slice(0, SUMMARY_ITEMS)) words.push(innerBrief(item));
  }
  const total = v.type === 0x25 ? v.size / 2 : v.size;
  const head = `${name} of ${total}:`;
  const line = joinSummary(
    head,
    words.map((w, i) => (i < words.length - 1 ? `${w},` : w)),
    total,
    'in all',
  );
  return `${line}${suffix}`;
}

/** A pub/sub message or confirmation (`message`, `subscribe`…): its words as text, or null. */
export function pubsubWords(v: RespValue): string[] | null {
  if ((v.type !== STAR && v.type !== PUSH) || !v.items || v.items.length < 2) return null;
  const first = v.items[0];
  if (first.type !== DOLLAR && first.type !== 0x2b) return null;
  return v.items.map((item) => (item.nil ? '' : item.text));
}

/** A channel, pattern or key: bare when it is a plain word. */
function name(v: RespValue): string {
  if (v.nil) return '(nil)';
  return plain(v.text) && v.size <= KEEP_BYTES ? v.text : showString(v.text, v.size, SUMMARY_VALUE_CHARS);
}

export function pubsubSummary(v: RespValue, words: string[]): string {
  const [kind, ...rest] = words;
  const items = v.items!;
  const message = (i: number) => showString(items[i].text, items[i].size, SUMMARY_VALUE_CHARS);
  switch (asciiLower(kind)) {
    case 'message':
    case 'smessage':
      return `${kind} on ${name(items[1])}: ${message(2)}`;
    case 'pmessage':
      return `pmessage on ${name(items[2])} (pattern ${name(items[1])}): ${message(3)}`;
    case 'invalidate': {
      // Client-side caching: the keys to forget, or null for all of them (FLUSHALL).
      const keys = items[1];
      if (keys.nil || !keys.items) return 'invalidate: every key';
      return joinSummary('invalidate:', keys.items.map(name), keys.size, 'keys');
    }
  }
  const count = Number(rest[1]);
  if (rest.length === 2 && Number.isFinite(count)) {
    return `${kind} ${name(items[1])} (${count} ${count === 1 ? 'subscription' : 'subscriptions'})`;
  }
  return replySummary(v);
}
