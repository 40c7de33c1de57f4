import { describe, expect, it } from 'vitest';
import { TabEscape } from './tab-escape.ts';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'altKey' | 'metaKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

describe('TabEscape', () => {
  it('lets the Tab right after Escape leave, and only that one', () => {
    const t = new TabEscape();
    expect(t.leaves(key('Tab'))).toBe(false);
    expect(t.leaves(key('Escape'))).toBe(false);
    expect(t.leaves(key('Tab'))).toBe(true);
    expect(t.leaves(key('Tab'))).toBe(false);
  });

  it('keeps Escape armed across Shift, for Shift+Tab', () => {
    const t = new TabEscape();
    t.leaves(key('Escape'));
    expect(t.leaves(key('Shift'))).toBe(false);
    expect(t.leaves(key('Tab'))).toBe(true);
  });

  it('forgets Escape after any other key, and ignores Ctrl+Tab', () => {
    const t = new TabEscape();
    t.leaves(key('Escape'));
    t.leaves(key('a'));
    expect(t.leaves(key('Tab'))).toBe(false);
    t.leaves(key('Escape'));
    expect(t.leaves(key('Tab', { ctrlKey: true }))).toBe(false);
  });
});
