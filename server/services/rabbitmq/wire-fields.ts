// The inside of one AMQP 0-9-1 frame for the trace (wire.ts): a method's or a content header's
// fields decoded by amqplib's own codec (lib/defs.js, through amqp-defs.ts), as tree nodes with the
// byte range each field spans, and the one-line summary. amqplib decodes but does not say where a
// field lies, so the ranges come from walking the same argument list amqplib generated its decoder
// from (name and type, in wire order): that walk is also what tells a field running past its frame,
// which amqplib's decoders would read silently short. Secrets (a login's password) are overwritten
// here, in the frame's own copy.
import { quoteValue, type TraceNode } from '../../../shared/trace.ts';
import {
  BASIC_PROPERTIES_CLASS_ID,
  allMethodInfos,
  basicPropertiesInfo,
  defs,
  methodId,
  type AmqpArgInfo,
  type AmqpMethodInfo,
} from './amqp-defs.ts';
import { anyMethod, methodName, snakeCase } from './method-table.ts';

const codec = defs as unknown as { decode(id: number, args: Buffer): Record<string, unknown> };

/** Bytes of a frame before its payload: type, channel, size. */
export const FRAME_HEADER_BYTES = 7;
/** A summary's strings are cut shorter than the tree's: the whole line must stay readable. */
const SUMMARY_VALUE_CHARS = 60;
/** What a masked secret's bytes become (same length). */
const MASK_BYTE = 0x2a;

/** One method as the trace names it, with what pairing needs to know of it. */
export interface MethodView {
  id: number;
  /** As the spec writes it: "Queue.Declare", "Connection.Start-Ok", "Basic.Get-Empty". */
  name: string;
  info: AmqpMethodInfo;
  /** Fields that are reserved in 0-9-1 (ticket, cluster_id…): shown in the tree, never in a summary. */
  reserved: Set<string>;
  /** Each field's name as the spec writes it (snake_case), in wire order; and its tree label. */
  names: string[];
  labels: string[];
  /** The spec defines a reply for it (X → X-Ok; Basic.Get → Get-Ok / Get-Empty). */
  synchronous: boolean;
  /** It is such a reply. */
  reply: boolean;
  /** A message's properties and body follow it (Basic.Publish, Deliver, Return, Get-Ok). */
  content: boolean;
}

const CONTENT_METHODS = new Set(['BasicPublish', 'BasicDeliver', 'BasicReturn', 'BasicGetOk']);

function specName(pascal: string): string {
  const [cls, method] = methodName(pascal).name.split('.');
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  return `${cap(cls)}.${method.split('-').map(cap).join('-')}`;
}

const VIEWS = new Map<number, MethodView>(
  allMethodInfos().map((info) => {
    const spec = anyMethod(methodName(info.name).name);
    const reserved = new Set(spec?.reserved.map((f) => f.key) ?? []);
    const names = info.args.map((a) => snakeCase(a.name));
    const view: MethodView = {
      id: info.id,
      name: specName(info.name),
      info,
      reserved,
      names,
      labels: names.map((n, i) => (reserved.has(info.args[i].name) ? `${n} (reserved)` : n)),
      synchronous: methodId(`${info.name}Ok`) !== undefined || info.name === 'BasicGet',
      reply: info.name.endsWith('Ok') || info.name === 'BasicGetEmpty',
      content: CONTENT_METHODS.has(info.name),
    };
    return [info.id, view];
  }),
);

export function methodView(id: number): MethodView | undefined {
  return VIEWS.get(id);
}

const PROPERTIES = basicPropertiesInfo();
const PROPERTY_NAMES = PROPERTIES.args.map((a) => snakeCase(a.name));

/** Why a frame's inside could not be read; the frame is then shown raw with this reason. */
export class FieldError extends Error {}

/**
 * [start, end) of each argument in `buf`, plus `shift` (where `buf` starts in the message); bits
 * share an octet as the spec packs them. `present`: a property's flag (null: not in the header).
 */
function layout(
  args: AmqpArgInfo[],
  buf: Buffer,
  shift: number,
  present?: (i: number) => boolean,
): ([number, number] | null)[] {
  const ranges: ([number, number] | null)[] = [];
  let off = 0;
  let bitAt = -1;
  let bits = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (present && !present(i)) {
      ranges.push(null);
      continue;
    }
    if (arg.type === 'bit') {
      if (bitAt < 0 || bits === 8) {
        bitAt = off++;
        bits = 0;
      }
      bits++;
      if (bitAt >= buf.length) throw new FieldError(`the ${snakeCase(arg.name)} field runs past the frame`);
      ranges.push([shift + bitAt, shift + bitAt + 1]);
      continue;
    }
    bitAt = -1;
    let size: number;
    switch (arg.type) {
      case 'octet':
        size = 1;
        break;
      case 'short':
        size = 2;
        break;
      case 'long':
        size = 4;
        break;
      case 'longlong':
      case 'timestamp':
        size = 8;
        break;
      case 'shortstr':
        size = off < buf.length ? 1 + buf[off] : 1;
        break;
      default: // longstr, table
        size = off + 4 <= buf.length ? 4 + buf.readUInt32BE(off) : 4;
    }
    if (off + size > buf.length) throw new FieldError(`the ${snakeCase(arg.name)} field runs past the frame`);
    ranges.push([shift + off, shift + off + size]);
    off += size;
  }
  return ranges;
}

