// The language a learner picked for snippets that come in more than one (a Python and a JavaScript
// version of the same program). One choice for the whole course, kept for the next visit: a learner
// who reads JavaScript once sees it everywhere it exists.
import { useSyncExternalStore } from 'react';
import { RUN_LANGUAGES, type RunLanguage } from '../../../shared/constants.ts';

const STORAGE_KEY = 'playground.snippet-language';

export const LANGUAGE_TITLES: Record<RunLanguage, string> = { python: 'Python', javascript: 'JavaScript' };

const listeners = new Set<() => void>();

function read(): RunLanguage | null {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return (RUN_LANGUAGES as readonly string[]).includes(value ?? '') ? (value as RunLanguage) : null;
  } catch {
    return null;
  }
}

let current: RunLanguage | null = typeof window === 'undefined' ? null : read();

export function setSnippetLanguage(language: RunLanguage): void {
  if (language === current) return;
  current = language;
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Kept for this page only.
  }
  for (const l of listeners) l();
}

/** The picked language, or null before the learner has picked one (each block shows its first). */
export function useSnippetLanguage(): RunLanguage | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}
