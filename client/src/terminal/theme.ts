// Terminal colours: a dark theme with enough contrast for dim hints (drawn at half opacity) to stay
// readable, and ANSI colours close to what services assume (red errors, green OK).
import type { ITheme } from '@xterm/xterm';

export const TERMINAL_THEME: ITheme = {
  background: '#0d1117',
  foreground: '#d6deeb',
  cursor: '#7fdbca',
  cursorAccent: '#0d1117',
  selectionBackground: '#264f78',
  black: '#1f2430',
  red: '#ff6b6b',
  green: '#7ee787',
  yellow: '#e3b341',
  blue: '#79c0ff',
  magenta: '#d2a8ff',
  cyan: '#76e3ea',
  white: '#c9d1d9',
  brightBlack: '#6e7681',
  brightRed: '#ffa198',
  brightGreen: '#a5f3a0',
  brightYellow: '#f2cc60',
  brightBlue: '#a5d6ff',
  brightMagenta: '#e2c5ff',
  brightCyan: '#b3f0ff',
  brightWhite: '#f0f6fc',
};

/** System monospace fonts only: a web font that loads late would change the cell size under xterm. */
export const TERMINAL_FONT_FAMILY =
  'ui-monospace, "SF Mono", "Cascadia Mono", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';
