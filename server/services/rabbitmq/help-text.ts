// `help` and the completion hints: both read the method table, so they list exactly what the
// parser accepts.
import type { CommandInfo } from '../../../shared/protocol.ts';
import { CRLF, formatValue, quote } from './format-reply.ts';
import {
  BODY_FIELD,
  CLIENT_METHODS,
  LEARNER_CLASS_NAMES,
  MESSAGE_PROPERTIES,
  PUBLISH_METHOD,
  TYPE_WORDS,
  clientMethod,
  type FieldSpec,
  type MethodSpec,
} from './method-table.ts';
import { HELP_COMMAND, LineError } from './parse-line.ts';

const NO_WAIT_FIELD = 'no_wait';
const BODY_WORDS = 'the message body: a string; \\xHH escapes give raw bytes';

function fieldSyntax(fields: FieldSpec[]): string {
  return fields.map((f) => `${f.name}=`).join(' ');
}

function syntaxOf(method: MethodSpec): string {
  const own = fieldSyntax(method.fields);
  if (method.name !== PUBLISH_METHOD) return own;
  return `${own} ${fieldSyntax(MESSAGE_PROPERTIES)} ${BODY_FIELD}=`;
}

function replySummary(method: MethodSpec): string {
  return method.replies.length > 0 ? `→ ${method.replies.join(' or ')}` : 'no reply';
}

export const COMMAND_INFOS: CommandInfo[] = [
  ...CLIENT_METHODS.map((m) => ({ name: m.name, syntax: syntaxOf(m), summary: replySummary(m) })),
  {
    name: HELP_COMMAND,
    syntax: '[class.method]',
    summary: 'list the methods, or show one with its field types and defaults',
  },
];

const INTRO = [
  'Type an AMQP 0-9-1 method and its fields; this terminal holds one connection and one channel.',
  '  queue.declare queue=hello durable=true',
  '  basic.publish exchange= routing_key=hello body="Hello World!" delivery_mode=2',
  'Values: bare words, "double" or \'single\' quotes with backslash escapes (\\n \\t \\xHH \\u00e9),',
  'JSON for tables: arguments={"x-max-length":10}. Fields left out take the spec\'s default.',
  'basic.consume prints deliveries until Ctrl-C. help <class.method> shows types and defaults.',
  ':restart stops the broker cleanly and starts it again (:restart crash kills it with SIGKILL).',
];

/** Two columns; a row with an empty right side is a heading and does not widen the left column. */
function table(rows: Array<[string, string]>): string[] {
  const width = Math.max(0, ...rows.filter(([, right]) => right).map(([left]) => left.length));
  return rows.map(([left, right]) => (right ? `${left.padEnd(width)}  ${right}` : left).trimEnd());
}

function overview(methods: MethodSpec[], withIntro: boolean): string {
  const lines = withIntro ? [...INTRO, ''] : [];
  lines.push(...table(methods.map((m) => [m.name, fieldSyntax(m.fields) || '(no fields)'])));
  if (methods.some((m) => m.name === PUBLISH_METHOD)) {
    lines.push(
      '',
      `${PUBLISH_METHOD} also takes message properties and the body:`,
      `  ${fieldSyntax(MESSAGE_PROPERTIES)} ${BODY_FIELD}=`,
    );
  }
  return lines.join(CRLF) + CRLF;
}

function defaultText(field: FieldSpec): string {
  if (field.required) return 'required';
  if (field.default === undefined) return 'unset';
  const shown = formatValue(field.type, field.default);
  return `default ${shown === '' ? '""' : shown}`;
}

function fieldRows(fields: FieldSpec[]): Array<[string, string]> {
  return fields.map((f) => {
    const note = f.name === NO_WAIT_FIELD ? `${TYPE_WORDS[f.type]}; must stay false here` : TYPE_WORDS[f.type];
    return [`  ${f.name}`, `${f.type.padEnd(9)} ${defaultText(f).padEnd(16)} ${note}`];
  });
}

function detail(method: MethodSpec): string {
  const rows: Array<[string, string]> = [[`${method.name}  ${replySummary(method)}`, ''], ...fieldRows(method.fields)];
  if (method.name === PUBLISH_METHOD) {
    rows.push(['message properties (set only those you give):', ''], ...fieldRows(MESSAGE_PROPERTIES));
    rows.push([`  ${BODY_FIELD}`, `${'bytes'.padEnd(9)} ${'default ""'.padEnd(16)} ${BODY_WORDS}`]);
  }
  if (method.fields.length === 0) rows.push(['  (no fields)', '']);
  return table(rows).join(CRLF) + CRLF;
}

/** The text of `help` or `help <topic>` (a method or a class); LineError for an unknown topic. */
export function helpText(topic: string | null): string {
  if (topic === null || topic === HELP_COMMAND) return overview(CLIENT_METHODS, true);
  const method = clientMethod(topic);
  if (method) return detail(method);
  if (LEARNER_CLASS_NAMES.includes(topic))
    return overview(
      CLIENT_METHODS.filter((m) => m.className === topic),
      false,
    );
  throw new LineError(`no help for ${quote(topic)}; type help for the list of methods`);
}
