// The theme's button in the top bar: each press steps through "as the system", light and dark
// (theme.ts keeps the pick). The icon shows the theme in use; the label says what a press does.
import { nextThemeChoice, setThemeChoice, useTheme, type ThemeChoice } from '../theme.ts';

const CHOICE_WORDS: Record<ThemeChoice, string> = {
  system: 'as the system',
  light: 'light',
  dark: 'dark',
};

export function ThemeToggle() {
  const { choice, theme } = useTheme();
  const next = nextThemeChoice(choice);
  const label = `Theme: ${CHOICE_WORDS[choice]}${choice === 'system' ? ` (${theme})` : ''}. Press for ${CHOICE_WORDS[next]}.`;
  return (
    <button
      type="button"
      className="icon-button theme-toggle"
      aria-label={label}
      title={label}
      data-testid="theme-toggle"
      data-theme-choice={choice}
      data-theme={theme}
      onClick={() => setThemeChoice(next)}
    >
      <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
        {theme === 'light' ? (
          <g fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round">
            <circle cx="8" cy="8" r="3" />
            <path d="M8 1.5v1.5M8 13v1.5M1.5 8H3M13 8h1.5M3.4 3.4l1 1M11.6 11.6l1 1M3.4 12.6l1-1M11.6 4.4l1-1" />
          </g>
        ) : (
          <path fill="currentColor" d="M6.2 1.6a6.5 6.5 0 1 0 8.2 8.2A5.5 5.5 0 0 1 6.2 1.6z" />
        )}
      </svg>
      {choice === 'system' && (
        <span className="theme-auto" aria-hidden="true">
          A
        </span>
      )}
    </button>
  );
}
