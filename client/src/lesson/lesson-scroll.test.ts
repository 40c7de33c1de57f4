import { expect, test } from 'vitest';
import { MAX_KEPT_POSITIONS, parsePositions, savedScroll, saveScroll, withPosition } from './lesson-scroll.ts';

class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
}

test('each lesson keeps its own position, across a reload of the tab', () => {
  const storage = new MemoryStorage();
  saveScroll('redis/lists', 812.4, storage);
  saveScroll('welcome/start-here', 40, storage);
  expect(savedScroll('redis/lists', storage)).toBe(812);
  expect(savedScroll('welcome/start-here', storage)).toBe(40);
  expect(savedScroll('mysql/joins', storage)).toBeNull();
});

test('only the most recently scrolled lessons are kept', () => {
  let positions = new Map<string, number>();
  for (let i = 0; i < MAX_KEPT_POSITIONS + 5; i++) positions = withPosition(positions, `c/l${i}`, i);
  expect(positions.size).toBe(MAX_KEPT_POSITIONS);
  expect(positions.has('c/l0')).toBe(false);
  // Scrolling an old lesson again makes it recent.
  positions = withPosition(positions, 'c/l5', 1);
  positions = withPosition(positions, 'c/new', 1);
  expect(positions.has('c/l5')).toBe(true);
  expect(positions.has('c/l6')).toBe(false);
});

test('what is not a position is dropped', () => {
  expect(parsePositions('{"a/b": 10, "c/d": "x", "e/f": -3}')).toEqual(new Map([['a/b', 10]]));
  expect(parsePositions('not json')).toEqual(new Map());
  expect(parsePositions(null)).toEqual(new Map());
});
