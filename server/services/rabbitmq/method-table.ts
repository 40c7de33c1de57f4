// The AMQP 0-9-1 methods the terminal speaks, derived from amqplib's protocol definitions rather
// than written out by hand: names as the spec writes them (`queue.declare`, `basic.get-ok`), fields
// in snake_case (`auto_delete`, `routing_key`), with the spec's types and defaults.
import {
  allMethodInfos,
  basicPropertiesInfo,
  methodId,
  type AmqpArgInfo,
  type AmqpMethodInfo,
  type AmqpType,
} from './amqp-defs.ts';

export interface FieldSpec {
  /** As the learner types it: the spec's name with "-" → "_", e.g. "auto_delete". */
  name: string;
  /** amqplib's name for it, e.g. "autoDelete". */
  key: string;
  type: AmqpType;
  /** No default in the spec: the learner must give it. */
  required: boolean;
  default?: unknown;
}

export interface MethodSpec {
  /** e.g. "queue.declare", "basic.get-ok". */
  name: string;
  className: string;
  id: number;
  /** The fields a learner sees and may set, in wire order. */
  fields: FieldSpec[];
  /** Reserved fields, sent with their default and never shown. */
  reserved: FieldSpec[];
  /** The reply method(s) the broker answers with; empty when the method has no reply. */
  replies: string[];
  /** The single reply's id, for a plain request/reply (not basic.get, whose reply varies). */
  replyId?: number;
}

/**
 * Fields the 0-9-1 spec marks reserved (leftovers of 0-8: access tickets, cluster ids, …).
 * RabbitMQ ignores them; showing them would only puzzle a learner.
 */
const RESERVED_FIELDS = new Set([
  'ticket',
  'clusterId',
  'outOfBand',
  'channelId',
  'knownHosts',
  'capabilities',
  'insist',
]);

/**
 * Classes the learner drives. connection.* and channel.* belong to the shell itself (it opens one
 * connection and one channel, and reopens the channel after an error); access.* is obsolete.
 */
const LEARNER_CLASSES = new Set(['exchange', 'queue', 'basic', 'confirm', 'tx']);

/** Methods only the broker sends, in classes the learner drives. */
const SERVER_ONLY = new Set(['basic.return', 'basic.deliver', 'basic.get-empty']);

/** The spec spells it "no-wait"; amqplib spells it "nowait", so the generic rule would miss it. */
const FIELD_NAME_EXCEPTIONS: Record<string, string> = { nowait: 'no_wait' };

export function snakeCase(key: string): string {
  return FIELD_NAME_EXCEPTIONS[key] ?? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** "QueueDeclareOk" → { className: "queue", name: "queue.declare-ok" }. */
export function methodName(pascal: string): { className: string; name: string } {
  const words = (pascal.match(/[A-Z][a-z0-9]*/g) ?? [pascal]).map((w) => w.toLowerCase());
  const [className, ...rest] = words;
  return { className, name: `${className}.${rest.join('-')}` };
}

function fieldSpec(arg: AmqpArgInfo): FieldSpec {
  const required = !('default' in arg) || arg.default === null || arg.default === undefined;
  return {
    name: snakeCase(arg.name),
    key: arg.name,
    type: arg.type,
    required,
    ...(required ? {} : { default: arg.default }),
  };
}

function methodSpec(info: AmqpMethodInfo): MethodSpec {
  const { className, name } = methodName(info.name);
  const fields = info.args.map(fieldSpec);
  const okId = methodId(`${info.name}Ok`);
  let replies: string[] = okId === undefined ? [] : [methodName(`${info.name}Ok`).name];
  // basic.get is the one request whose reply is one of two methods.
  if (name === 'basic.get') replies = ['basic.get-ok', 'basic.get-empty'];
  return {
    name,
    className,
    id: info.id,
    fields: fields.filter((f) => !RESERVED_FIELDS.has(f.key)),
    reserved: fields.filter((f) => RESERVED_FIELDS.has(f.key)),
    replies,
    ...(okId !== undefined && name !== 'basic.get' ? { replyId: okId } : {}),
  };
}

const ALL: MethodSpec[] = allMethodInfos().map(methodSpec);
const BY_NAME = new Map(ALL.map((m) => [m.name, m]));

function isClientMethod(m: MethodSpec): boolean {
  return LEARNER_CLASSES.has(m.className) && !m.name.endsWith('-ok') && !SERVER_ONLY.has(m.name);
}

/** What the learner may type, by class in spec order (exchange, queue, basic, confirm, tx). */
export const CLIENT_METHODS: MethodSpec[] = ALL.filter(isClientMethod).sort((a, b) => a.id - b.id);
const CLIENT_BY_NAME = new Map(CLIENT_METHODS.map((m) => [m.name, m]));

export const LEARNER_CLASS_NAMES: string[] = [...new Set(CLIENT_METHODS.map((m) => m.className))];

/** A method's spec by the name a learner types; only methods a learner may send. */
export function clientMethod(name: string): MethodSpec | undefined {
  return CLIENT_BY_NAME.get(name);
}

/** Any method by name, including replies and the broker's own methods. */
export function anyMethod(name: string): MethodSpec | undefined {
  return BY_NAME.get(name);
}

/** The method every message carries properties and a body with. */
export const PUBLISH_METHOD = 'basic.publish';

/** A message's properties (basic class content header), without the reserved cluster_id. */
export const MESSAGE_PROPERTIES: FieldSpec[] = basicPropertiesInfo()
  .args.map(fieldSpec)
  .filter((f) => !RESERVED_FIELDS.has(f.key))
  // Properties are all optional: an unset property is simply absent from the header.
  .map((f) => ({ ...f, required: false, default: undefined }));

/** The message body, typed after basic.publish's fields and properties. */
export const BODY_FIELD = 'body';

/** The largest integer each AMQP integer type carries (longlong is capped at what a JS number holds exactly). */
export const INTEGER_MAX: Partial<Record<AmqpType, number>> = {
  octet: 0xff,
  short: 0xffff,
  long: 0xffffffff,
  longlong: Number.MAX_SAFE_INTEGER,
  timestamp: Number.MAX_SAFE_INTEGER,
};

/** What a type means, in the words error messages and help use. */
export const TYPE_WORDS: Record<AmqpType, string> = {
  bit: 'a boolean (true/false, 1/0, yes/no)',
  octet: 'an integer 0–255',
  short: 'an integer 0–65535',
  long: 'an integer 0–4294967295',
  longlong: `an integer 0–${Number.MAX_SAFE_INTEGER}`,
  shortstr: 'a string of at most 255 bytes',
  longstr: 'a string',
  table: 'a JSON object, e.g. {"x-max-length":10}',
  timestamp: 'an integer (seconds since 1970)',
};
