// The course as the server serves it: loaded once, and again when a file under lessons/ changes
// (an author editing a lesson sees it on the next request, without a restart).
import fs from 'node:fs/promises';
import path from 'node:path';
import { SERVICES } from '../services/registry.ts';
import type { ServiceSet } from '../services/service-set.ts';
import { loadCourse } from './load-course.ts';
import type { CourseTree } from './types.ts';

/** Requests within this many ms of the last look reuse it instead of walking the folders again. */
const RECHECK_AFTER_MS = 500;
/** lessons/<course>/<lesson>/<file> */
const DEPTH = 3;

async function fingerprint(dir: string, depth: number, out: string[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const stat = await fs.stat(full).catch(() => null);
    if (!stat) continue;
    out.push(`${full}:${stat.mtimeMs}:${stat.size}`);
    if (entry.isDirectory() && depth > 1) await fingerprint(full, depth - 1, out);
  }
}

export class CourseSource {
  private tree: Promise<CourseTree> | null = null;
  private print = '';
  private lookedAt = 0;

  constructor(
    readonly lessonsDir: string,
    private readonly services: ServiceSet = SERVICES,
  ) {}

  /** The course tree; rejects with a LessonContentError while the content has problems. */
  async get(): Promise<CourseTree> {
    if (this.tree && Date.now() - this.lookedAt < RECHECK_AFTER_MS) return this.tree;
    this.lookedAt = Date.now();
    const parts: string[] = [];
    await fingerprint(this.lessonsDir, DEPTH, parts);
    const print = parts.sort().join('\n');
    if (!this.tree || print !== this.print) {
      this.print = print;
      this.tree = loadCourse(this.lessonsDir, this.services);
    }
    return this.tree;
  }
}
