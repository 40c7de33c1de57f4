// Until the lesson engine arrives (the course issue), the server renders the first lesson it finds
// under lessons/ — numbered folders, a lesson.md with a `title:` in its front matter.
// Lesson text is our own content, so inline HTML (<kbd>) is allowed.
import fs from 'node:fs/promises';
import path from 'node:path';
import MarkdownIt from 'markdown-it';

export interface RenderedLesson {
  slug: string;
  course: string;
  title: string;
  html: string;
}

const markdown = new MarkdownIt({ html: true, linkify: true, typographer: true });

/** Strips the `NN-` order prefix from a folder name. */
function slugOf(folder: string): string {
  return folder.replace(/^\d+-/, '');
}

export async function loadFirstLesson(lessonsDir: string): Promise<RenderedLesson> {
  const courses = (await fs.readdir(lessonsDir)).filter((n) => /^\d+-/.test(n)).sort();
  if (courses.length === 0) throw new Error(`${lessonsDir}: no numbered course folders`);
  const courseDir = path.join(lessonsDir, courses[0]);
  const lessons = (await fs.readdir(courseDir)).filter((n) => /^\d+-/.test(n)).sort();
  if (lessons.length === 0) throw new Error(`${courseDir}: no numbered lesson folders`);
  const file = path.join(courseDir, lessons[0], 'lesson.md');
  const source = await fs.readFile(file, 'utf8');
  const match = /^---\n([\s\S]*?)\n---\n/.exec(source);
  if (!match) throw new Error(`${file}:1: missing front matter (--- title: … ---)`);
  const title = /^title:\s*(.+)$/m.exec(match[1])?.[1]?.trim();
  if (!title) throw new Error(`${file}:2: front matter has no title`);
  return {
    slug: slugOf(lessons[0]),
    course: slugOf(courses[0]),
    title,
    html: markdown.render(source.slice(match[0].length)),
  };
}
