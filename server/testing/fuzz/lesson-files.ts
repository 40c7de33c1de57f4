// Lesson content, fuzzed (server/lessons/): lesson.md files and course.yaml built from a grammar that
// mixes the format's valid pieces (front matter keys, headings, terminal, snippet and check fences,
// real check specs) with broken ones and random text. The loader must answer each with a lesson or
// with problems that each name a line of the file; it must never throw.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFenceInfo } from '../../lessons/fence-info.ts';
import { parseCheckBlock } from '../../lessons/parse-check.ts';
import { parseLesson } from '../../lessons/parse-lesson.ts';
import { SERVICES } from '../../services/registry.ts';
import { fuzzProperty, type FuzzBoundary } from '../fuzz.ts';
import { anyText } from './json-text.ts';

/** YAML that the `yaml` library parses without an error but cannot turn into a value. */
const YAML_TRAPS = [
  // Aliases that expand past the library's limit (a "billion laughs").
  'a: &a [x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'title: *nowhere',
  'summary: *a\ntitle: &a x',
  'a: &x\n  b: *x',
  '<<: {title: merged}',
  '__proto__: {title: polluted}',
];

const yamlScalar = fc.oneof(
  fc.constantFrom('x', 'Hello', '""', "''", '42', '-1', '3.5', 'true', 'null', '~', '[]', '{}', '[redis, mysql]'),
  fc.constantFrom('&anchor x', '*anchor', '!!binary aGk=', '!!str 5', "'unclosed", '"bad \\q escape"', '|', '>-'),
  anyText(20).map((s) => JSON.stringify(s)),
  anyText(12),
);

const frontKey = fc.oneof(
  fc.constantFrom('title', 'summary', 'services', 'workspace', 'reset', 'servics', 'constructor', '__proto__', '<<'),
  anyText(8),
);

const frontLine = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'title: Hello, world',
      'summary: A first look',
      'services: [redis, mysql]',
      'services: [memcached]',
      'services: [mongo]',
      'services: []',
      'workspace: terminals',
      'workspace: editor',
      'workspace: kitchen',
      'reset:',
      '  redis: [visits, "queue:*"]',
      '  memcached: [greeting]',
      '  rabbitmq:',
      '    queues: [hello]',
      '  mysql:',
      '    tables: [users]',
      '  postgres: [x]',
      'title: [a, b]',
      '\ttitle: tab',
      '? complex key',
      '- list item',
    ),
  },
  { weight: 2, arbitrary: fc.tuple(frontKey, yamlScalar).map(([k, v]) => `${k}: ${v}`) },
  { weight: 1, arbitrary: fc.constantFrom(...YAML_TRAPS) },
  { weight: 1, arbitrary: anyText(30) },
);

/** Front matter that reads (most cases, so the body gets parsed), or any lines between any fences. */
const frontMatter = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom('title: Hello', 'title: "Ünïcödé: 😀"', 'title: Hello\nsummary: A first look'),
        fc.option(fc.constantFrom('services: [redis, mysql]', `services: [${SERVICES.names.join(', ')}]`)),
        fc.option(fc.constantFrom('workspace: terminals', 'workspace: editor', 'workspace: all')),
        fc.option(
          fc.constantFrom(
            'reset:\n  redis: [visits]\n  memcached: [greeting]',
            'reset:\n  rabbitmq:\n    queues: [hello]',
          ),
        ),
      )
      .map((lines) => ['---', ...lines.filter((l) => l !== null), '---'].join('\n')),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('---', '---', '--- ', '', '+++', '\ufeff---'),
        fc.array(frontLine, { maxLength: 6 }),
        fc.constantFrom('---', '---', '...', '', '--'),
      )
      .map(([open, lines, close]) => [open, 'title: T', ...lines, close].join('\n')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(frontLine, { maxLength: 6 }), fc.constantFrom('---', '...', ''))
      .map(([lines, close]) => ['---', ...lines, close].join('\n')),
  },
);

const VALID_CHECKS = [
  'memcached: {key: greeting, equals: hello}',
  'redis: {key: visits, type: string, equals: 1}',
  'redis: {command: [SISMEMBER, tags, new], equals: 1}',
  'rabbitmq: {queue: hello}',
  'mysql: {table: users, rows: 2}',
  'mysql: {query: "SELECT 1", rows: [[1]]}',
];

