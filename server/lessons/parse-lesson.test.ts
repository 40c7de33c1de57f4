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