// --- values ---

function isTagged(value: unknown): value is { '!': string; value: unknown } {
  return typeof value === 'object' && value !== null && '!' in value;
}

/** A decoded value for the tree: strings quoted (cut, full size said), tables as children. */
function valueNode(label: string, value: unknown, at?: [number, number]): TraceNode {
  const node: TraceNode = { label };
  if (at) node.at = at;
  if (Buffer.isBuffer(value) || typeof value === 'string') node.value = quoteValue(value);
  else if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint')
    node.value = String(value);
  else if (value === null || value === undefined) node.value = 'void';
  else if (isTagged(value)) {
    if (value['!'] === 'timestamp') node.value = timestamp(Number(value.value));
    else if (value['!'] === 'decimal') {
      const { places, digits } = value.value as { places: number; digits: number };
      node.value = String(digits / 10 ** places);
    } else node.value = String(value.value);
  } else if (Array.isArray(value)) {
    node.value = `[${value.length}]`;
    node.children = value.map((v, i) => valueNode(String(i), v));
  } else {
    const entries = Object.entries(value as Record<string, unknown>);
    node.value = entries.length ? `{${entries.length}}` : '{}';
    if (entries.length) node.children = entries.map(([k, v]) => valueNode(k, v));
  }
  return node;
}

function timestamp(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isFinite(date.getTime()) ? `${seconds} (${date.toISOString()})` : String(seconds);
}

/** A table as compact JSON for a summary: `{"x-max-length":10}`. */
function tableText(value: unknown): string {
  const plain = JSON.stringify(value, (_k, v: unknown) =>
    isTagged(v) ? v.value : Buffer.isBuffer(v) ? v.toString('latin1') : v,
  );
  return plain.length > SUMMARY_VALUE_CHARS ? `${plain.slice(0, SUMMARY_VALUE_CHARS)}…` : plain;
}

function summaryValue(type: string, value: unknown): string {
  if (type === 'table') return tableText(value);
  if (Buffer.isBuffer(value) || typeof value === 'string') return quoteValue(value, SUMMARY_VALUE_CHARS);
  return String(value);
}

/** The fields every summary shows even at their default, since they say what the method is about. */
const ALWAYS = new Set(['queue', 'exchange', 'routingKey', 'consumerTag', 'deliveryTag', 'virtualHost']);
/** Long fields a summary leaves to the tree. */
const TREE_ONLY = new Set(['serverProperties', 'clientProperties', 'mechanisms', 'locales', 'locale', 'response']);

function isDefault(arg: AmqpArgInfo, value: unknown): boolean {
  if (!('default' in arg) || arg.default === undefined || arg.default === null) return false;
  if (arg.type === 'table') return Object.keys((value as object | undefined) ?? {}).length === 0;
  return value === arg.default;
}

// --- methods ---

export interface DecodedMethod {
  view: MethodView;
  channel: number;
  fields: Record<string, unknown>;
  /** The frame's node, with a child per field. */
  node: TraceNode;
  summary: string;
  /** Ranges of the frame overwritten (relative to the frame's start). */
  masked: [number, number][];
  /** The frame's bytes, a copy when a secret was overwritten. */
  bytes: Buffer;
}

/**
 * Reads a method frame (its whole bytes, header and frame-end included); `base` is where the frame
 * starts in its message, for the nodes' ranges. Throws FieldError when it cannot be read.
 */
