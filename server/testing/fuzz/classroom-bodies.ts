// The classroom API's JSON bodies (server/classroom/routes.ts; shapes in shared/classroom-api.ts),
// fuzzed: each route's body, valid, mutated, or any JSON at all, through the route's own schema and
// parse(). It must answer the value or a ClassroomError 400 with a one-line message; nothing else.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { z } from 'zod';
import { DISPLAY_NAME_MAX, MAX_SAVED_FILES_PER_LESSON } from '../../../shared/classroom-api.ts';
import { RUN_LANGUAGES } from '../../../shared/protocol.ts';
import { ClassroomError } from '../../classroom/classroom.ts';
import {
  archiveSchema,
  broadcastSchema,
  classSchema,
  filesSchema,
  joinSchema,
  lessonKey,
  loginSchema,
  parse,
} from '../../classroom/routes.ts';
import { fuzzProperty, type FuzzBoundary } from '../fuzz.ts';
import { anyText, brokenJson, entry, jsonValueText, mutated, objectText, type Entry } from './json-text.ts';

const fileName = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
const lesson = fc.stringMatching(/^[a-z0-9-]{1,12}\/[a-z0-9-]{1,12}$/);

/** A valid body of each route, by route, as pairs (so a mutation can break it as text). */
export const VALID_BODIES: Record<string, fc.Arbitrary<Entry[]>> = {
  'POST /api/join': fc
    .tuple(fc.stringMatching(/^[A-Z2-9]{6}$/), anyText(DISPLAY_NAME_MAX))
    .map(([code, name]) => [entry('code', code), entry('name', name)]),
  'POST /api/instructor/login': anyText(40).map((secret) => [entry('secret', secret)]),
  'POST /api/classes': anyText(60).map((name) => [entry('name', name)]),
  'POST /api/classes/:id/archive': fc.boolean().map((archived) => [entry('archived', archived)]),
  'PUT /api/files': fc
    .tuple(
      lesson,
      fc.array(fc.record({ name: fileName, content: anyText(60), base: fc.option(anyText(20), { nil: undefined }) }), {
        maxLength: MAX_SAVED_FILES_PER_LESSON,
      }),
    )
    .map(([l, files]) => [entry('lesson', l), entry('files', files)]),
  'POST /api/classes/:id/broadcast': fc.oneof(
    fc
      .tuple(fileName, fc.constantFrom(...RUN_LANGUAGES), anyText(100))
      .map(([name, language, code]) => [
        entry('kind', 'snippet'),
        entry('name', name),
        entry('language', language),
        entry('code', code),
      ]),
    fc.boolean().map((on) => [entry('kind', 'terminals'), entry('on', on)]),
  ),
};

/** Each route's schema, as routes.ts parses its body with it. */
export const BODY_SCHEMAS: Record<string, z.ZodType<unknown>> = {
  'POST /api/join': joinSchema,
  'POST /api/instructor/login': loginSchema,
  'POST /api/classes': classSchema,
  'POST /api/classes/:id/archive': archiveSchema,
  'PUT /api/files': filesSchema,
  'POST /api/classes/:id/broadcast': broadcastSchema,
};

const ROUTES = Object.keys(BODY_SCHEMAS);

/** The body's text for one route: valid, mutated, any JSON, or not JSON. */
export function bodyText(route: string): fc.Arbitrary<string> {
  const valid = VALID_BODIES[route];
  return fc.oneof(
    { weight: 2, arbitrary: valid.map(objectText) },
    { weight: 5, arbitrary: mutated(valid).map(objectText) },
    { weight: 2, arbitrary: jsonValueText },
    { weight: 1, arbitrary: brokenJson(valid.map(objectText)) },
  );
}

/** A route and a body for it, as express.json() would hand it over (or undefined: not JSON). */
const routeBody = fc.constantFrom(...ROUTES).chain((route) =>
  bodyText(route).map((text) => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { route, text, body };
  }),
);

/** What parse() must do with a body: the schema's value, or a one-line 400. */
export function checkBody(schema: z.ZodType<unknown>, body: unknown): void {
  let value: unknown;
  try {
    value = parse(schema, body);
  } catch (err) {
    assert.ok(err instanceof ClassroomError, `threw ${String(err)}`);
    assert.equal(err.status, 400);
    assert.ok(err.message.length > 0 && !err.message.includes('\n'), `message ${JSON.stringify(err.message)}`);
    return;
  }
  assert.ok(schema.safeParse(value).success, 'a value the schema refuses');
}

export const classroomBodies: FuzzBoundary = {
  name: 'classroom API bodies',
  properties: [
    fuzzProperty('every route body is its value or a 400 with one line', routeBody, ({ route, body }) =>
      checkBody(BODY_SCHEMAS[route], body),
    ),
    fuzzProperty(
      'valid bodies are accepted as they are',
      fc.constantFrom(...ROUTES).chain((route) => VALID_BODIES[route].map((entries) => ({ route, entries }))),
      ({ route, entries }) => {
        const body = JSON.parse(objectText(entries)) as unknown;
        assert.deepEqual(parse(BODY_SCHEMAS[route], body), body);
      },
    ),
    fuzzProperty(
      'a saved-files query names a lesson or gets a 400',
      // ?lesson=… as Express reads it: a string, a list when repeated, or nothing.
      fc.oneof(lesson, anyText(20), fc.array(fc.oneof(lesson, anyText(8)), { maxLength: 3 }), fc.constant(undefined)),
      (query) => checkBody(lessonKey, query),
    ),
  ],
};
