// The page's colour theme: dark (tuned to sit around terminals) or light (for projectors and
// daylight). It follows the system's prefers-color-scheme until the learner picks one with the
// toggle in the top bar; the pick is kept in localStorage for the next visit.
//
// The CSS does most of the work: every colour variable is `light-dark(light, dark)` (styles.css),
// which follows the system by itself, before this module runs; <html data-theme-choice> picks one
// (a stylesheet rule sets `color-scheme` for it: the build turns light-dark() into variables that
// only a rule's color-scheme switches, not an inline style). What cannot read CSS variables
// (xterm.js's colours, Monaco's theme) subscribes here.
import { useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';
/** `system` follows prefers-color-scheme. */
export type ThemeChoice = Theme | 'system';

export const THEME_STORAGE_KEY = 'playground.theme';

/** The order the toggle steps through. */
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export function parseThemeChoice(value: string | null): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return THEME_CHOICES[(THEME_CHOICES.indexOf(choice) + 1) % THEME_CHOICES.length];
}

export function resolveTheme(choice: ThemeChoice, systemPrefersLight: boolean): Theme {
  if (choice !== 'system') return choice;
  return systemPrefersLight ? 'light' : 'dark';
}

interface ThemeState {
  choice: ThemeChoice;
  theme: Theme;
}

const listeners = new Set<() => void>();
const hasWindow = typeof window !== 'undefined';
const media = hasWindow ? window.matchMedia('(prefers-color-scheme: light)') : null;

function readChoice(): ThemeChoice {
  try {
    return parseThemeChoice(window.localStorage.getItem(THEME_STORAGE_KEY));
  } catch {
    return 'system';
  }
}

let state: ThemeState = { choice: 'system', theme: 'dark' };

function apply(choice: ThemeChoice): void {
  const theme = resolveTheme(choice, media?.matches ?? false);
  const root = document.documentElement;
  root.dataset.theme = theme;
  root.dataset.themeChoice = choice;
  if (state.choice === choice && state.theme === theme) return;
  state = { choice, theme };
  for (const l of listeners) l();
}

if (hasWindow) {
  apply(readChoice());
  media?.addEventListener('change', () => apply(state.choice));
  // Another tab of the playground picked a theme: this one follows.
  window.addEventListener('storage', (event) => {
    if (event.key === THEME_STORAGE_KEY) apply(parseThemeChoice(event.newValue));
  });
}

export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') window.localStorage.removeItem(THEME_STORAGE_KEY);
    else window.localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Kept for this page only.
  }
  apply(choice);
}

export const currentTheme = (): Theme => state.theme;

export function onThemeChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const getState = () => state;

export function useTheme(): ThemeState {
  return useSyncExternalStore(onThemeChange, getState);
}
