import { expect, test } from 'vitest';
import { shortcutFor } from './shortcuts.ts';

const key = (code: string, mods: Partial<Record<'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey', boolean>> = {}) => ({
  code,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

test('Alt+1..4 pick a service terminal; Alt+L cycles layouts; Alt+/ toggles help', () => {
  // The server runs four services: Alt+1 to Alt+4 are theirs, Alt+5 stays the terminal's.
  expect(shortcutFor(key('Digit1', { altKey: true }), 4)).toEqual({ kind: 'focus-service', index: 0 });
  expect(shortcutFor(key('Digit4', { altKey: true }), 4)).toEqual({ kind: 'focus-service', index: 3 });
  expect(shortcutFor(key('Digit5', { altKey: true }), 4)).toBeNull();
  expect(shortcutFor(key('Digit5', { altKey: true }), 5)).toEqual({ kind: 'focus-service', index: 4 });
  expect(shortcutFor(key('KeyL', { altKey: true }))).toEqual({ kind: 'cycle-layout' });
  expect(shortcutFor(key('Slash', { altKey: true, shiftKey: true }))).toEqual({ kind: 'toggle-help' });
});

test('Ctrl+Enter and Cmd+Enter run the editor file', () => {
  expect(shortcutFor(key('Enter', { ctrlKey: true }))).toEqual({ kind: 'run' });
  expect(shortcutFor(key('Enter', { metaKey: true }))).toEqual({ kind: 'run' });
  expect(shortcutFor(key('NumpadEnter', { ctrlKey: true }))).toEqual({ kind: 'run' });
  expect(shortcutFor(key('Enter'))).toBeNull();
  expect(shortcutFor(key('Enter', { ctrlKey: true, shiftKey: true }))).toBeNull();
  expect(shortcutFor(key('Enter', { ctrlKey: true, altKey: true }))).toBeNull();
});

test('leaves the line editor its keys', () => {
  expect(shortcutFor(key('Digit1'))).toBeNull();
  expect(shortcutFor(key('KeyB', { altKey: true }))).toBeNull();
  expect(shortcutFor(key('KeyL', { ctrlKey: true }))).toBeNull();
  expect(shortcutFor(key('KeyC', { ctrlKey: true }))).toBeNull();
  expect(shortcutFor(key('Digit1', { altKey: true, ctrlKey: true }))).toBeNull();
});

test('Alt+[ and Alt+] go to the previous and next lesson', () => {
  expect(shortcutFor(key('BracketLeft', { altKey: true }))).toEqual({ kind: 'prev-lesson' });
  expect(shortcutFor(key('BracketRight', { altKey: true }))).toEqual({ kind: 'next-lesson' });
  expect(shortcutFor(key('BracketLeft'))).toBeNull();
  expect(shortcutFor(key('BracketRight', { ctrlKey: true }))).toBeNull();
});

test('Alt+W toggles the Wire view of the pane in front', () => {
  expect(shortcutFor(key('KeyW', { altKey: true }))).toEqual({ kind: 'toggle-wire' });
  expect(shortcutFor(key('KeyW', { altKey: true, shiftKey: true }))).toBeNull();
  // Ctrl+W is the line editor's (delete a word).
  expect(shortcutFor(key('KeyW', { ctrlKey: true }))).toBeNull();
});