export function decodeMethodFrame(frame: Buffer, channel: number, base: number): DecodedMethod {
  const payload = frame.subarray(FRAME_HEADER_BYTES, frame.length - 1);
  if (payload.length < 4) throw new FieldError('a method frame shorter than its class and method ids');
  const id = payload.readUInt32BE(0);
  const view = VIEWS.get(id);
  if (!view)
    throw new FieldError(`unknown method ${payload.readUInt16BE(0)}/${payload.readUInt16BE(2)} (class/method)`);
  const args = payload.subarray(4);
  const ranges = layout(view.info.args, args, base + FRAME_HEADER_BYTES + 4);
  let fields: Record<string, unknown>;
  try {
    fields = codec.decode(id, args);
  } catch (err) {
    throw new FieldError(`${view.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let bytes = frame;
  const masked: [number, number][] = [];
  const children: TraceNode[] = [{ label: 'channel', value: String(channel), at: [base + 1, base + 3] }];
  const secret = SECRET_FIELDS[view.info.name];
  for (let i = 0; i < view.info.args.length; i++) {
    const name = view.info.args[i].name;
    const at = ranges[i] ?? undefined;
    if (name !== secret || !at) {
      children.push(valueNode(view.labels[i], fields[name], at));
      continue;
    }
    // The secret's bytes, after the longstr's length, relative to the frame.
    if (bytes === frame) bytes = Buffer.from(frame);
    const { node, user } = maskSecret(
      bytes,
      [at[0] + 4 - base, at[1] - base],
      String(fields.mechanism ?? ''),
      base,
      masked,
    );
    children.push({ ...node, label: view.labels[i], at });
    if (user !== undefined) fields.user = user;
    delete fields[name];
  }
  const node: TraceNode = {
    label: view.name,
    value: `method frame, channel ${channel}`,
    at: [base, base + frame.length],
    children,
  };
  return { view, channel, fields, node, summary: methodSummary(view, fields), masked, bytes };
}

/** The field of a method that holds a secret: its bytes are overwritten, its node marked secret. */
const SECRET_FIELDS: Record<string, string> = {
  ConnectionStartOk: 'response',
  ConnectionSecureOk: 'response',
  ConnectionUpdateSecret: 'newSecret',
};

/**
 * Overwrites the secret in `bytes[range]` (a SASL response: PLAIN keeps its user name, AMQPLAIN its
 * LOGIN; anything else is overwritten whole) and answers its node; `masked` gets message ranges.
 */
function maskSecret(
  bytes: Buffer,
  [start, end]: [number, number],
  mechanism: string,
  base: number,
  masked: [number, number][],
): { node: TraceNode; user?: string } {
  const hide = (a: number, b: number) => {
    if (b <= a) return;
    bytes.fill(MASK_BYTE, a, b);
    masked.push([base + a, base + b]);
  };
  const value = bytes.subarray(start, end);
  if (mechanism === 'PLAIN') {
    const first = value.indexOf(0);
    const second = first < 0 ? -1 : value.indexOf(0, first + 1);
    if (second > 0) {
      const user = value.toString('utf8', first + 1, second);
      hide(start + second + 1, end);
      return {
        user,
        node: {
          label: '',
          children: [
            { label: 'user', value: quoteValue(user) },
            { label: 'password', secret: true, at: [base + start + second + 1, base + end] },
          ],
        },
      };
    }
  } else if (mechanism === 'AMQPLAIN') {
    const password = amqplainPassword(value);
    if (password) {
      hide(start + password.at[0], start + password.at[1]);
      const { login } = password;
      const children: TraceNode[] = login === undefined ? [] : [{ label: 'LOGIN', value: quoteValue(login) }];
      children.push({
        label: 'PASSWORD',
        secret: true,
        at: [base + start + password.at[0], base + start + password.at[1]],
      });
      return { user: login, node: { label: '', children } };
    }
  } else if (mechanism === 'EXTERNAL' && value.length === 0) {
    return { node: { label: '', value: '""' } };
  }
  hide(start, end);
  return { node: { label: '', secret: true } };
}

/** AMQPLAIN's response is a field table without its length: LOGIN and PASSWORD, each a longstr. */
function amqplainPassword(value: Buffer): { login?: string; at: [number, number] } | null {
  let off = 0;
  let login: string | undefined;
  let password: [number, number] | null = null;
  while (off < value.length) {
    const keyLength = value[off];
    const key = value.toString('latin1', off + 1, off + 1 + keyLength);
    off += 1 + keyLength;
    if (value[off] !== 0x53 /* 'S' */ || off + 5 > value.length) return null;
    const length = value.readUInt32BE(off + 1);
    const at: [number, number] = [off + 5, off + 5 + length];
    if (at[1] > value.length) return null;
    if (key === 'LOGIN') login = value.toString('utf8', at[0], at[1]);
    if (key === 'PASSWORD') password = at;
    off = at[1];
  }
  return password ? { ...(login === undefined ? {} : { login }), at: password } : null;
}

function methodSummary(view: MethodView, fields: Record<string, unknown>): string {
  const f = fields;
  switch (view.info.name) {
    case 'ConnectionClose':
    case 'ChannelClose':
      return `${view.name} ${String(f.replyCode)} ${String(f.replyText)}`.trimEnd();
    case 'BasicReturn':
      return `${view.name} ${String(f.replyCode)} ${String(f.replyText)} exchange=${quoteValue(String(f.exchange), SUMMARY_VALUE_CHARS)} routing_key=${quoteValue(String(f.routingKey), SUMMARY_VALUE_CHARS)}`;
    case 'ConnectionStart': {
      const props = (f.serverProperties ?? {}) as Record<string, unknown>;
      const server = [props.product, props.version].filter((v) => v !== undefined).map(String);
      const mechanisms = Buffer.isBuffer(f.mechanisms) ? f.mechanisms.toString('latin1') : String(f.mechanisms);
      return `${view.name} ${String(f.versionMajor)}-${String(f.versionMinor)}${server.length ? ` server=${quoteValue(server.join(' '), SUMMARY_VALUE_CHARS)}` : ''} mechanisms=${quoteValue(mechanisms, SUMMARY_VALUE_CHARS)}`;
    }
    case 'ConnectionStartOk':
      return `${view.name} mechanism=${String(f.mechanism)}${f.user === undefined ? '' : ` user=${quoteValue(String(f.user), SUMMARY_VALUE_CHARS)}`}`;
  }
  let summary = view.name;
  for (let i = 0; i < view.info.args.length; i++) {
    const arg = view.info.args[i];
    if (view.reserved.has(arg.name) || TREE_ONLY.has(arg.name) || !(arg.name in f)) continue;
    const value = f[arg.name];
    if (!ALWAYS.has(arg.name) && isDefault(arg, value)) continue;
    summary += ` ${view.names[i]}=${summaryValue(arg.type, value)}`;
  }
  return summary;
}

// --- content header ---

export interface DecodedHeader {
  bodySize: number;
  properties: Record<string, unknown>;
  node: TraceNode;
}

const DELIVERY_MODES: Record<number, string> = { 1: 'non-persistent', 2: 'persistent' };

/** Reads a content header frame (class basic: the message's properties and body size). */
export function decodeHeaderFrame(frame: Buffer, channel: number, base: number): DecodedHeader {
  const payload = frame.subarray(FRAME_HEADER_BYTES, frame.length - 1);
  if (payload.length < 14) throw new FieldError('a content header shorter than its fixed fields');
  const classId = payload.readUInt16BE(0);
  if (classId !== BASIC_PROPERTIES_CLASS_ID) throw new FieldError(`a content header for class ${classId}, not basic`);
  const bodySize = Number(payload.readBigUInt64BE(4));
  const flags = payload.readUInt16BE(12);
  const props = payload.subarray(14);
  const propsAt = base + FRAME_HEADER_BYTES + 14;
  const ranges = layout(PROPERTIES.args, props, propsAt, (i) => (flags & (1 << (15 - i))) !== 0);
  let properties: Record<string, unknown>;
  try {
    properties = codec.decode(BASIC_PROPERTIES_CLASS_ID, payload.subarray(12));
  } catch (err) {
    throw new FieldError(`content header: ${err instanceof Error ? err.message : String(err)}`);
  }
  const children: TraceNode[] = [];
  for (let i = 0; i < PROPERTIES.args.length; i++) {
    const at = ranges[i];
    if (!at) continue;
    const name = PROPERTIES.args[i].name;
    const node = valueNode(PROPERTY_NAMES[i], properties[name], at);
    const mode = DELIVERY_MODES[properties[name] as number];
    if (name === 'deliveryMode' && mode) node.value = `${node.value} (${mode})`;
    children.push(node);
  }
  const p = FRAME_HEADER_BYTES;
  const node: TraceNode = {
    label: 'content header',
    value: `channel ${channel}, body ${bodySize} bytes`,
    at: [base, base + frame.length],
    children: [
      { label: 'channel', value: String(channel), at: [base + 1, base + 3] },
      { label: 'class', value: `basic (${classId})`, at: [base + p, base + p + 2] },
      { label: 'body_size', value: String(bodySize), at: [base + p + 4, base + p + 12] },
      {
        label: 'properties',
        value: children.length ? `${children.length} set` : 'none',
        at: [base + p + 12, base + frame.length - 1],
        ...(children.length ? { children } : {}),
      },
    ],
  };
  return { bodySize, properties, node };
}

/** A message body for the tree: UTF-8 text as text when it is that, cut, with the full size said. */
export function bodyValue(body: Buffer, limit: number): string {
  const head = body.subarray(0, limit * 4);
  const text = utf8(head, head.length < body.length);
  if (text === null) return quoteValue(body, limit);
  const shown = text.slice(0, limit);
  const quoted = quoteValue(shown, limit);
  return Buffer.byteLength(shown) < body.length ? `${quoted}… (${body.length} bytes)` : quoted;
}

/** The bytes as UTF-8 text, or null when they are not that; `cut`: they may end inside a character. */
function utf8(bytes: Buffer, cut: boolean): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: cut });
  } catch {
    return null;
  }
}