const checkSpec = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      ...VALID_CHECKS,
      'hint: do the thing',
      'hint: ""',
      'redis: {key: k, absent: true, equals: 3}',
      'redis: {key: k, type: zset, equals: [[a, "x"]]}',
      'memcached: greeting',
      'redis: {}',
      'mongo: {key: x}',
      'redis: {key: x}\n  memcached: {key: y}',
      '-',
      '- 5',
      '- [a, b]',
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('- ', '', '  '), fc.constantFrom(...SERVICES.names, 'hint', 'x'), yamlScalar)
      .map(([dash, key, value]) => `${dash}${key}: ${value}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(...YAML_TRAPS) },
  { weight: 2, arbitrary: anyText(30) },
);

const fenceInfo = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('redis', 'amqp', 'mysql', 'memcached', 'check', 'python file=app.py') },
  fc.constantFrom(
    'redis',
    'amqp',
    'mysql',
    'memcached',
    'redis solution',
    'rabbitmq',
    'python',
    'python file=app.py',
    'python file=app.py background expect="hi there"',
    'javascript file=app.js alt',
    'python solution',
    'python file=../x.py',
    'python file=app.js',
    'python file=',
    'python expect="unterminated',
    'python file=a.py file=b.py',
    'redis file=a.py',
    'check',
    'check passes-before="the queue is made in step 1"',
    'check not-repeatable=""',
    'check x=1',
    'sh',
    'sql',
    '',
  ),
  fc.tuple(fc.constantFrom('python', 'check', 'redis', 'x'), anyText(15)).map(([tag, rest]) => `${tag} ${rest}`),
  anyText(15),
);

const fenceLine = fc.oneof(checkSpec, anyText(40), fc.constantFrom('PING', 'print("hi")', 'SELECT 1;', '```', ''));

const fence = fc
  .tuple(
    fc.constantFrom('```', '```', '```', '~~~', '````'),
    fenceInfo,
    fc.array(fenceLine, { maxLength: 4 }),
    fc.nat(9).map((n) => n > 0),
  )
  .map(([mark, info, lines, closed]) => [`${mark}${info}`, ...lines, ...(closed ? [mark] : [])].join('\n'));

const heading = fc.oneof(
  fc.constantFrom(
    '## Store a value',
    '## Store a value',
    '##',
    '## `GET`',
    '## ',
    '### Aside',
    '# Title',
    '## Ünïcödé!',
  ),
  anyText(20).map((t) => `## ${t}`),
);

const prose = fc.oneof(
  fc.constantFrom('<kbd>Ctrl</kbd>+<kbd>C</kbd>', '[a link](http://x)', '> quote', '- item', '    indented', '<!--'),
  fc.constantFrom('| a | b |\n|---|---|\n| 1 | 2 |', '<details><summary>x</summary>', '***', 'Text with "quotes"'),
  anyText(60),
);

/** A check fence as lessons write them: one spec, or a list of them. */
const checkFence = fc
  .array(fc.constantFrom(...VALID_CHECKS), { minLength: 1, maxLength: 3 })
  .map((specs) => ['```check', ...(specs.length === 1 ? specs : specs.map((c) => `- ${c}`)), '```'].join('\n'));

const bodyPiece = fc.oneof(
  { weight: 3, arbitrary: fence },
  { weight: 1, arbitrary: checkFence },
  { weight: 1, arbitrary: heading },
  { weight: 2, arbitrary: prose },
);

/** An introduction, then steps: a heading and what follows it (anything, headings included). */
const body = fc
  .tuple(
    fc.array(fc.oneof(prose, fence), { maxLength: 2 }),
    fc.array(fc.tuple(heading, fc.array(bodyPiece, { maxLength: 3 })), { maxLength: 3 }),
  )
  .map(([intro, steps]) => [...intro, ...steps.flatMap(([h, pieces]) => [h, ...pieces])]);

/** A whole lesson.md: front matter (maybe broken), then pieces of markdown. */
export const lessonSource = fc
  .tuple(frontMatter, body, fc.constantFrom('\n', '\n\n', '\r\n'), fc.boolean())
  .map(([front, body, gap, crlf]) => {
    const text = [front, ...body].join(gap);
    return crlf ? text.replace(/\n/g, '\r\n') : text;
  });

/** A course.yaml, valid or not. */
export const courseYaml = fc
  .array(
    fc.oneof(
      fc.constantFrom('title: Redis', 'summary: Keys and values', 'services: [redis]', 'language: python'),
      fc.constantFrom('language: ruby', 'services: []', 'services: mongo', 'title:', 'extra: 1', ...YAML_TRAPS),
      fc.tuple(frontKey, yamlScalar).map(([k, v]) => `${k}: ${v}`),
      anyText(20),
    ),
    { maxLength: 5 },
  )
  .map((lines) => lines.join('\n'));

interface Problem {
  line: number | undefined;
  message: string;
}

/** Checks each problem against the text it is about: a line of it, and a sentence. */
function checkProblems(problems: Problem[], text: string, firstLine = 1): void {
  const lastLine = firstLine + text.split(/\r\n?|\n/).length;
  for (const p of problems) {
    assert.ok(Number.isInteger(p.line), `a problem without a line: ${p.message}`);
    assert.ok(p.line! >= firstLine && p.line! <= lastLine, `line ${p.line} of ${lastLine}: ${p.message}`);
    assert.ok(p.message.trim().length > 0, 'an empty problem');
  }
}

const FILES = [{ name: 'app.py', content: 'print("hi")\n' }];
const SETTINGS = { services: SERVICES.names, language: 'python' as const };

/** What the loader must make of one lesson.md: a lesson, or at least one problem, each on a line. */
export function checkLesson(source: string): void {
  const problems: Problem[] = [];
  const lesson = parseLesson(source, SETTINGS, FILES, SERVICES, (line, message) => problems.push({ line, message }));
  checkProblems(problems, source);
  if (lesson === null) {
    assert.ok(problems.length > 0, 'no lesson and no problem');
    return;
  }
  assert.equal(typeof lesson.title, 'string');
  for (const step of lesson.steps) for (const b of step.blocks) assert.ok(b.line >= step.line);
}

/** A whole lesson.md through parseLesson. */
export const lessonProperty = fuzzProperty(
  'any lesson.md is a lesson or problems with their lines, never a throw',
  lessonSource,
  checkLesson,
  [
    // Found by this fuzzer: the yaml library's toJS() throws on these (past its alias limit, an
    // alias with no anchor), and the throw went past the loader's problem list.
    `---\n${YAML_TRAPS[0]}\n---\n\n## A\n`,
    '---\ntitle: *nowhere\n---\n\n## A\n',
    '---\ntitle: T\n---\n\n## A\n\n```check\nredis: *nowhere\n```\n',
  ],
);

/** A check fence's YAML through parseCheckBlock, as if it began on line 11 (its fence on line 10). */
export const checkBlockProperty = fuzzProperty(
  'any check block is checks or problems with their lines',
  fc.array(checkSpec, { minLength: 1, maxLength: 4 }).map((lines) => lines.join('\n')),
  (text) => {
    const problems: Problem[] = [];
    const checks = parseCheckBlock(text, 11, 10, SERVICES, (line, message) => problems.push({ line, message }));
    checkProblems(problems, text, 10);
    for (const c of checks) assert.ok(SERVICES.has(c.service) && c.line >= 11);
  },
  [YAML_TRAPS[0], 'redis: *nowhere'],
);

/** A fence's info string through parseFenceInfo. */
export const fenceInfoProperty = fuzzProperty(
  'any fence info is a kind of block or a sentence saying why not',
  fenceInfo,
  (info) => {
    const kind = parseFenceInfo(info, SERVICES);
    if ('error' in kind) assert.ok(kind.error.length > 0);
    else assert.ok(['terminal', 'snippet', 'check', 'shown'].includes(kind.kind));
  },
);

export const lessonFiles: FuzzBoundary = {
  name: 'lesson loader',
  properties: [lessonProperty, checkBlockProperty, fenceInfoProperty],
};
