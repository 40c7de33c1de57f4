// Names of the editor's files. A run carries them to the sandbox as plain file names, so the editor
// accepts exactly the names the protocol accepts (shared/file-names.ts, which the protocol's schema
// uses too).
import type { RunLanguage } from '../../../shared/protocol.ts';
import { FILE_NAME_PATTERN } from '../../../shared/file-names.ts';
import { MAX_RUN_FILES } from '../../../shared/limits.ts';

/**
 * Files the editor holds at most. Every file can go along with a run (a main file plus at most
 * MAX_RUN_FILES others), and a dozen tabs is already more than a lesson's snippets need.
 */
export const MAX_EDITOR_FILES = Math.min(12, MAX_RUN_FILES + 1);

/** What a file can be run as, from its extension; null for a file that is only data (a .json, a .txt). */
export function languageOf(name: string): RunLanguage | null {
  if (name.endsWith('.py')) return 'python';
  if (name.endsWith('.js')) return 'javascript';
  return null;
}

/** Monaco's language id for a file (the editor bundles Python and JavaScript only). */
export function editorLanguageOf(name: string): string {
  return languageOf(name) ?? 'plaintext';
}

/**
 * Why `name` cannot be a new file (or the new name of `renaming`) beside `existing`, in words for
 * the learner; null when it can.
 */
export function fileNameProblem(name: string, existing: readonly string[], renaming?: string): string | null {
  if (name === '') return 'Type a file name, e.g. helper.py';
  if (/[/\\]/.test(name)) return 'Folders are not supported: a plain name, e.g. helper.py';
  if (/\s/.test(name)) return 'No spaces: use _ or - instead';
  if (name.length > 64) return 'At most 64 characters';
  if (!FILE_NAME_PATTERN.test(name)) {
    return /^[.-]/.test(name)
      ? 'A name cannot start with . or -'
      : 'Use only letters, digits and _ . - (e.g. helper.py)';
  }
  const others = existing.filter((n) => n !== renaming);
  // Case-insensitively: two tabs that differ only in case are easy to confuse, and would clash on
  // a learner's own case-insensitive disk when copied there.
  if (others.some((n) => n.toLowerCase() === name.toLowerCase())) return `There is already a file named ${name}`;
  if (renaming === undefined && existing.length >= MAX_EDITOR_FILES) {
    return `At most ${MAX_EDITOR_FILES} files: delete one first`;
  }
  return null;
}

/** A free name like "untitled.py", "untitled2.py" for a new file of a language. */
export function suggestFileName(existing: readonly string[], extension = '.py'): string {
  const taken = new Set(existing.map((n) => n.toLowerCase()));
  for (let i = 1; ; i++) {
    const name = `untitled${i === 1 ? '' : i}${extension}`;
    if (!taken.has(name)) return name;
  }
}
