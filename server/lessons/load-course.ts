// Reads the whole course from `lessons/` (docs/lesson-format.md): course folders `NN-slug` with a
// course.yaml, lesson folders `NN-slug` with a lesson.md and the starting files beside it. Order
// comes from the numbers, slugs are the names without them. Every problem found anywhere is
// collected, and loadCourse throws them together (LessonContentError), each with file:line.
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { MAX_RUN_CODE_BYTES } from '../../shared/limits.ts';
import { LessonContentError, ProblemList } from './content-error.ts';
import { parseLesson } from './parse-lesson.ts';
import { SERVICES } from '../services/registry.ts';
import type { ServiceSet } from '../services/service-set.ts';
import { lessonSchemas, type CourseSettings } from './schema.ts';
import type { Course, CourseTree, Lesson, LessonFile } from './types.ts';
import { YamlSource } from './yaml-source.ts';

const NUMBERED = /^(\d+)-([a-z0-9][a-z0-9-]*)$/;


interface Numbered {
  name: string;
  slug: string;
  order: number;
}

/** The numbered sub-folders of `dir`, in order; misnamed folders are problems. */
async function numberedFolders(dir: string, what: string, problems: ProblemList): Promise<Numbered[]> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    problems.add(dir, undefined, `cannot read the folder: ${(err as Error).message}`);
    return [];
  }
  const folders: Numbered[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const m = NUMBERED.exec(entry.name);
    if (!m) {
      problems.add(
        path.join(dir, entry.name),
        undefined,
        `a ${what} folder is named NN-slug: a number, a dash, then lower-case words joined by dashes (e.g. 01-first-steps)`,
      );
      continue;
    }
    folders.push({ name: entry.name, slug: m[2], order: Number(m[1]) });
  }
  folders.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  const bySlug = new Map<string, string>();
  for (const f of folders) {
    const other = bySlug.get(f.slug);
    if (other) problems.add(path.join(dir, f.name), undefined, `two ${what} folders named "${f.slug}" (${other} and ${f.name}); slugs must differ`);
    bySlug.set(f.slug, f.name);
  }
  return folders;
}

async function readCourseSettings(file: string, services: ServiceSet, problems: ProblemList): Promise<CourseSettings | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    problems.add(file, undefined, 'missing: every course folder needs a course.yaml (title, summary, services, language)');
    return null;
  }
  const report = problems.forFile(file);
  const yaml = YamlSource.parse(text.replace(/\r\n?/g, '\n'), 1, report);
  if (!yaml) return null;
  const parsed = lessonSchemas(services).course.safeParse(yaml.value ?? {}, { reportInput: true });
  if (!parsed.success) {
    yaml.reportIssues(parsed.error, report);
    return null;
  }
  return parsed.data;
}

/** The files beside lesson.md: starting files a snippet block may name. */
async function lessonFiles(dir: string, problems: ProblemList): Promise<LessonFile[]> {
  const files: LessonFile[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'lesson.md' || entry.name.startsWith('.')) continue;
    const file = path.join(dir, entry.name);
    const content = await fs.readFile(file, 'utf8');
    if (Buffer.byteLength(content) > MAX_RUN_CODE_BYTES) {
      problems.add(file, undefined, `larger than a run accepts (${MAX_RUN_CODE_BYTES} bytes)`);
      continue;
    }
    files.push({ name: entry.name, content });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

async function readLesson(
  courseSlug: string,
  courseFolder: string,
  dir: string,
  folder: Numbered,
  settings: CourseSettings,
  services: ServiceSet,
  problems: ProblemList,
): Promise<Lesson | null> {
  const file = path.join(dir, 'lesson.md');
  let source: string;
  try {
    source = await fs.readFile(file, 'utf8');
  } catch {
    problems.add(file, undefined, 'missing: every lesson folder needs a lesson.md');
    return null;
  }
  const files = await lessonFiles(dir, problems);
  const parsed = parseLesson(source, settings, files, services, problems.forFile(file));
  if (!parsed) return null;
  return {
    course: courseSlug,
    slug: folder.slug,
    folder: `${courseFolder}/${folder.name}`,
    file,
    title: parsed.title,
    summary: parsed.summary,
    services: parsed.services,
    language: settings.language,
    workspace: parsed.workspace,
    reset: parsed.reset,
    introHtml: parsed.introHtml,
    steps: parsed.steps,
    files,
    plainHtml: parsed.plainHtml,
  };
}

/**
 * Reads everything; answers the tree and every problem found (the tree may be partial then).
 * `services` are the ones lessons may name: the playground's own unless a test brings others.
 */
export async function readCourseTree(
  lessonsDir: string,
  services: ServiceSet = SERVICES,
): Promise<{ tree: CourseTree; problems: ProblemList }> {
  /** Settings used to go on checking a course's lessons when its course.yaml is broken. */
  const fallback: CourseSettings = { title: '?', services: services.names, language: 'python' };
  const problems = new ProblemList();
  const courses: Course[] = [];
  const courseFolders = await numberedFolders(lessonsDir, 'course', problems);
  if (courseFolders.length === 0 && problems.empty) {
    problems.add(lessonsDir, undefined, 'no course folders (NN-slug with a course.yaml)');
  }
  for (const cf of courseFolders) {
    const courseDir = path.join(lessonsDir, cf.name);
    const settings = await readCourseSettings(path.join(courseDir, 'course.yaml'), services, problems);
    const lessonFolders = await numberedFolders(courseDir, 'lesson', problems);
    if (lessonFolders.length === 0) problems.add(courseDir, undefined, 'the course has no lesson folders (NN-slug with a lesson.md)');
    const lessons: Lesson[] = [];
    for (const lf of lessonFolders) {
      const lesson = await readLesson(cf.slug, cf.name, path.join(courseDir, lf.name), lf, settings ?? fallback, services, problems);
      if (lesson) lessons.push(lesson);
    }
    if (settings) {
      courses.push({
        slug: cf.slug,
        folder: cf.name,
        title: settings.title,
        summary: settings.summary,
        services: settings.services,
        language: settings.language,
        lessons,
      });
    }
  }
  return { tree: { courses }, problems };
}

/** The course tree; throws a LessonContentError naming every problem (file:line) if there is one. */
export async function loadCourse(lessonsDir: string, services: ServiceSet = SERVICES): Promise<CourseTree> {
  const { tree, problems } = await readCourseTree(lessonsDir, services);
  if (!problems.empty) throw new LessonContentError(problems.sorted());
  return tree;
}

/** Finds a lesson by course and lesson slug. */
export function findLesson(tree: CourseTree, course: string, lesson: string): Lesson | undefined {
  return tree.courses.find((c) => c.slug === course)?.lessons.find((l) => l.slug === lesson);
}

/** Every lesson in course order. */
export function allLessons(tree: CourseTree): Lesson[] {
  return tree.courses.flatMap((c) => c.lessons);
}
