// The lesson API's response shapes (server/lessons/routes.ts). Types only, no Node imports, so the
// client can import them too.
import type { RunLanguage, ServiceName } from './protocol.ts';

/**
 * Which panes a lesson uses (front matter `workspace:`), so the page can give the space to them:
 * `terminals` (no snippet blocks; the editor folds away), `editor` (snippets and their runs; no
 * terminal blocks), `all` (the default).
 */
export const LESSON_WORKSPACES = ['all', 'terminals', 'editor'] as const;
export type LessonWorkspace = (typeof LESSON_WORKSPACES)[number];

export interface ProgressView {
  /** "course/lesson/step" → ISO time it was first done. */
  done: Record<string, string>;
  /** "course/lesson" or null. */
  current: string | null;
}

/** GET /api/course */
export interface CourseListing {
  courses: Array<{
    slug: string;
    title: string;
    summary?: string;
    services: ServiceName[];
    lessons: Array<{
      slug: string;
      title: string;
      summary?: string;
      steps: Array<{ id: string; title: string; hasCheck: boolean }>;
    }>;
  }>;
  progress: ProgressView;
}

/** A runnable block of a step; the step's html holds `<div class="lesson-block" data-block="K">` for blocks[K]. */
export interface BlockView {
  kind: 'terminal' | 'snippet';
  /** Terminal blocks: the terminal the lines go to. */
  service?: ServiceName;
  /** Snippet blocks. */
  language?: RunLanguage;
  /** Snippet blocks: the editor file name (absent on a solution snippet without file=). */
  file?: string;
  code: string;
  /** The code as html for inside `<code>`: escaped, with `hljs-*` spans where its language is coloured. */
  html: string;
  /** Terminal blocks: typed one at a time, each after the previous one's reply. */
  lines?: string[];
  /** Snippet blocks: a program that keeps running (consumer, subscriber). */
  background?: boolean;
  /** Snippet blocks: text the run should print. */
  expect?: string;
  /** Hidden behind "Show solution". */
  solution: boolean;
  /** Snippet blocks: the same program in other languages, shown as tabs beside this one. */
  alternatives?: BlockView[];
}

export interface LessonRef {
  course: string;
  slug: string;
  title: string;
}

/** GET /api/lessons/:course/:lesson */
export interface LessonView {
  course: string;
  slug: string;
  title: string;
  summary?: string;
  services: ServiceName[];
  language: RunLanguage;
  workspace: LessonWorkspace;
  introHtml: string;
  steps: Array<{ id: string; title: string; html: string; hasCheck: boolean; blocks: BlockView[] }>;
  /** Starting files beside lesson.md. */
  files: Array<{ name: string; content: string }>;
  prev: LessonRef | null;
  next: LessonRef | null;
}

/** POST /api/lessons/:course/:lesson/steps/:step/check */
export interface CheckResponse {
  ok: boolean;
  results: Array<{ ok: boolean; message: string }>;
}

/** POST /api/lessons/:course/:lesson/reset */
export interface ResetResponse {
  ok: boolean;
  /** What was there and is gone now. */
  cleared: string[];
  /** What could not be cleared, and why (empty when ok). */
  errors: string[];
}

/** GET /api/lesson: the first lesson as one page, for the first client. */
export interface FirstLessonView {
  slug: string;
  course: string;
  title: string;
  html: string;
}
