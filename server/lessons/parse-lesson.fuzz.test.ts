// Property-based fuzzing of parseLesson: any lesson.md (front matter, steps, fences) is a lesson or
// problems on lines of the file. Generators and properties in server/testing/fuzz/lesson-files.ts,
// shared with bench/fuzz.ts; load-course.fuzz.test.ts runs the same grammar through real folders.
import { describe, it } from 'vitest';
import { assertFuzz } from '../testing/fuzz.ts';
import { lessonProperty } from '../testing/fuzz/lesson-files.ts';

describe('parseLesson, fuzzed', () => {
  it(lessonProperty.name, () => assertFuzz(lessonProperty));
});
