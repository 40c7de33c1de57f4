import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LessonContentError, formatProblem } from './content-error.ts';
import { findLesson, loadCourse, readCourseTree } from './load-course.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** The problems of a fixture tree as `relative/file:line: message`. */
async function problemsOf(name: string): Promise<string[]> {
  const dir = path.join(FIXTURES, name);
  const { problems } = await readCourseTree(dir);
  return problems.sorted().map((p) => `${path.relative(dir, p.file)}${p.line ? `:${p.line}` : ''}: ${p.message}`);
}

describe('the good fixture tree', () => {
  it('loads without problems, in folder order, with settings inherited', async () => {
    const tree = await loadCourse(path.join(FIXTURES, 'good'));
    expect(tree.courses.map((c) => [c.slug, c.folder, c.lessons.map((l) => l.slug)])).toEqual([
      ['basics', '01-basics', ['first-steps', 'lists']],
      ['queues', '02-queues', ['hello', 'tables']],
    ]);
    const first = findLesson(tree, 'basics', 'first-steps')!;
    expect(first).toMatchObject({
      title: 'First steps',
      summary: 'Store a value, read it back.',
      folder: '01-basics/01-first-steps',
      services: ['redis', 'memcached'],
      language: 'python',
      reset: { memcached: ['fixture:greeting'], redis: ['fixture:*'] },
    });
    expect(findLesson(tree, 'basics', 'lists')!.services).toEqual(['redis']);
    expect(findLesson(tree, 'queues', 'hello')!.language).toBe('javascript');
  });

  it('splits steps at ## and keeps the introduction apart', async () => {
    const first = findLesson(await loadCourse(path.join(FIXTURES, 'good')), 'basics', 'first-steps')!;
    expect(first.introHtml).toContain('<kbd>Tab</kbd>');
    expect(first.introHtml).toContain('<h1>First steps</h1>');
    expect(first.introHtml).toContain('shown, not run');
    expect(first.steps.map((s) => [s.id, s.title, s.line])).toEqual([
      ['store-a-greeting', 'Store a greeting', 17],
      ['count-fixture-visits', 'Count fixture:visits', 30],
      ['a-program', 'A program', 49],
    ]);
  });

  it('reads terminal, snippet and solution blocks, and renders them as placeholders', async () => {
    const first = findLesson(await loadCourse(path.join(FIXTURES, 'good')), 'basics', 'first-steps')!;
    const [store, count, program] = first.steps;
    expect(store.blocks).toEqual([
      {
        kind: 'terminal',
        service: 'memcached',
        code: 'set fixture:greeting 0 0 5\nhello\nget fixture:greeting',
        // memcached's protocol has no grammar: escaped, not coloured.
        html: 'set fixture:greeting 0 0 5\nhello\nget fixture:greeting',
        lines: ['set fixture:greeting 0 0 5', 'hello', 'get fixture:greeting'],
        solution: false,
        line: 19,
      },
    ]);
    expect(store.html).toBe('<div class="lesson-block" data-block="0"></div>\n');
    expect(count.blocks.map((b) => [b.kind, b.solution])).toEqual([
      ['terminal', false],
      ['terminal', true],
    ]);
    expect(count.html).toBe('<p>Run it:</p>\n<div class="lesson-block" data-block="0"></div>\n<div class="lesson-block" data-block="1"></div>\n');
    expect(program.blocks).toEqual([
      {
        kind: 'snippet',
        language: 'python',
        file: 'counter.py',
        code: expect.stringContaining('r.incr("fixture:visits")'),
        html: expect.stringContaining('<span class="hljs-keyword">import</span> redis'),
        background: false,
        expect: 'visits: 2',
        solution: false,
        alternatives: [],
        line: 51,
      },
      {
        kind: 'snippet',
        language: 'python',
        file: 'watch.py',
        code: `print('watching "fixture:visits"', flush=True)`,
        html: expect.stringContaining(`<span class="hljs-string">&#x27;watching &quot;fixture:visits&quot;&#x27;</span>`),
        background: true,
        expect: 'watching "fixture:visits"',
        solution: false,
        alternatives: [],
        line: 54,
      },
    ]);
    // A python block without file= is shown as code, not run (coloured like the runnable ones).
    expect(program.html).toContain(
      '<pre><code class="language-python"><span class="hljs-built_in">print</span>(<span class="hljs-string">&quot;shown only&quot;</span>)',
    );
    expect(program.checks).toEqual([]);
    expect(first.files).toEqual([{ name: 'counter.py', content: expect.stringContaining('import redis') }]);
  });

  it('parses checks: a mapping or a list, with hints and lines', async () => {
    const first = findLesson(await loadCourse(path.join(FIXTURES, 'good')), 'basics', 'first-steps')!;
    expect(first.steps[0].checks).toEqual([
      { service: 'memcached', spec: { kind: 'key', key: 'fixture:greeting', equals: 'hello' }, hint: 'The data line must be exactly 5 bytes.', line: 26 },
    ]);
    expect(first.steps[1].checks).toEqual([
      { service: 'redis', spec: { kind: 'key', key: 'fixture:visits', type: 'string', equals: 1 }, hint: undefined, line: 44 },
      { service: 'redis', spec: { kind: 'command', command: ['EXISTS', 'fixture:visits'], equals: 1 }, hint: 'SET creates the key.', line: 45 },
    ]);
  });

  it('keeps a plain rendering for the first client: blocks as code, solutions folded, checks hidden', async () => {
    const first = findLesson(await loadCourse(path.join(FIXTURES, 'good')), 'basics', 'first-steps')!;
    expect(first.plainHtml).toContain('<h2>Store a greeting</h2>');
    expect(first.plainHtml).toContain('<pre><code class="language-memcached">set fixture:greeting 0 0 5\nhello\nget fixture:greeting\n</code></pre>');
    expect(first.plainHtml).toContain('<details class="lesson-solution"><summary>Solution</summary>');
    expect(first.plainHtml).not.toContain('hint:');
    expect(first.plainHtml).not.toContain('lesson-block');
  });
});

