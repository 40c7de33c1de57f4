import { expect, test } from 'vitest';
import {
  WORK_LAYOUT_DEFAULTS,
  isFolded,
  parseLessonWorkspace,
  parseWorkLayout,
  unfoldedLayout,
  workLayoutKey,
} from './work-layout.ts';

test('a terminals lesson folds the editor; the others keep it, the editor lesson larger', () => {
  expect(isFolded(WORK_LAYOUT_DEFAULTS.terminals)).toBe(true);
  expect(isFolded(WORK_LAYOUT_DEFAULTS.all)).toBe(false);
  expect(WORK_LAYOUT_DEFAULTS.editor.editor).toBeGreaterThan(WORK_LAYOUT_DEFAULTS.all.editor);
  for (const l of Object.values(WORK_LAYOUT_DEFAULTS)) expect(l.editor + l.terminals).toBe(100);
  expect(workLayoutKey('terminals')).toBe('playground.layout.work.terminals');
});

test('reads back what it stored, and nothing else', () => {
  expect(parseWorkLayout(JSON.stringify({ editor: 30, terminals: 70 }))).toEqual({ editor: 30, terminals: 70 });
  expect(parseWorkLayout(JSON.stringify({ editor: 0.4, terminals: 99.6 }))).toEqual({ editor: 0.4, terminals: 99.6 });
  for (const bad of [
    null,
    '',
    'nope',
    '[]',
    '{"editor":30}',
    '{"editor":30,"terminals":30}',
    '{"editor":-5,"terminals":105}',
    '{"editor":"30","terminals":70}',
  ]) {
    expect(parseWorkLayout(bad)).toBeNull();
  }
});

test('"Show the editor" opens to the last open layout of the kind, else the usual one', () => {
  expect(unfoldedLayout({ editor: 25, terminals: 75 }, 'terminals')).toEqual({ editor: 25, terminals: 75 });
  expect(unfoldedLayout({ editor: 0, terminals: 100 }, 'terminals')).toEqual(WORK_LAYOUT_DEFAULTS.all);
  expect(unfoldedLayout(null, 'editor')).toEqual(WORK_LAYOUT_DEFAULTS.editor);
});

test('the lesson kinds are the front matter words', () => {
  expect(parseLessonWorkspace('terminals')).toBe('terminals');
  expect(parseLessonWorkspace('all')).toBe('all');
  expect(parseLessonWorkspace('terminal')).toBeNull();
  expect(parseLessonWorkspace(null)).toBeNull();
});
