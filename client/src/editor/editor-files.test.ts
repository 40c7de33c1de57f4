import { describe, expect, test } from 'vitest';
import {
  addFile,
  deleteFile,
  editorStorageKey,
  initialState,
  isModified,
  modifiedFiles,
  parseState,
  provideContent,
  renameFile,
  resetFiles,
  resetPlan,
  serializeState,
  setContent,
  withStarterBases,
  type EditorFilesState,
} from './editor-files.ts';

const starters = [
  { name: 'a.py', content: 'print("a")\n' },
  { name: 'b.js', content: 'console.log("b")\n' },
];

function ok(change: ReturnType<typeof addFile>): EditorFilesState {
  if (!change.ok) throw new Error(change.problem);
  return change.state;
}

describe('editor files', () => {
  test('keys storage per lesson, with a fallback', () => {
    expect(editorStorageKey('start-here')).toBe('playground.editor.lesson.start-here');
    expect(editorStorageKey(null)).toBe('playground.editor.default');
  });

  test('add, rename and delete; the active file follows; the last one may go too', () => {
    let s = initialState(starters);
    expect(s.active).toBe('a.py');
    s = ok(addFile(s, 'helper.py', 'X = 1\n'));
    expect(s.files.map((f) => f.name)).toEqual(['a.py', 'b.js', 'helper.py']);
    expect(s.active).toBe('helper.py');
    s = ok(renameFile(s, 'helper.py', 'util.py'));
    expect(s.files[2]).toEqual({ name: 'util.py', content: 'X = 1\n' });
    expect(s.active).toBe('util.py');
    s = ok(deleteFile(s, 'util.py'));
    expect(s.active).toBe('b.js');
    expect(addFile(s, 'a.py')).toEqual({ ok: false, problem: 'There is already a file named a.py' });
    expect(renameFile(s, 'a.py', 'bad name.py').ok).toBe(false);
    s = ok(deleteFile(ok(deleteFile(s, 'b.js')), 'a.py'));
    expect(s).toEqual({ files: [], active: '' });
  });

  test('a file is changed when the learner changed it, not when the lesson put it there', () => {
    let s = initialState(starters);
    expect(isModified(s, starters)).toBe(false);
    // A lesson's Run button adds its program: the lesson's version, no dot.
    s = ok(addFile(s, 'cache_aside.py', 'import pymemcache\n', 'lesson'));
    expect(modifiedFiles(s)).toEqual([]);
    expect(isModified(s, starters)).toBe(false);
    // The learner edits it: a dot; edited back, none.
    s = setContent(s, 'cache_aside.py', 'import pymemcache  # mine\n');
    expect(modifiedFiles(s)).toEqual(['cache_aside.py']);
    s = setContent(s, 'cache_aside.py', 'import pymemcache\n');
    expect(modifiedFiles(s)).toEqual([]);
    // A solution (or the instructor) replaces the text: the new text is the lesson's version.
    s = provideContent(setContent(s, 'a.py', 'edited'), 'a.py', 'solution');
    expect(modifiedFiles(s)).toEqual([]);
    // The learner's own file, and a renamed one, are changes.
    s = ok(addFile(s, 'notes.py', ''));
    s = ok(renameFile(s, 'b.js', 'c.js'));
    expect(modifiedFiles(s)).toEqual(['c.js', 'notes.py']);
  });

  test('reset says exactly what it does, and does it', () => {
    let s = initialState(starters);
    s = ok(addFile(s, 'from_run.py', 'run me\n', 'lesson'));
    s = setContent(s, 'a.py', 'edited');
    s = ok(renameFile(s, 'b.js', 'renamed.js'));
    s = ok(addFile(s, 'mine.py', 'x'));
    expect(resetPlan(s, starters)).toEqual({
      edited: ['a.py'],
      deleted: ['renamed.js', 'mine.py'],
      restored: ['b.js'],
    });
    const reset = resetFiles(s, starters);
    // Starting files in the lesson's order, then what the lesson's buttons added; the learner's own are gone.
    expect(reset.files).toEqual([
      { name: 'a.py', content: 'print("a")\n', base: 'print("a")\n' },
      { name: 'b.js', content: 'console.log("b")\n', base: 'console.log("b")\n' },
      { name: 'from_run.py', content: 'run me\n', base: 'run me\n' },
    ]);
    expect(reset.active).toBe('a.py');
    expect(isModified(reset, starters)).toBe(false);
    // The file looked at stays open when it is still there.
    expect(resetFiles({ ...s, active: 'from_run.py' }, starters).active).toBe('from_run.py');
    // A lesson without files: reset empties the editor of the learner's files.
    expect(resetFiles(ok(addFile({ files: [], active: '' }, 'x.py')), [])).toEqual({ files: [], active: '' });
  });

  test('reads back what it wrote, and nothing broken', () => {
    const s = setContent(ok(addFile(initialState(starters), 'c.py', 'c')), 'a.py', 'edited');
    expect(parseState(serializeState(s))).toEqual(s);
    expect(parseState(null)).toBeNull();
    expect(parseState('{oops')).toBeNull();
    expect(parseState(JSON.stringify({ v: 99, files: s.files, active: 'a.py' }))).toBeNull();
    // Every file deleted is kept as such: a reload does not bring them back.
    expect(parseState(JSON.stringify({ v: 1, files: [], active: '' }))).toEqual({ files: [], active: '' });
    // Bad entries are dropped, the rest kept; an unknown active file falls back to the first.
    const mixed = parseState(
      JSON.stringify({
        v: 1,
        files: [
          { name: '../x', content: '' },
          { name: 'ok.py', content: 'x', base: 7 },
          { name: 'OK.py', content: 'y' },
          7,
        ],
        active: 'gone.py',
      }),
    );
    expect(mixed).toEqual({ files: [{ name: 'ok.py', content: 'x' }], active: 'ok.py' });
    expect(parseState(JSON.stringify({ v: 1, files: [7], active: '' }))).toBeNull();
  });

  test('files kept before bases existed get their lesson version from the starting files', () => {
    const old = {
      files: [
        { name: 'a.py', content: 'print("a")\n' },
        { name: 'x.py', content: '' },
      ],
      active: 'a.py',
    };
    const s = withStarterBases(old, starters);
    expect(s.files[0].base).toBe('print("a")\n');
    expect(s.files[1].base).toBeUndefined();
    expect(modifiedFiles(s)).toEqual(['x.py']);
  });
});
