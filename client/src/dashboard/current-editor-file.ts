// "Use my current editor file": the file the instructor has open in their own workspace, read the
// way that workspace keeps it (this browser's storage for the lesson they are on, else the copy
// saved on the server).
import { editorStorageKey, findFile, parseState, type EditorFile } from '../editor/editor-files.ts';
import { fetchCourse, fetchFiles } from './api.ts';

export async function currentEditorFile(): Promise<EditorFile | null> {
  const { progress } = await fetchCourse();
  const lesson = progress.current;
  let stored: string | null = null;
  try {
    stored = window.localStorage.getItem(editorStorageKey(lesson));
  } catch {
    // No storage: the server's copy below.
  }
  const local = parseState(stored);
  if (local) return findFile(local, local.active) ?? null;
  if (!lesson) return null;
  const saved = await fetchFiles(lesson);
  return saved.files?.[0] ?? null;
}
