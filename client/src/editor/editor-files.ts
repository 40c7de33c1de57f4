// The editor's files as plain data: what a lesson starts with, what the learner made of it, and the
// changes the tab strip offers (add, rename, delete). Pure functions, so the rules are tested
// without a browser; file-store.ts keeps the result in localStorage.
//
// Each file may carry its `base`: the lesson's version of it. A lesson's starting files have one,
// and so does a file a lesson's Run or Open button (or the instructor) put into the editor. The
// "changed" dot means the learner changed it: a file without a base is the learner's own (made
// with +, or renamed), one with a base is changed when its text differs from it.
import { isFileName } from '../../../shared/file-names.ts';
import { MAX_EDITOR_FILES, fileNameProblem } from './file-names.ts';

export interface EditorFile {
  name: string;
  content: string;
  /** The lesson's version of the file (see above); absent for the learner's own files. */
  base?: string;
}

export interface EditorFilesState {
  files: EditorFile[];
  /** Name of the file shown in the editor: one of `files`, or '' when there is none. */
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

/** A lesson's starting file, as the editor holds it: its text is also its base. */
const asStarter = (f: EditorFile): EditorFile => ({ name: f.name, content: f.content, base: f.content });

export function initialState(starters: readonly EditorFile[]): EditorFilesState {
  return { files: starters.map(asStarter), active: starters[0]?.name ?? '' };
}

/** Bases for files stored before the editor kept them: a file named as a starting file has its text. */
export function withStarterBases(state: EditorFilesState, starters: readonly EditorFile[]): EditorFilesState {
  if (state.files.every((f) => f.base !== undefined)) return state;
  const files = state.files.map((f) => {
    if (f.base !== undefined) return f;
    const starter = starters.find((s) => s.name === f.name);
    return starter ? { ...f, base: starter.content } : f;
  });
  return { ...state, files };
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
    const { name, content, base } = (f ?? {}) as { name?: unknown; content?: unknown; base?: unknown };
    if (typeof name !== 'string' || typeof content !== 'string' || !isFileName(name)) continue;
    if (kept.some((k) => k.name.toLowerCase() === name.toLowerCase())) continue;
    kept.push(typeof base === 'string' ? { name, content, base } : { name, content });
    if (kept.length === MAX_EDITOR_FILES) break;
  }
  // No files at all is a state too (the learner deleted them all); only a list of nothing valid is not one.
  if (kept.length === 0) return files.length === 0 ? { files: [], active: '' } : null;
  return { files: kept, active: kept.some((f) => f.name === active) ? (active as string) : kept[0].name };
}

export function findFile(state: EditorFilesState, name: string): EditorFile | undefined {
  return state.files.find((f) => f.name === name);
}

export function setActive(state: EditorFilesState, name: string): EditorFilesState {
  return name === state.active || !findFile(state, name) ? state : { ...state, active: name };
}

/** The learner's edit: the text changes, the lesson's version stays what it was. */
export function setContent(state: EditorFilesState, name: string, content: string): EditorFilesState {
  const at = state.files.findIndex((f) => f.name === name);
  if (at === -1 || state.files[at].content === content) return state;
  const files = [...state.files];
  files[at] = { ...files[at], content };
  return { ...state, files };
}

/** Text the lesson (a solution) or the instructor puts in a file: it is the lesson's version now. */
export function provideContent(state: EditorFilesState, name: string, content: string): EditorFilesState {
  const at = state.files.findIndex((f) => f.name === name);
  if (at === -1 || (state.files[at].content === content && state.files[at].base === content)) return state;
  const files = [...state.files];
  files[at] = { name, content, base: content };
  return { ...state, files };
}

export type Change = { ok: true; state: EditorFilesState } | { ok: false; problem: string };

/**
 * Adds a file after the others and makes it the active one. `from: 'lesson'`: the lesson (or the
 * instructor) provides it, so its text is its base; `'learner'`: the learner's own new file.
 */
export function addFile(
  state: EditorFilesState,
  name: string,
  content = '',
  from: 'lesson' | 'learner' = 'learner',
): Change {
  const problem = fileNameProblem(
    name,
    state.files.map((f) => f.name),
  );
  if (problem) return { ok: false, problem };
  const file: EditorFile = from === 'lesson' ? { name, content, base: content } : { name, content };
  return { ok: true, state: { files: [...state.files, file], active: name } };
}

/**
 * Renames a file in place (its tab keeps its position); the active file stays active. A renamed
 * file is the learner's own: the lesson has no file of that name to go back to.
 */
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

/** Deletes a file; the tab to its left (or right) becomes active; the last one leaves the editor empty. */
export function deleteFile(state: EditorFilesState, name: string): Change {
  const at = state.files.findIndex((f) => f.name === name);
  if (at === -1) return { ok: false, problem: `There is no file named ${name}` };
  const files = state.files.filter((f) => f.name !== name);
  const active = state.active === name ? (files[Math.max(0, at - 1)]?.name ?? '') : state.active;
  return { ok: true, state: { files, active } };
}

/** Files the learner changed: edited away from the lesson's version, or their own (new or renamed). */
export function modifiedFiles(state: EditorFilesState): string[] {
  return state.files.filter((f) => f.base === undefined || f.content !== f.base).map((f) => f.name);
}

/** What "reset to the lesson's version" would do, file by file, for the question before it. */
export interface ResetPlan {
  /** Edited lesson files: their text goes back to the lesson's. */
  edited: string[];
  /** The learner's own files (made with +, or renamed): deleted. */
  deleted: string[];
  /** Starting files the learner deleted (or renamed away): back. */
  restored: string[];
}

export function resetPlan(state: EditorFilesState, starters: readonly EditorFile[]): ResetPlan {
  return {
    edited: state.files.filter((f) => f.base !== undefined && f.content !== f.base).map((f) => f.name),
    deleted: state.files.filter((f) => f.base === undefined).map((f) => f.name),
    restored: starters.filter((s) => !findFile(state, s.name)).map((s) => s.name),
  };
}

/** Whether "reset to the lesson's version" would change anything. */
export function isModified(state: EditorFilesState, starters: readonly EditorFile[]): boolean {
  const plan = resetPlan(state, starters);
  return plan.edited.length + plan.deleted.length + plan.restored.length > 0;
}

/**
 * "Reset to the lesson's version": every file the lesson provided goes back to its text (files a
 * lesson's Run or Open button added stay, as the lesson has them), the learner's own files go, and
 * starting files the learner deleted come back where the lesson has them. The file being looked at
 * stays open if it is still there.
 */
export function resetFiles(state: EditorFilesState, starters: readonly EditorFile[]): EditorFilesState {
  const kept = state.files
    .filter((f) => f.base !== undefined)
    .map((f) => ({ name: f.name, content: f.base!, base: f.base }));
  const files: EditorFile[] = [];
  for (const s of starters) files.push(kept.find((k) => k.name === s.name) ?? asStarter(s));
  for (const k of kept) if (!files.some((f) => f.name === k.name)) files.push(k);
  const active = files.some((f) => f.name === state.active) ? state.active : (files[0]?.name ?? '');
  return { files, active };
}
