import { describe, expect, it } from 'vitest';
import { SERVICES } from '../services/registry.ts';
import { parseLesson } from './parse-lesson.ts';

function parse(body: string) {
  const problems: string[] = [];
  const lesson = parseLesson(
    `---\ntitle: T\n---\n\n${body}`,
    { services: SERVICES.names, language: 'python' },
    [],
    SERVICES,
    (line, message) => problems.push(`${line}: ${message}`),
  );
  return { lesson, problems };
}

describe('a snippet in two languages', () => {
  it('is one block with the other language as its alternative, drawn once', () => {
    const { lesson, problems } = parse(
      '## Hello\n\n```python file=hi.py\nprint("hi")\n```\n\n```javascript file=hi.js alt\nconsole.log("hi")\n```\n',
    );
    expect(problems).toEqual([]);
    const [block] = lesson!.steps[0].blocks;
    expect(block).toMatchObject({ kind: 'snippet', language: 'python', file: 'hi.py' });
    expect(block.kind === 'snippet' && block.alternatives).toEqual([
      expect.objectContaining({ language: 'javascript', file: 'hi.js', code: 'console.log("hi")' }),
    ]);
    expect(lesson!.steps[0].html.match(/lesson-block/g)).toHaveLength(1);
  });

  it('needs the snippet it is another language of right before it, in another language', () => {
    expect(parse('## A\n\n```redis\nPING\n```\n\n```javascript file=hi.js alt\nx\n```\n').problems).toEqual([
      '11: an "alt" block comes right after the snippet block it is another language of',
    ]);
    expect(parse('## A\n\n```python file=a.py\nx\n```\n\n```python file=b.py alt\ny\n```\n').problems).toEqual([
      '11: the snippet before this "alt" block is python already; an alternative is in another language',
    ]);
  });
});

function parseWith(front: string, body: string) {
  const problems: string[] = [];
  const lesson = parseLesson(
    `---\ntitle: T\n${front}\n---\n\n${body}`,
    { services: SERVICES.names, language: 'python' },
    [],
    SERVICES,
    (line, message) => problems.push(`${line}: ${message}`),
  );
  return { lesson, problems };
}

describe('the panes a lesson uses (workspace:)', () => {
  it('is "all" unless the front matter says otherwise', () => {
    expect(parse('## A\n\n```redis\nPING\n```\n').lesson!.workspace).toBe('all');
    expect(parseWith('workspace: terminals', '## A\n\n```redis\nPING\n```\n').lesson!.workspace).toBe('terminals');
    expect(parseWith('workspace: editor', '## A\n\n```python file=a.py\nx\n```\n').lesson!.workspace).toBe('editor');
  });

  it('refuses a block the lesson has no pane for, and a word it does not know', () => {
    expect(parseWith('workspace: terminals', '## A\n\n```python file=a.py\nx\n```\n').problems).toEqual([
      '8: a python snippet block, but the lesson\'s workspace is "terminals" (no editor): make it "all", or drop the snippet',
    ]);
    expect(parseWith('workspace: editor', '## A\n\n```redis\nPING\n```\n').problems).toEqual([
      '8: a redis terminal block, but the lesson\'s workspace is "editor" (no service terminals): make it "all", or drop the block',
    ]);
    expect(parseWith('workspace: terminal', '## A\n\n```redis\nPING\n```\n').problems).toEqual([
      '3: "workspace" is the text "terminal"; expected one of all, terminals, editor',
    ]);
  });
});

describe('colours', () => {
  it('colours snippet and MySQL blocks, and shown code; other terminals stay plain', () => {
    const { lesson } = parse(
      '## A\n\n```mysql\nSELECT 1;\n```\n\n```redis\nSET a <b>\n```\n\n```python file=a.py\nimport os\n```\n\n```sh\necho hi\n```\n',
    );
    const [mysql, redis, python] = lesson!.steps[0].blocks;
    expect(mysql.html).toBe('<span class="hljs-keyword">SELECT</span> <span class="hljs-number">1</span>;');
    expect(redis.html).toBe('SET a &lt;b&gt;');
    expect(python.html).toBe('<span class="hljs-keyword">import</span> os');
    expect(lesson!.steps[0].html).toContain('<span class="hljs-built_in">echo</span> hi');
  });
});
