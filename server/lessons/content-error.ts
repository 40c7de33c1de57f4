// Problems with lesson content, each tied to a file and (where there is one) a line. The loader
// collects every problem it finds and throws them together, so an author fixes a lesson in one pass.
import path from 'node:path';

export interface ContentProblem {
  file: string;
  /** 1-based; absent when the problem is the file as a whole (missing, unreadable). */
  line?: number;
  message: string;
}

/** `lessons/01-redis/02-lists/lesson.md:14: unknown key "servics"`, relative to the working directory. */
export function formatProblem(problem: ContentProblem): string {
  const shown = path.relative(process.cwd(), problem.file) || problem.file;
  const where = shown.startsWith('..') ? problem.file : shown;
  return `${where}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`;
}

export class LessonContentError extends Error {
  constructor(readonly problems: ContentProblem[]) {
    const lines = problems.map(formatProblem);
    super(`lesson content has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
    this.name = 'LessonContentError';
  }
}

/** Collects problems for one file; `at(line, message)` reads well at the call sites. */
export class ProblemList {
  readonly problems: ContentProblem[] = [];

  add(file: string, line: number | undefined, message: string): void {
    this.problems.push({ file, line, message });
  }

  forFile(file: string): (line: number | undefined, message: string) => void {
    return (line, message) => this.add(file, line, message);
  }

  /** By file, then line: the order an author reads them in. */
  sorted(): ContentProblem[] {
    return [...this.problems].sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : a.file < b.file ? -1 : 1));
  }

  get empty(): boolean {
    return this.problems.length === 0;
  }
}
