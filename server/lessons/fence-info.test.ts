import { describe, expect, it } from 'vitest';
import { SERVICES } from '../services/registry.ts';
import { parseFenceInfo, splitInfo } from './fence-info.ts';

describe('splitInfo', () => {
  it('reads words, values and quoted values with escapes', () => {
    expect(splitInfo('python file=a.py background expect="say \\"hi\\" now"')).toEqual([
      { name: 'python', value: undefined },
      { name: 'file', value: 'a.py' },
      { name: 'background', value: undefined },
      { name: 'expect', value: 'say "hi" now' },
    ]);
  });
  it('refuses an unclosed quote', () => {
    expect(splitInfo('python expect="oops')).toMatch(/cannot read/);
  });
});

describe('parseFenceInfo', () => {
  it('knows terminal blocks, amqp meaning RabbitMQ', () => {
    expect(parseFenceInfo('redis', SERVICES)).toEqual({ kind: 'terminal', service: 'redis', solution: false });
    expect(parseFenceInfo('amqp solution', SERVICES)).toEqual({ kind: 'terminal', service: 'rabbitmq', solution: true });
    expect(parseFenceInfo('mysql', SERVICES)).toEqual({ kind: 'terminal', service: 'mysql', solution: false });
  });
  it('knows snippet blocks', () => {
    expect(parseFenceInfo('javascript file=app.mjs background', SERVICES)).toEqual({
      kind: 'snippet',
      language: 'javascript',
      file: 'app.mjs',
      background: true,
      expect: undefined,
      solution: false,
      alt: false,
    });
    expect(parseFenceInfo('python solution', SERVICES)).toMatchObject({ kind: 'snippet', file: undefined, solution: true });
  });
  it('shows everything else', () => {
    for (const info of ['', 'text', 'sh', 'python', 'sql', 'json title="x"']) expect(parseFenceInfo(info, SERVICES)).toEqual({ kind: 'shown' });
  });
  it('refuses what would silently not run', () => {
    expect(parseFenceInfo('redis file=x.py', SERVICES)).toEqual({ error: expect.stringContaining('belongs on snippet blocks') });
    expect(parseFenceInfo('js file=x.js', SERVICES)).toEqual({ error: expect.stringContaining('only python and javascript') });
    expect(parseFenceInfo('python file=../x.py', SERVICES)).toEqual({ error: expect.stringContaining('plain file name') });
    expect(parseFenceInfo('python file=a.py file=b.py', SERVICES)).toEqual({ error: '"file" appears twice in the fence' });
    expect(parseFenceInfo('check x', SERVICES)).toEqual({ error: expect.stringContaining('takes only passes-before="why" or not-repeatable="why"') });
    expect(parseFenceInfo('check passes-before=""', SERVICES)).toEqual({ error: expect.stringContaining('needs the reason') });
  });

  it("knows the check fence's excuses from lessons:check proofs, each with its reason", () => {
    expect(parseFenceInfo('check', SERVICES)).toEqual({ kind: 'check', allowed: {} });
    expect(parseFenceInfo('check passes-before="made in step 1" not-repeatable="counts once"', SERVICES)).toEqual({
      kind: 'check',
      allowed: { passesBefore: 'made in step 1', notRepeatable: 'counts once' },
    });
  });

  it('marks a snippet that is another language of the one before it', () => {
    expect(parseFenceInfo('javascript file=hello.js alt', SERVICES)).toMatchObject({ kind: 'snippet', file: 'hello.js', alt: true });
    expect(parseFenceInfo('python file=hello.py', SERVICES)).toMatchObject({ kind: 'snippet', alt: false });
    expect(parseFenceInfo('javascript file=hello.js alt=yes', SERVICES)).toEqual({ error: '"alt" takes no value' });
  });
});
