import { expect, test } from 'vitest';
import { nextThemeChoice, parseThemeChoice, resolveTheme } from './theme.ts';

test('the toggle steps through the system, light and dark, and back', () => {
  expect(nextThemeChoice('system')).toBe('light');
  expect(nextThemeChoice('light')).toBe('dark');
  expect(nextThemeChoice('dark')).toBe('system');
});

test('a stored pick is read back; anything else follows the system', () => {
  expect(parseThemeChoice('light')).toBe('light');
  expect(parseThemeChoice('dark')).toBe('dark');
  expect(parseThemeChoice(null)).toBe('system');
  expect(parseThemeChoice('sepia')).toBe('system');
});

test('"system" is what the system prefers; a pick is itself', () => {
  expect(resolveTheme('system', true)).toBe('light');
  expect(resolveTheme('system', false)).toBe('dark');
  expect(resolveTheme('dark', true)).toBe('dark');
  expect(resolveTheme('light', false)).toBe('light');
});
