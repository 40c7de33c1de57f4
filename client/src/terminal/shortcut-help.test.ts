import { expect, test } from 'vitest';
import { popoverPlacement } from './ShortcutHelp.tsx';

test('below the button when there is more room there, never past the window’s bottom', () => {
  // The terminal toolbar's "?" at 1440×900 with the editor above it.
  const place = popoverPlacement({ top: 380, bottom: 404, right: 1430 }, 1440, 900);
  expect(place).toMatchObject({ top: 410, bottom: 'auto', right: 10, width: 380 });
  expect((place.top as number) + (place.maxHeight as number)).toBe(900 - 8);
});

test('above the button when that side has more room', () => {
  const place = popoverPlacement({ top: 700, bottom: 724, right: 1270 }, 1280, 800);
  expect(place).toMatchObject({ top: 'auto', bottom: 106, maxHeight: 686 });
});

test('never wider than the window, and never off its left edge', () => {
  const place = popoverPlacement({ top: 100, bottom: 124, right: 200 }, 320, 600);
  expect(place.width).toBe(304);
  expect((place.right as number) + (place.width as number)).toBeLessThanOrEqual(320 - 8);
});
