import { describe, expect, test } from 'vitest';
import {
  addFile,
  deleteFile,
  editorStorageKey,
  initialState,
  isModified,
  modifiedFiles,
  resetSummary,
  parseState,
  renameFile,
  serializeState,
  setContent,
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

  test('add, rename and delete; the active file follows', () => {
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
    s = ok(deleteFile(s, 'b.js'));
    expect(deleteFile(s, 'a.py')).toEqual({ ok: false, problem: 'The last file cannot be deleted' });
  });

  test('knows what differs from the lesson', () => {
    let s = initialState(starters);
    expect(isModified(s, starters)).toBe(false);
    s = setContent(s, 'a.py', 'print("changed")\n');
    expect(modifiedFiles(s, starters)).toEqual(['a.py']);
    s = setContent(s, 'a.py', starters[0].content);
    expect(isModified(s, starters)).toBe(false);
    // A deleted file is a change too, though no remaining file differs.
    s = ok(deleteFile(s, 'b.js'));
    expect(modifiedFiles(s, starters)).toEqual([]);
    expect(isModified(s, starters)).toBe(true);
    // A rename is a new file and a deleted one.
    s = ok(renameFile(setContent(s, 'a.py', 'edited'), 'a.py', 'main.py'));
    s = ok(addFile(setContent(s, 'main.py', 'x'), 'b.js', 'console.log("b")\n'));
    expect(resetSummary(s, starters)).toEqual({ edited: [], added: ['main.py'], deleted: ['a.py'] });
    s = ok(addFile(setContent(s, 'b.js', 'changed'), 'a.py', 'again'));
    expect(resetSummary(s, starters)).toEqual({ edited: ['b.js', 'a.py'], added: ['main.py'], deleted: [] });
  });

  test('reads back what it wrote, and nothing broken', () => {
    const s = setContent(ok(addFile(initialState(starters), 'c.py', 'c')), 'a.py', 'edited');
    expect(parseState(serializeState(s))).toEqual(s);
    expect(parseState(null)).toBeNull();
    expect(parseState('{oops')).toBeNull();
    expect(parseState(JSON.stringify({ v: 99, files: s.files, active: 'a.py' }))).toBeNull();
    expect(parseState(JSON.stringify({ v: 1, files: [], active: 'a.py' }))).toBeNull();
    // Bad entries are dropped, the rest kept; an unknown active file falls back to the first.
    const mixed = parseState(
      JSON.stringify({
        v: 1,
        files: [{ name: '../x', content: '' }, { name: 'ok.py', content: 'x' }, { name: 'OK.py', content: 'y' }, 7],
        active: 'gone.py',
      }),
    );
    expect(mixed).toEqual({ files: [{ name: 'ok.py', content: 'x' }], active: 'ok.py' });
  });
});
