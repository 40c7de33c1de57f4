import { describe, expect, test } from 'vitest';
import {
  INITIAL_PANE_LAYOUT,
  assignPane,
  cycleLayout,
  focusedService,
  parsePaneLayout,
  setLayout,
  showService,
  visibleServices,
} from './pane-layout.ts';

describe('pane layout', () => {
  test('cycles single → split → grid → single', () => {
    let s = INITIAL_PANE_LAYOUT;
    expect(visibleServices(s)).toEqual(['memcached']);
    s = cycleLayout(s);
    expect(visibleServices(s)).toEqual(['memcached', 'redis']);
    s = cycleLayout(s);
    expect(visibleServices(s)).toEqual(['memcached', 'redis', 'rabbitmq', 'mysql']);
    s = cycleLayout(s);
    expect(s.layout).toBe('single');
  });

  test('keeps the focused terminal on screen when panes go away', () => {
    let s = setLayout(INITIAL_PANE_LAYOUT, 'grid');
    s = showService(s, 'mysql');
    expect(s.focused).toBe(3);
    s = setLayout(s, 'single');
    expect(visibleServices(s)).toEqual(['mysql']);
    expect(focusedService(s)).toBe('mysql');
  });

  test('showing a hidden service puts it in the focused pane', () => {
    let s = setLayout(INITIAL_PANE_LAYOUT, 'split');
    s = showService(s, 'redis');
    expect(s.focused).toBe(1);
    s = showService(s, 'rabbitmq');
    expect(visibleServices(s)).toEqual(['memcached', 'rabbitmq']);
    expect(focusedService(s)).toBe('rabbitmq');
  });

  test('switching a pane to a service shown elsewhere swaps the two', () => {
    let s = setLayout(INITIAL_PANE_LAYOUT, 'split');
    s = assignPane(s, 0, 'redis');
    expect(visibleServices(s)).toEqual(['redis', 'memcached']);
    expect(s.focused).toBe(0);
    expect(new Set(s.order).size).toBe(4);
  });

  test('reads back only valid saved states', () => {
    const saved = { layout: 'grid', order: ['mysql', 'redis', 'rabbitmq', 'memcached'], focused: 2 };
    expect(parsePaneLayout(JSON.stringify(saved))).toEqual(saved);
    expect(parsePaneLayout(JSON.stringify({ ...saved, focused: 9, layout: 'split' })).focused).toBe(1);
    expect(parsePaneLayout(JSON.stringify({ ...saved, order: ['mysql', 'mysql', 'redis', 'memcached'] }))).toBe(
      INITIAL_PANE_LAYOUT,
    );
    expect(parsePaneLayout('{oops')).toBe(INITIAL_PANE_LAYOUT);
    expect(parsePaneLayout(null)).toBe(INITIAL_PANE_LAYOUT);
  });
});
