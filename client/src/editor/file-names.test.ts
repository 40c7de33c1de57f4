import { describe, expect, test } from 'vitest';
import { openRunSchema } from '../../../shared/protocol.ts';
import { MAX_EDITOR_FILES, fileNameProblem, languageOf, suggestFileName } from './file-names.ts';

const SAMPLES = [
  'hello.py',
  'consumer.py',
  'helper_2.js',
  '_private.py',
  'data.json',
  'Makefile',
  'a',
  'a'.repeat(64),
  'a'.repeat(65),
  '',
  '.env',
  '-x.py',
  'my file.py',
  'dir/x.py',
  '..',
  'x..py',
  'ünicode.py',
  'tab\t.py',
  'x.py\n',
];

describe('file names', () => {
  test('the editor accepts exactly the names a run accepts', () => {
    const protocolName = openRunSchema.shape.name;
    for (const name of SAMPLES) {
      expect(fileNameProblem(name, []) === null, name).toBe(protocolName.safeParse(name).success);
    }
  });

  test('explains what is wrong with a name', () => {
    const files = ['hello.py', 'hello.js'];
    expect(fileNameProblem('helper.py', files)).toBeNull();
    expect(fileNameProblem('', files)).toMatch(/Type a file name/);
    expect(fileNameProblem('my file.py', files)).toMatch(/No spaces/);
    expect(fileNameProblem('lib/x.py', files)).toMatch(/Folders/);
    expect(fileNameProblem('.hidden', files)).toMatch(/cannot start with/);
    expect(fileNameProblem('ünicode.py', files)).toMatch(/letters, digits/);
    expect(fileNameProblem('x'.repeat(65), files)).toMatch(/64/);
    expect(fileNameProblem('Hello.PY', files)).toMatch(/already a file named/);
    expect(fileNameProblem('HELLO.py', files)).toMatch(/already a file named/);
  });

  test('renaming a file to its own name (or its case) is fine; to another file is not', () => {
    const files = ['hello.py', 'hello.js'];
    expect(fileNameProblem('hello.py', files, 'hello.py')).toBeNull();
    expect(fileNameProblem('Hello.py', files, 'hello.py')).toBeNull();
    expect(fileNameProblem('hello.js', files, 'hello.py')).toMatch(/already/);
  });

  test('caps the number of files, but a rename at the cap is allowed', () => {
    const files = Array.from({ length: MAX_EDITOR_FILES }, (_, i) => `f${i}.py`);
    expect(fileNameProblem('one-more.py', files)).toMatch(/At most/);
    expect(fileNameProblem('renamed.py', files, 'f0.py')).toBeNull();
  });

  test('the language comes from the extension', () => {
    expect(languageOf('consumer.py')).toBe('python');
    expect(languageOf('app.js')).toBe('javascript');
    expect(languageOf('data.json')).toBeNull();
    expect(languageOf('py')).toBeNull();
    expect(languageOf('notes.txt')).toBeNull();
  });

  test('suggests a free name', () => {
    expect(suggestFileName(['hello.py'])).toBe('untitled.py');
    expect(suggestFileName(['untitled.py', 'Untitled2.py'], '.py')).toBe('untitled3.py');
    expect(suggestFileName(['untitled.py'], '.js')).toBe('untitled.js');
  });
});
