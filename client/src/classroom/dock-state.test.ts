import { describe, expect, test } from 'vitest';
import { DEFAULT_DOCK, DOCK_MIN_PX, clampDockHeight, parseDockState } from './dock-state.ts';

describe('the instructor dock’s size', () => {
  test('stays between a few terminal lines and 60% of the window', () => {
    expect(clampDockHeight(20, 900)).toBe(DOCK_MIN_PX);
    expect(clampDockHeight(300, 900)).toBe(300);
    expect(clampDockHeight(5000, 900)).toBe(540);
    // A window too small for the share still gets the minimum.
    expect(clampDockHeight(300, 150)).toBe(DOCK_MIN_PX);
  });

  test('reads what was kept, and the default for anything else', () => {
    expect(parseDockState(JSON.stringify({ height: 333, collapsed: true }))).toEqual({ height: 333, collapsed: true });
    expect(parseDockState(null)).toEqual(DEFAULT_DOCK);
    expect(parseDockState('{not json')).toEqual(DEFAULT_DOCK);
    expect(parseDockState(JSON.stringify({ height: 'tall', collapsed: 'yes' }))).toEqual({
      height: DEFAULT_DOCK.height,
      collapsed: false,
    });
  });
});