describe('bad content: every problem, with file:line', () => {
  it('front matter', async () => {
    expect(await problemsOf('bad-front-matter')).toEqual([
      '01-c/01-unknown-key/lesson.md:3: unknown key "servics"',
      '01-c/02-no-title/lesson.md:2: "title" is missing',
      '01-c/02-no-title/lesson.md:3: "services[1]" is the text "postgres"; expected one of memcached, redis, rabbitmq, mysql',
      '01-c/03-bad-reset/lesson.md:4: "reset.redis" should be a list, not the text "lesson:*"',
      '01-c/03-bad-reset/lesson.md:6: unknown key "queus"',
      '01-c/03-bad-reset/lesson.md:8: "reset.mysql.tables[1]": a table name is letters, digits, _ or $',
      '01-c/04-no-front-matter/lesson.md:1: lesson.md starts with front matter: a line "---", then "title: …", then "---"',
      '01-c/05-yaml-syntax/lesson.md:3: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      '01-c/06-unclosed/lesson.md:1: the front matter is not closed: add a line "---" after it',
    ]);
  });

  it('fences and structure', async () => {
    expect(await problemsOf('bad-blocks')).toEqual([
      '01-c/01-fences/lesson.md:7: a terminal block belongs in a step, after a "## " heading, not in the introduction',
      '01-c/01-fences/lesson.md:13: unknown word "bakground" in a redis fence; it takes only "solution"',
      `01-c/01-fences/lesson.md:17: a memcached terminal block, but the lesson's services are [redis]; add memcached to "services"`,
      '01-c/01-fences/lesson.md:21: file=a.js: a python file name ends in .py',
      '01-c/01-fences/lesson.md:25: the missing.py block is empty and there is no file missing.py beside lesson.md',
      '01-c/01-fences/lesson.md:28: "file" on a ruby block: only python and javascript snippets and the memcached, redis, amqp, mysql terminal blocks run',
      '01-c/01-fences/lesson.md:32: the RabbitMQ terminal block is tagged ```amqp (```rabbitmq would only be shown)',
      '01-c/01-fences/lesson.md:36: a runnable python block needs file=NAME (e.g. file=app.py)',
      `01-c/01-fences/lesson.md:40: cannot read the fence's words near "\\"quote"; quote values like expect="some text"`,
      '01-c/01-fences/lesson.md:44: the redis block is empty',
      '01-c/01-fences/lesson.md:47: a check fence takes only passes-before="why" or not-repeatable="why" after "check" (found "foo")',
      '01-c/02-structure/lesson.md:5: a check block belongs in a step, after a "## " heading, not in the introduction',
      '01-c/02-structure/lesson.md:13: a step titled like "Same title!" already exists (line 9); step titles must differ',
      '01-c/03-no-steps/lesson.md:4: the lesson has no steps: each step starts with a "## " heading',
    ]);
  });

  it('checks', async () => {
    expect(await problemsOf('bad-checks')).toEqual([
      '01-c/01-checks/lesson.md:8: unknown key "typo"',
      '01-c/01-checks/lesson.md:9: unknown key "hnt"',
      '01-c/01-checks/lesson.md:15: one check names one service, this one names redis and memcached; make a list of two checks',
      '01-c/01-checks/lesson.md:22: "redis.equals" is missing',
      '01-c/01-checks/lesson.md:23: "equals" of a list is a list of values',
      '01-c/01-checks/lesson.md:24: absent: true cannot be combined with equals',
      '01-c/01-checks/lesson.md:25: a redis check names a "key" or a "command"',
      '01-c/01-checks/lesson.md:26: "memcached.key": a memcached key has no spaces or control characters (1–250 characters)',
      '01-c/01-checks/lesson.md:27: "rabbitmq.messages" must be at least 0',
      '01-c/01-checks/lesson.md:28: "rabbitmq.type" is the text "fanot"; expected one of direct, fanout, topic, headers',
      '01-c/01-checks/lesson.md:29: a query check needs "rows" (the exact rows) or "min_rows"',
      '01-c/01-checks/lesson.md:30: "mysql.rows" should be a number, not the text "three"',
      '01-c/01-checks/lesson.md:31: a check is a mapping such as  memcached: {key: greeting}, not the text "just a string"',
      '01-c/01-checks/lesson.md:38: YAML: Flow map in block collection must be sufficiently indented and end with a }',
      '01-c/01-checks/lesson.md:42: the check block is empty; write a check such as  memcached: {key: greeting}',
    ]);
  });

  it('course folders and course.yaml', async () => {
    expect(await problemsOf('bad-course')).toEqual([
      '01-no-yaml/course.yaml: missing: every course folder needs a course.yaml (title, summary, services, language)',
      '02-bad-yaml/course.yaml:2: "services" is empty; list at least 1',
      '02-bad-yaml/course.yaml:3: "language" is the text "ruby"; expected one of python, javascript',
      '02-bad-yaml/course.yaml:4: unknown key "color"',
      '03-empty: the course has no lesson folders (NN-slug with a lesson.md)',
      '04-no-lesson-md/01-l/lesson.md: missing: every lesson folder needs a lesson.md',
      'Badly-Named: a course folder is named NN-slug: a number, a dash, then lower-case words joined by dashes (e.g. 01-first-steps)',
    ]);
  });

  it('loadCourse throws one error that lists them all, each as file:line', async () => {
    const dir = path.join(FIXTURES, 'bad-front-matter');
    const err = await loadCourse(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LessonContentError);
    const { problems, message } = err as LessonContentError;
    expect(problems).toHaveLength(9);
    expect(message.split('\n')[0]).toBe('lesson content has 9 problems:');
    expect(message).toContain(formatProblem(problems[0]));
    const file = path.relative(process.cwd(), path.join(dir, '01-c/01-unknown-key/lesson.md'));
    expect(formatProblem(problems[0])).toBe(`${file}:3: unknown key "servics"`);
  });

  it('a missing lessons folder is a problem, not a crash', async () => {
    expect(await problemsOf('no-such-folder')).toEqual([expect.stringMatching(/^: cannot read the folder: ENOENT/)]);
  });
});
