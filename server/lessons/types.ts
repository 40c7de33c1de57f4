// The course tree the loader builds: what the HTTP API serves and lessons:check runs.
import type { LessonWorkspace } from '../../shared/lesson-api.ts';
import type { RunLanguage } from '../../shared/protocol.ts';
import type { ServiceId } from '../services/endpoint.ts';
import type { CheckAllowances } from './fence-info.ts';
import type { CheckDef, ResetSpec } from './schema.ts';

export interface TerminalBlock {
  kind: 'terminal';
  service: ServiceId;
  code: string;
  /** The code as html (highlight.ts): escaped, coloured where its language has a grammar. */
  html: string;
  /** The lines typed into the terminal, one at a time. */
  lines: string[];
  solution: boolean;
  /** Line of the opening fence in lesson.md. */
  line: number;
}

export interface SnippetBlock {
  kind: 'snippet';
  language: RunLanguage;
  /** Absent only on solution blocks, which then run as the runner's default main file. */
  file?: string;
  code: string;
  /** The code as html (highlight.ts). */
  html: string;
  background: boolean;
  /** Text the run must print (lessons:check waits for it). */
  expect?: string;
  solution: boolean;
  /** The same program in other languages (```javascript … alt), shown as tabs of this block. */
  alternatives: SnippetBlock[];
  line: number;
}

export type LessonBlock = TerminalBlock | SnippetBlock;

export interface Step {
  /** From the heading: "Push three jobs" → "push-three-jobs"; unique in its lesson. */
  id: string;
  title: string;
  /** The step's body; each runnable block is a `<div class="lesson-block" data-block="K">`. */
  html: string;
  blocks: LessonBlock[];
  checks: CheckDef[];
  /** The proofs lessons:check skips for this step, with why (the check fence's words). */
  allowed: CheckAllowances;
  /** Line of the `## ` heading. */
  line: number;
}

export interface LessonFile {
  name: string;
  content: string;
}

export interface Lesson {
  /** Course slug. */
  course: string;
  slug: string;
  /** Folder names with their numbers, as lessons:check prints them: "01-memcached/03-set-add-replace". */
  folder: string;
  /** Absolute path of lesson.md. */
  file: string;
  title: string;
  summary?: string;
  services: ServiceId[];
  language: RunLanguage;
  /** The panes it uses (front matter `workspace:`, default all). */
  workspace: LessonWorkspace;
  reset: ResetSpec;
  introHtml: string;
  steps: Step[];
  /** Starting files beside lesson.md. */
  files: LessonFile[];
  /** Intro and steps as one page with blocks shown as code: the first client's `/api/lesson`. */
  plainHtml: string;
}

export interface Course {
  slug: string;
  folder: string;
  title: string;
  summary?: string;
  services: ServiceId[];
  language: RunLanguage;
  lessons: Lesson[];
}

export interface CourseTree {
  courses: Course[];
}
