// The files a lesson's editor starts with, and what "reset to the lesson's version" restores: the
// lesson's own files, those beside its lesson.md. A lesson without any starts with none — not with
// examples from elsewhere (what is in the editor is what this lesson is about), and not with an
// empty main.py either: a lesson's Run or Open button adds its program as main.py when it has no
// file name, and an empty file of that name would stand in its way. The editor says what to do
// when it has no file (EditorPane.tsx).
import type { EditorFile } from './editor-files.ts';

/** Starting files of the lessons loaded so far, by "course/slug" (the lesson view registers them). */
const lessonFiles = new Map<string, readonly EditorFile[]>();

/** Records a lesson's own files (those beside its lesson.md), before the editor opens the lesson. */
export function setLessonFiles(lesson: string, files: readonly EditorFile[]): void {
  lessonFiles.set(
    lesson,
    files.map((f) => ({ name: f.name, content: f.content })),
  );
}

/** The files a lesson ("course/slug") starts with: none for a lesson without files, or not known. */
export function starterFilesFor(lesson: string | null): readonly EditorFile[] {
  return (lesson === null ? undefined : lessonFiles.get(lesson)) ?? [];
}
