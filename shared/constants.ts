// Protocol constants without zod, so the browser can import them without pulling the schema
// library into the page's first download. shared/protocol.ts re-exports them.

/** Bumped on any incompatible change; sent in `hello`. */
export const PROTOCOL_VERSION = 1;

export const WS_PATH = '/ws';

/** Languages a snippet can be written in. */
export const RUN_LANGUAGES = ['python', 'javascript'] as const;
export type RunLanguage = (typeof RUN_LANGUAGES)[number];

/** The main file's name when a run names none. */
export const DEFAULT_MAIN_FILE: Record<RunLanguage, string> = { python: 'main.py', javascript: 'main.js' };

/** How code of `language` reads an environment variable (the hints and the editor's quick fixes). */
export function readVariable(language: RunLanguage, name: string): string {
  return language === 'javascript' ? `process.env.${name}` : `os.environ["${name}"]`;
}
