// The terminals' colours for each page theme (theme.ts). xterm.js draws with colours it is given,
// not CSS variables, so each theme has its own palette: the dark one is theme.ts's, tuned around
// the terminals; the light one keeps ANSI colours readable on white (white and bright white are
// greys, or they would vanish), for projectors and daylight.
import type { ITheme } from '@xterm/xterm';
import type { Theme } from '../theme.ts';
import { TERMINAL_THEME } from './theme.ts';

export const TERMINAL_THEME_LIGHT: ITheme = {
  background: '#ffffff',
  foreground: '#1f2328',
  cursor: '#0b7a69',
  cursorAccent: '#ffffff',
  selectionBackground: '#b6e3ff',
  black: '#24292f',
  red: '#cf222e',
  green: '#116329',
  yellow: '#7d4e00',
  blue: '#0969da',
  magenta: '#8250df',
  cyan: '#1b7c83',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#1a7f37',
  brightYellow: '#633c01',
  brightBlue: '#218bff',
  brightMagenta: '#a475f9',
  brightCyan: '#3192aa',
  brightWhite: '#8c959f',
};

export function terminalTheme(theme: Theme): ITheme {
  return theme === 'light' ? TERMINAL_THEME_LIGHT : TERMINAL_THEME;
}
