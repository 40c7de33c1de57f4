import { describe, expect, test } from 'vitest';
import { MAX_MESSAGE_BYTES, MAX_RUN_CODE_BYTES } from '../../../shared/limits.ts';
import { clientMessageSchema } from '../../../shared/protocol.ts';
import { buildRun, commandLine } from './run-request.ts';

const files = [
  { name: 'consumer.py', content: 'import helper\n' },
  { name: 'helper.py', content: 'X = 1\n' },
  { name: 'hello.js', content: 'console.log(1)\n' },
  { name: 'data.json', content: '{}' },
];

describe('run requests', () => {
  test('the active file runs, with the other files of its language and the data files beside it', () => {
    const run = buildRun(files, 'consumer.py');
    expect(run).toEqual({
      ok: true,
      spec: {
        language: 'python',
        code: 'import helper\n',
        name: 'consumer.py',
        files: [
          { name: 'helper.py', content: 'X = 1\n' },
          { name: 'data.json', content: '{}' },
        ],
        trace: true,
      },
    });
    // What the server will parse.
    if (run.ok)
      expect(clientMessageSchema.safeParse({ type: 'open', id: 'r1', kind: 'run', ...run.spec }).success).toBe(true);
    const js = buildRun(files, 'hello.js');
    expect(js.ok && js.spec.language).toBe('javascript');
    expect(js.ok && js.spec.files?.map((f) => f.name)).toEqual(['data.json']);
    const alone = buildRun([{ name: 'a.py', content: '' }], 'a.py');
    expect(alone.ok && 'files' in alone.spec).toBe(false);
  });

  test('says why a file cannot run', () => {
    expect(buildRun(files, 'data.json')).toEqual({
      ok: false,
      problem: 'data.json cannot be run: only .py (Python) and .js (JavaScript) files run',
    });
    expect(buildRun(files, 'gone.py')).toEqual({ ok: false, problem: 'gone.py is no longer in the editor' });
    const big = buildRun([{ name: 'big.py', content: 'é'.repeat(MAX_RUN_CODE_BYTES / 2 + 1) }], 'big.py');
    expect(big).toEqual({ ok: false, problem: 'big.py is 257 KB; a run takes files of up to 256 KB' });
    const many = Array.from({ length: 9 }, (_, i) => ({ name: `f${i}.py`, content: 'x'.repeat(MAX_RUN_CODE_BYTES) }));
    const tooMuch = buildRun(many, 'f0.py');
    expect(tooMuch.ok).toBe(false);
    expect(!tooMuch.ok && tooMuch.problem).toMatch(`a run takes ${MAX_MESSAGE_BYTES / 1024} KB in all`);
  });

  test('shows the command a shell would run', () => {
    expect(commandLine('python', 'consumer.py')).toBe('python3 consumer.py');
    expect(commandLine('javascript', 'hello.js')).toBe('node hello.js');
  });
});
