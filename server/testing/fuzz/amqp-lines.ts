// The RabbitMQ terminal's method lines (server/services/rabbitmq/parse-line.ts), fuzzed: any line
// is a method, help, nothing, or a LineError (never another throw); a string the terminal prints
// (formatString) reads back as the same text; a line written from random field values parses back
// into exactly those values.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatString } from '../../services/rabbitmq/format-reply.ts';
import {
  BODY_FIELD,
  CLIENT_METHODS,
  INTEGER_MAX,
  MESSAGE_PROPERTIES,
  PUBLISH_METHOD,
  type FieldSpec,
} from '../../services/rabbitmq/method-table.ts';
import { LineError, parseLine, tokenize } from '../../services/rabbitmq/parse-line.ts';
import { fuzzProperty, type FuzzBoundary } from '../fuzz.ts';
import { anyText, nested, nestingDepth } from './json-text.ts';

const methodNames = CLIENT_METHODS.map((m) => m.name);
const fieldNames = [...new Set([...CLIENT_METHODS.flatMap((m) => m.fields), ...MESSAGE_PROPERTIES].map((f) => f.name))];

/** Lines built from what the parser reads specially, with any text between. */
const linePiece = fc.oneof(
  fc.constantFrom(...methodNames, 'help', 'Queue.Declare', 'connection.open', 'basic.deliver', 'nope.x'),
  fc.constantFrom(...fieldNames, BODY_FIELD).map((f) => `${f}=`),
  fc.constantFrom(' ', '=', '"', "'", '\\', '\\x', '\\x4', '\\u', '\\u{', '\\u{110000}', '\\u{1F600}', '\\ud800'),
  fc.constantFrom('\\n', '\\r', '\\t', '\\0', '\\x1b', '\\x0a', '\\u2028', '\\ ', '\\='),
  fc.constantFrom('{', '}', '[', ']', '{"x-max-length": 10}', '[1,2]', 'true', 'no', '300', '99999999999999999999'),
  // Deep enough for any recursion in the parser to show; JSON.parse itself does not recurse.
  nestingDepth.map((n) => nested(Math.min(n, 1000))),
  anyText(6),
);
const line = fc.oneof(
  anyText(60),
  fc.array(linePiece, { maxLength: 14 }).map((p) => p.join('')),
  fc.array(linePiece, { maxLength: 10 }).map((p) => p.join(' ')),
);

/** Whether a parsed field value has its field's type. */
function hasType(field: FieldSpec, value: unknown): boolean {
  switch (field.type) {
    case 'bit':
      return typeof value === 'boolean';
    case 'shortstr':
    case 'longstr':
      return typeof value === 'string';
    case 'table':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    default:
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= INTEGER_MAX[field.type]!;
  }
}

