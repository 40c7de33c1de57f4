// The text frames a client sends on /ws (shared/protocol.ts), fuzzed: any text, any JSON, and frames
// shaped like the real ones with a field broken. parseClientMessage (server/ws/socket-session.ts)
// must answer each with a message the schema accepts or a sentence saying what is wrong; it must
// never throw, since a throw there would end in the socket's 'message' handler.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CLIENT_MESSAGE_TYPES,
  DEFAULT_MAIN_FILE,
  RUN_LANGUAGES,
  clientMessageSchema,
} from '../../../shared/protocol.ts';
import { MAX_ENDED_RUNS_KEPT, MAX_ID_LENGTH, MAX_RUN_FILES, SESSION_ID_LENGTH } from '../../../shared/limits.ts';
import { parseClientMessage } from '../../ws/socket-session.ts';
import { fuzzProperty, type FuzzBoundary } from '../fuzz.ts';
import {
  anyText,
  brokenJson,
  entry,
  jsonValueText,
  mutated,
  nested,
  objectText,
  PROTOTYPE_KEYS,
  type Entry,
} from './json-text.ts';

const id = fc.oneof(
  fc.string({ minLength: 1, maxLength: MAX_ID_LENGTH }),
  fc.constantFrom('t1', 'redis-1', 'run-2', ...PROTOTYPE_KEYS),
);
const service = fc.oneof(
  fc.constantFrom('memcached', 'redis', 'rabbitmq', 'mysql', 'mongodb'),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/),
);
const fileName = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/),
  fc.constantFrom('main.py', 'lib.py', 'app.js', '__proto__', 'constructor'),
);
const session = fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${SESSION_ID_LENGTH}}$`));
const count = fc.integer({ min: 0, max: 1_000_000 });

/** One valid frame of each type, as pairs (so that the mutations can break it as text). */
const validFrame: fc.Arbitrary<Entry[]> = fc.oneof(
  fc
    .tuple(id, fc.constantFrom('terminal', 'inspect'), service, fc.option(fc.boolean(), { nil: undefined }))
    .map(([i, kind, s, trace]) => [
      entry('type', 'open'),
      entry('id', i),
      entry('kind', kind),
      entry('service', s),
      ...(trace === undefined || kind === 'inspect' ? [] : [entry('trace', trace)]),
    ]),
  fc
    .record({
      id,
      language: fc.constantFrom(...RUN_LANGUAGES),
      code: anyText(200),
      name: fc.option(fileName, { nil: undefined }),
      files: fc.option(fc.array(fc.record({ name: fileName, content: anyText(40) }), { maxLength: MAX_RUN_FILES }), {
        nil: undefined,
      }),
    })
    .map((r) => {
      // No two files of one name, the main one included: the schema refuses those (filesApart).
      const names = new Set([r.name ?? DEFAULT_MAIN_FILE[r.language]]);
      const files = r.files?.filter((f) => !names.has(f.name) && names.add(f.name));
      return [
        entry('type', 'open'),
        entry('id', r.id),
        entry('kind', 'run'),
        entry('language', r.language),
        entry('code', r.code),
        ...(r.name === undefined ? [] : [entry('name', r.name)]),
        ...(files === undefined ? [] : [entry('files', files)]),
      ];
    }),
  fc.tuple(id, anyText(100)).map(([i, data]) => [entry('type', 'input'), entry('id', i), entry('data', data)]),
  fc
    .tuple(id, fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }))
    .map(([i, cols, rows]) => [entry('type', 'resize'), entry('id', i), entry('cols', cols), entry('rows', rows)]),
  id.map((i) => [entry('type', 'signal'), entry('id', i), entry('signal', 'SIGINT')]),
  fc.tuple(fc.constantFrom('close', 'pause', 'resume'), id).map(([type, i]) => [entry('type', type), entry('id', i)]),
  fc
    .tuple(
      session,
      fc.option(fc.array(fc.tuple(id, count), { maxLength: MAX_ENDED_RUNS_KEPT + 2 }), { nil: undefined }),
    )
    .map(([s, have]) => [
      entry('type', 'reattach'),
      entry('session', s),
      ...(have === undefined ? [] : [['have', objectText(have.map(([k, n]) => entry(k, n)))] as Entry]),
    ]),
);

/** Frames of every kind a client could send, valid ones included. */
export const frameText: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: anyText(200) },
  { weight: 1, arbitrary: jsonValueText },
  { weight: 2, arbitrary: validFrame.map(objectText) },
  { weight: 5, arbitrary: mutated(validFrame).map(objectText) },
  { weight: 1, arbitrary: brokenJson(validFrame.map(objectText)) },
  {
    weight: 1,
    // A known type with fields of any name and value.
    arbitrary: fc
      .tuple(
        fc.constantFrom(...CLIENT_MESSAGE_TYPES),
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, 'id', 'kind'), anyText(8)), jsonValueText), {
          maxLength: 5,
        }),
      )
      .map(([type, rest]) => objectText([entry('type', type), ...rest])),
  },
);

/** The frame as JSON.parse reads it, or undefined when it is not JSON. */
function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What a frame must get: a message the schema accepts (and that reads back the same), or an error. */
export function checkFrame(text: string): void {
  const parsed = parseClientMessage(text);
  if ('message' in parsed) {
    const again = clientMessageSchema.safeParse(parsed.message);
    assert.ok(again.success, `accepted a message the schema refuses: ${JSON.stringify(parsed.message)}`);
    // What the server acts on is a message a well-behaved client could have sent.
    assert.deepEqual(parseClientMessage(JSON.stringify(parsed.message)), parsed);
    return;
  }
  assert.equal(typeof parsed.error, 'string');
  assert.ok(parsed.error.length > 0, 'an empty error message');
  const value = jsonOf(text) as { id?: unknown } | undefined;
  // The id comes back only from a frame that had one, so the client can route the error.
  const frameId = value && typeof value === 'object' && !Array.isArray(value) ? value.id : undefined;
  assert.equal(parsed.id, typeof frameId === 'string' ? frameId : undefined);
}

export const wsFrames: FuzzBoundary = {
  name: '/ws frames',
  properties: [
    fuzzProperty('every text frame parses to a valid message or a clear error', frameText, checkFrame, [
      // Found by this fuzzer: the error message quoted the type (and an open's kind) with
      // JSON.stringify, which overflowed the stack on deep nesting; the throw ended the server.
      `{"type":${nested(20_000)}}`,
      `{"type":"open","id":"t1","kind":${nested(20_000, false)}}`,
    ]),
    fuzzProperty('valid frames are accepted as they are', validFrame.map(objectText), (text) => {
      const parsed = parseClientMessage(text);
      assert.ok('message' in parsed, `refused a valid frame: ${'error' in parsed ? parsed.error : ''}`);
      checkFrame(text);
    }),
  ],
};
