// The editor's files as plain data: what a lesson starts with, what the learner made of it, and the
// changes the tab strip offers (add, rename, delete). Pure functions, so the rules are tested
// without a browser; file-store.ts keeps the result in localStorage.
import { isFileName } from '../../../shared/file-names.ts';
import { MAX_EDITOR_FILES, fileNameProblem } from './file-names.ts';

export interface EditorFile {
  name: string;
  content: string;
}

export interface EditorFilesState {
  files: EditorFile[];
  /** Name of the file shown in the editor; always one of `files`. */
  active: string;
}

/** Version of the stored form; a different one is read as nothing stored. */
const STORED_VERSION = 1;

/**
 * Where a lesson's files are kept: `lesson` is its slug, qualified with the course
 * ("welcome/start-here"). The fallback serves when no lesson is known (the lesson did not load).
 */
export function editorStorageKey(lesson: string | null): string {
  return lesson ? `playground.editor.lesson.${lesson}` : 'playground.editor.default';
}

export function initialState(starters: readonly EditorFile[]): EditorFilesState {
  return { files: starters.map((f) => ({ ...f })), active: starters[0]?.name ?? '' };
}

export function serializeState(state: EditorFilesState): string {
  return JSON.stringify({ v: STORED_VERSION, files: state.files, active: state.active });
}

/** Reads a stored state back; null when there is none or it is not one (then the lesson's files are used). */
export function parseState(json: string | null): EditorFilesState | null {
  if (json === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { v, files, active } = value as { v?: unknown; files?: unknown; active?: unknown };
  if (v !== STORED_VERSION || !Array.isArray(files)) return null;
  const kept: EditorFile[] = [];
  for (const f of files as unknown[]) {
    const { name, content } = (f ?? {}) as { name?: unknown; content?: unknown };
    if (typeof name !== 'string' || typeof content !== 'string' || !isFileName(name)) continue;
    if (kept.some((k) => k.name.toLowerCase() === name.toLowerCase())) continue;
    kept.push({ name, content });
    if (kept.length === MAX_EDITOR_FILES) break;
  }
  if (kept.length === 0) return null;
  return { files: kept, active: kept.some((f) => f.name === active) ? (active as string) : kept[0].name };
}

export function findFile(state: EditorFilesState, name: string): EditorFile | undefined {
  return state.files.find((f) => f.name === name);
}

export function setActive(state: EditorFilesState, name: string): EditorFilesState {
  return name === state.active || !findFile(state, name) ? state : { ...state, active: name };
}

export function setContent(state: EditorFilesState, name: string, content: string): EditorFilesState {
  const at = state.files.findIndex((f) => f.name === name);
  if (at === -1 || state.files[at].content === content) return state;
  const files = [...state.files];
  files[at] = { name, content };
  return { ...state, files };
}

export type Change = { ok: true; state: EditorFilesState } | { ok: false; problem: string };

/** Adds a file after the others and makes it the active one. */
export function addFile(state: EditorFilesState, name: string, content = ''): Change {
  const problem = fileNameProblem(
    name,
    state.files.map((f) => f.name),
  );
  if (problem) return { ok: false, problem };
  return { ok: true, state: { files: [...state.files, { name, content }], active: name } };
}

/** Renames a file in place (its tab keeps its position); the active file stays active. */
export function renameFile(state: EditorFilesState, from: string, to: string): Change {
  if (!findFile(state, from)) return { ok: false, problem: `There is no file named ${from}` };
  if (from === to) return { ok: true, state };
  const problem = fileNameProblem(
    to,
    state.files.map((f) => f.name),
    from,
  );
  if (problem) return { ok: false, problem };
  return {
    ok: true,
    state: {
      files: state.files.map((f) => (f.name === from ? { name: to, content: f.content } : f)),
      active: state.active === from ? to : state.active,
    },
  };
}

/** Deletes a file; the tab to its left (or right) becomes active. The last file cannot go. */
export function deleteFile(state: EditorFilesState, name: string): Change {
  const at = state.files.findIndex((f) => f.name === name);
  if (at === -1) return { ok: false, problem: `There is no file named ${name}` };
  if (state.files.length === 1) return { ok: false, problem: 'The last file cannot be deleted' };
  const files = state.files.filter((f) => f.name !== name);
  const active = state.active === name ? files[Math.max(0, at - 1)].name : state.active;
  return { ok: true, state: { files, active } };
}

/** Files that differ from the lesson's version of them, or that the lesson does not have. */
export function modifiedFiles(state: EditorFilesState, starters: readonly EditorFile[]): string[] {
  return state.files.filter((f) => starters.find((s) => s.name === f.name)?.content !== f.content).map((f) => f.name);
}

/** Whether "reset to the lesson's version" would change anything (edits, new, renamed or deleted files). */
export function isModified(state: EditorFilesState, starters: readonly EditorFile[]): boolean {
  return state.files.length !== starters.length || modifiedFiles(state, starters).length > 0;
}

/** What "reset to the lesson's version" would undo, file by file, for the confirmation. */
export function resetSummary(
  state: EditorFilesState,
  starters: readonly EditorFile[],
): { edited: string[]; added: string[]; deleted: string[] } {
  const starterNames = new Set(starters.map((f) => f.name));
  const modified = modifiedFiles(state, starters);
  return {
    edited: modified.filter((n) => starterNames.has(n)),
    added: modified.filter((n) => !starterNames.has(n)),
    deleted: starters.filter((f) => !findFile(state, f.name)).map((f) => f.name),
  };
}