/** A value for a field, and how the learner might type it. */
function fieldValue(field: FieldSpec): fc.Arbitrary<{ value: unknown; text: string }> {
  switch (field.type) {
    case 'bit':
      return fc.tuple(fc.boolean(), fc.nat(2), fc.boolean()).map(([b, form, upper]) => {
        const word = [b ? 'true' : 'false', b ? '1' : '0', b ? 'yes' : 'no'][form];
        return { value: b, text: upper ? word.toUpperCase() : word };
      });
    case 'shortstr':
      return anyText(80)
        .filter((s) => Buffer.byteLength(s) <= 255)
        .map((s) => ({ value: s, text: formatString(s) }));
    case 'longstr':
      return anyText(80).map((s) => ({ value: s, text: formatString(s) }));
    case 'table':
      return fc
        .dictionary(anyText(6), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
        .map((t) => JSON.stringify(t))
        .map((json) => ({ value: JSON.parse(json) as unknown, text: json }));
    default:
      return fc
        .tuple(fc.integer({ min: 0, max: INTEGER_MAX[field.type]! }), fc.nat(2))
        .map(([n, zeros]) => ({ value: n, text: '0'.repeat(zeros) + String(n) }));
  }
}

interface WrittenLine {
  method: string;
  words: string[];
  fields: Record<string, unknown>;
  properties: Record<string, unknown>;
  body: Buffer;
}

/** A valid line for a random method: its required fields, some others, in any order. */
const validLine: fc.Arbitrary<WrittenLine> = fc.constantFrom(...CLIENT_METHODS).chain((method) => {
  const publish = method.name === PUBLISH_METHOD;
  const given = (f: FieldSpec) =>
    f.required ? fieldValue(f).map((v) => v as typeof v | null) : fc.option(fieldValue(f), { nil: null });
  // no_wait=true is refused on purpose (the shell waits for every reply), so it is never true here.
  const own = method.fields.map((f) => (f.key === 'nowait' ? fc.constant(null) : given(f)));
  const props = publish ? MESSAGE_PROPERTIES.map((f) => given(f)) : [];
  const body = publish ? fc.option(anyText(40), { nil: null }) : fc.constant(null);
  return fc
    .tuple(fc.tuple(...own), fc.tuple(...props), body, fc.array(fc.nat(), { minLength: 32, maxLength: 32 }))
    .map(([values, propValues, bodyText, order]): WrittenLine => {
      const words: string[] = [];
      const fields: Record<string, unknown> = {};
      const properties: Record<string, unknown> = {};
      method.fields.forEach((f, i) => {
        const v = values[i];
        if (!v) return;
        words.push(`${f.name}=${v.text}`);
        fields[f.key] = v.value;
      });
      MESSAGE_PROPERTIES.forEach((f, i) => {
        const v = propValues[i];
        if (!v) return;
        words.push(`${f.name}=${v.text}`);
        properties[f.key] = v.value;
      });
      if (bodyText !== null) words.push(`${BODY_FIELD}=${formatString(bodyText)}`);
      const shuffled = words.map((w, i) => [order[i], w] as const).sort((a, b) => a[0] - b[0]);
      return {
        method: method.name,
        words: shuffled.map(([, w]) => w),
        fields,
        properties,
        body: Buffer.from(bodyText ?? '', 'utf8'),
      };
    });
});

export const amqpLines: FuzzBoundary = {
  name: 'amqp method-line parser',
  properties: [
    fuzzProperty(
      'any line is a method, help, empty, or a one-line LineError',
      line,
      (text) => {
        let parsed;
        try {
          parsed = parseLine(text);
        } catch (err) {
          assert.ok(err instanceof LineError, `threw ${String(err)}`);
          assert.ok(err.message.length > 0 && !err.message.includes('\n'), 'a LineError is one line');
          return;
        }
        if (parsed.kind !== 'method') return;
        for (const f of parsed.method.fields) assert.ok(hasType(f, parsed.fields[f.key]), `${f.name} of ${text}`);
        for (const [key, value] of Object.entries(parsed.properties)) {
          assert.ok(
            hasType(
              MESSAGE_PROPERTIES.find((f) => f.key === key)!,
              value,
            ),
            `${key} of ${text}`,
          );
        }
      },
      // Found by this fuzzer: a key's escapes (\r\n, \x1b) went raw into the "unbalanced JSON"
      // message, breaking its line and reaching the terminal as control codes.
      ['queue.declare k\\r\\n={', '\\nexchange=[[', 'basic.publish \\x1b[2J={} x'],
    ),
    fuzzProperty('a string as the terminal prints it reads back as the same text', anyText(60), (text) => {
      const [, word] = tokenize(`queue.declare queue=${formatString(text)}`);
      assert.equal(word.key, 'queue');
      assert.equal(word.value?.text, text);
    }),
    fuzzProperty('a line written from field values parses back into those values', validLine, (written) => {
      const parsed = parseLine([written.method, ...written.words].join(' '));
      assert.equal(parsed.kind, 'method');
      if (parsed.kind !== 'method') return;
      assert.equal(parsed.method.name, written.method);
      for (const [key, value] of Object.entries(written.fields)) assert.deepEqual(parsed.fields[key], value);
      assert.deepEqual(parsed.properties, written.properties);
      assert.ok(parsed.body.equals(written.body), 'the body bytes');
    }),
  ],
};
