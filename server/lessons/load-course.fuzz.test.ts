// Property-based fuzzing of loadCourse on real folders: a course.yaml and lesson.md files from the
// grammar in server/testing/fuzz/lesson-files.ts, written to a temporary lessons/ tree. The loader
// answers a tree or throws a LessonContentError; every problem with a file's content names its line.
// Each case writes files, so it runs a twentieth of FUZZ_RUNS; parse-lesson.fuzz.test.ts runs the
// full count on the same lesson.md grammar without the disk.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_RUNS } from '../testing/fuzz.ts';
import { courseYaml, lessonSource } from '../testing/fuzz/lesson-files.ts';
import { LessonContentError } from './content-error.ts';
import { loadCourse } from './load-course.ts';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'lessons-fuzz-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const folderName = fc.oneof(
  fc.constantFrom('01-intro', '02-next', '10-last', 'Intro', '01_bad', '03-'),
  fc.stringMatching(/^\d{1,2}-[a-z0-9][a-z0-9-]{0,8}$/),
);

const tree = fc.record({
  course: folderName,
  yaml: fc.option(courseYaml, { nil: null }),
  lessons: fc.uniqueArray(fc.tuple(folderName, fc.option(lessonSource, { nil: null })), {
    maxLength: 3,
    selector: ([name]) => name,
  }),
});

let cases = 0;

describe('loadCourse, fuzzed on real folders', () => {
  it('answers a course tree or a LessonContentError whose content problems name their lines', async () => {
    await fc.assert(
      fc.asyncProperty(tree, async ({ course, yaml, lessons }) => {
        const dir = path.join(root, `case-${cases++}`);
        const written = new Map<string, string>();
        const write = async (file: string, text: string) => {
          await fs.mkdir(path.dirname(file), { recursive: true });
          await fs.writeFile(file, text);
          written.set(file, text);
        };
        await fs.mkdir(path.join(dir, course), { recursive: true });
        if (yaml !== null) await write(path.join(dir, course, 'course.yaml'), yaml);
        for (const [name, source] of lessons) {
          await fs.mkdir(path.join(dir, course, name), { recursive: true });
          if (source !== null) await write(path.join(dir, course, name, 'lesson.md'), source);
        }
        try {
          const loaded = await loadCourse(dir);
          expect(loaded.courses.length).toBeGreaterThan(0);
        } catch (err) {
          expect(err).toBeInstanceOf(LessonContentError);
          for (const p of (err as LessonContentError).problems) {
            expect(p.file.startsWith(dir)).toBe(true);
            const text = written.get(p.file);
            if (text === undefined) continue; // a folder or a missing file: no line to name
            expect(p.line, `${p.file}: ${p.message}`).toBeGreaterThanOrEqual(1);
            expect(p.line).toBeLessThanOrEqual(text.split(/\r\n?|\n/).length + 1);
          }
        } finally {
          await fs.rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Math.ceil(FUZZ_RUNS / 20) },
    );
  });
});
