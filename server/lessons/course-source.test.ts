import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LessonContentError } from './content-error.ts';
import { CourseSource } from './course-source.ts';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'course-source-'));
  await fs.mkdir(path.join(dir, '01-c', '01-l'), { recursive: true });
  await fs.writeFile(path.join(dir, '01-c', 'course.yaml'), 'title: C\nservices: [redis]\n');
  await fs.writeFile(path.join(dir, '01-c', '01-l', 'lesson.md'), '---\ntitle: First\n---\n\n## A step\n');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('reloads the course when a lesson changes, and reports new problems', async () => {
  const source = new CourseSource(dir);
  const first = await source.get();
  expect(first.courses[0].lessons[0].title).toBe('First');
  expect(await source.get()).toBe(first); // unchanged: the same tree

  await sleep(600);
  await fs.writeFile(path.join(dir, '01-c', '01-l', 'lesson.md'), '---\ntitle: Second title\n---\n\n## A step\n');
  expect((await source.get()).courses[0].lessons[0].title).toBe('Second title');

  await sleep(600);
  await fs.writeFile(path.join(dir, '01-c', '01-l', 'lesson.md'), '---\ntitel: oops\n---\n\n## A step\n');
  await expect(source.get()).rejects.toBeInstanceOf(LessonContentError);
});
