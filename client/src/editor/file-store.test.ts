import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { SAVE_DELAY_MS, FileStore, type FileStorage } from './file-store.ts';

class MemoryStorage implements FileStorage {
  readonly items = new Map<string, string>();
  failWrites = false;
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.failWrites) throw new DOMException('full', 'QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const starters = [
  { name: 'hello.py', content: 'print("hello")\n' },
  { name: 'hello.js', content: 'console.log("hello")\n' },
];

describe('file store', () => {
  let storage: MemoryStorage;
  beforeEach(() => {
    storage = new MemoryStorage();
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  const store = () => new FileStore(storage, () => starters);

  test('keeps edits per lesson across reloads', () => {
    const first = store();
    first.open('lesson-one');
    first.edit('hello.py', 'print("mine")\n');
    vi.advanceTimersByTime(SAVE_DELAY_MS);
    first.open('lesson-two');
    expect(first.file('hello.py')?.content).toBe('print("hello")\n');
    first.add('extra.py', '# two');

    const reloaded = store();
    reloaded.open('lesson-one');
    expect(reloaded.file('hello.py')?.content).toBe('print("mine")\n');
    expect(reloaded.getSnapshot().modified).toEqual(['hello.py']);
    reloaded.open('lesson-two');
    expect(reloaded.state.files.map((f) => f.name)).toEqual(['hello.py', 'hello.js', 'extra.py']);
    expect(reloaded.state.active).toBe('extra.py');
  });

  test('typing is saved after a pause, or at once on flush (the page going away)', () => {
    const s = store();
    s.open('l');
    s.edit('hello.py', 'x');
    expect(storage.getItem('playground.editor.lesson.l')).toBeNull();
    s.flush();
    expect(JSON.parse(storage.getItem('playground.editor.lesson.l')!).files[0].content).toBe('x');
  });

  const asLesson = (files: Array<{ name: string; content: string }>) => files.map((f) => ({ ...f, base: f.content }));

  test("reset restores the lesson's version and keeps the file being looked at", () => {
    const s = store();
    s.open('l');
    s.setActive('hello.js');
    s.edit('hello.js', 'changed');
    s.create('new.py');
    s.remove('hello.py');
    s.setActive('hello.js');
    expect(s.getSnapshot().resettable).toBe(true);
    expect(s.getSnapshot().modified).toEqual(['hello.js', 'new.py']);
    s.reset();
    expect(s.state.files).toEqual(asLesson(starters));
    expect(s.state.active).toBe('hello.js');
    expect(s.getSnapshot().resettable).toBe(false);
    expect(JSON.parse(storage.getItem('playground.editor.lesson.l')!).files).toEqual(asLesson(starters));
  });

  test('what a lesson adds or replaces is not the learner’s change; what they type and make is', () => {
    const s = store();
    s.open('l');
    s.add('cache_aside.py', 'print(1)\n');
    expect(s.getSnapshot().modified).toEqual([]);
    s.setContent('hello.py', 'the solution\n');
    expect(s.getSnapshot().modified).toEqual([]);
    expect(s.getSnapshot().resettable).toBe(false);
    s.edit('cache_aside.py', 'print(2)\n');
    s.create('mine.py');
    expect(s.getSnapshot().modified).toEqual(['cache_aside.py', 'mine.py']);
    // Kept across a reload, with what the lesson's version of each file is.
    s.flush();
    const reloaded = store();
    reloaded.open('l');
    expect(reloaded.getSnapshot().modified).toEqual(['cache_aside.py', 'mine.py']);
    reloaded.reset();
    expect(reloaded.state.files.map((f) => [f.name, f.content])).toEqual([
      ['hello.py', 'the solution\n'],
      ['hello.js', 'console.log("hello")\n'],
      ['cache_aside.py', 'print(1)\n'],
    ]);
  });

  test('a lesson without files starts with none', () => {
    const s = new FileStore(storage, () => []);
    s.open('empty');
    expect(s.state).toEqual({ files: [], active: '' });
    expect(s.getSnapshot().resettable).toBe(false);
    s.create('x.py');
    s.remove('x.py');
    s.flush();
    const reloaded = new FileStore(storage, () => []);
    reloaded.open('empty');
    expect(reloaded.state).toEqual({ files: [], active: '' });
  });

  test('rename and delete report problems instead of acting', () => {
    const s = store();
    s.open(null);
    expect(s.rename('hello.py', 'hello.js')).toMatch(/already/);
    expect(s.add('a b.py')).toMatch(/No spaces/);
    expect(s.rename('hello.py', 'main.py')).toBeNull();
    expect(s.state.files[0].name).toBe('main.py');
    expect(storage.getItem('playground.editor.default')).toContain('main.py');
  });

  test('a refused write is reported, and the edit stays in the page', () => {
    const s = store();
    s.open('l');
    storage.failWrites = true;
    s.add('x.py', 'x');
    expect(s.getSnapshot().saveProblem).toMatch(/could not be saved/);
    expect(s.file('x.py')?.content).toBe('x');
    storage.failWrites = false;
    s.edit('x.py', 'y');
    s.flush();
    expect(s.getSnapshot().saveProblem).toBeNull();
  });

  test('takes over the text of the earlier single-file editor once', () => {
    storage.setItem('playground.editor.file.hello.py', 'print("from before")\n');
    storage.setItem('playground.editor.active', 'hello.py');
    const s = store();
    s.open('l');
    expect(s.file('hello.py')?.content).toBe('print("from before")\n');
    expect(s.file('hello.js')?.content).toBe(starters[1].content);
    expect(storage.getItem('playground.editor.file.hello.py')).toBeNull();
    expect(storage.getItem('playground.editor.lesson.l')).toContain('from before');
  });
});
