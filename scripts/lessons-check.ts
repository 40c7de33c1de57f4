// `npm run lessons:check [-- filter…]`: loads every lesson (content problems, with file:line, fail
// at once), starts a whole private playground, and runs each lesson as a learner would: "Start this
// lesson fresh", every terminal, snippet and solution block in order, then each step's check, which
// must pass. Filters keep only lessons whose folder path contains one of them, e.g.
// `npm run lessons:check -- 02-redis 03-rabbitmq/02`. With --verbose, each step and what its
// checks found is printed too. With --prove, every step is also proven to fail its check before it
// is done and to pass again when done twice (server/lessons/course-check.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import { LessonContentError } from '../server/lessons/content-error.ts';
import { checkLesson, type LessonCheckResult } from '../server/lessons/course-check.ts';
import { allLessons, loadCourse } from '../server/lessons/load-course.ts';
import type { CheckOutcome } from '../server/lessons/run-checks.ts';
import type { Step } from '../server/lessons/types.ts';
import { errorText } from '../server/util/errors.ts';
import { ROOT, freshTestDataDir, startStack, type Stack } from '../server/stack.ts';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function main(): Promise<number> {
  const began = performance.now();
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const verbose = process.argv.includes('--verbose');
  const prove = process.argv.includes('--prove');
  let tree;
  try {
    tree = await loadCourse(path.join(ROOT, 'lessons'));
  } catch (err) {
    console.error(err instanceof LessonContentError ? err.message : `cannot load the lessons: ${errorText(err)}`);
    return 1;
  }
  const lessons = allLessons(tree).filter((l) => filters.length === 0 || filters.some((f) => l.folder.includes(f)));
  if (lessons.length === 0) {
    console.error(`no lesson matches ${filters.join(', ')}`);
    return 1;
  }

  const dataDir = await freshTestDataDir('lessons');
  const serviceLog: string[] = [];
  let stack: Stack;
  console.log(`Starting a private playground for ${lessons.length} lesson${lessons.length === 1 ? '' : 's'}…`);
  try {
    stack = await startStack(dataDir, (line) => serviceLog.push(line));
  } catch (err) {
    console.error(serviceLog.join('\n'));
    console.error(`the playground did not start: ${errorText(err)}`);
    await fs.rm(dataDir, { recursive: true, force: true });
    return 1;
  }
  console.log(`  ready in ${seconds(performance.now() - began)}`);

  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= stack.stop().finally(() => fs.rm(dataDir, { recursive: true, force: true })));
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the playground…`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const options = {
    baseUrl: stack.baseUrl,
    targets: stack.supervisor,
    prove,
    onStep: verbose
      ? (step: Step, outcomes: CheckOutcome[], ms: number) => {
          console.log(`    · ${step.title} (${seconds(ms)})`);
          for (const o of outcomes) console.log(`        ✓ ${o.message}`);
        }
      : undefined,
  };
  const results: LessonCheckResult[] = [];
  try {
    for (const lesson of lessons) {
      const result = await checkLesson(lesson, options);
      results.push(result);
      const steps = `${lesson.steps.length} step${lesson.steps.length === 1 ? '' : 's'}`;
      console.log(`${result.ok ? '✓' : '✗'} ${lesson.folder} (${steps}, ${seconds(result.ms)})`);
      if (result.failure) console.log(result.failure.replace(/^/gm, '    '));
      for (const v of result.violations) console.log(`    ✗ ${lesson.folder}/${v}`.replace(/\n/g, '\n      '));
      for (const a of result.allowed) console.log(`    · allowed: ${lesson.folder}/${a}`);
    }
  } finally {
    await stop();
  }
  const failed = results.filter((r) => !r.ok).length;
  const violations = results.reduce((n, r) => n + r.violations.length, 0);
  const allowed = results.reduce((n, r) => n + r.allowed.length, 0);
  console.log(`\n${seconds(performance.now() - began)} in all`);
  console.log(`${results.length - failed} passed, ${failed} failed`);
  console.log(
    `proofs: ${violations} step${violations === 1 ? '' : 's'} whose check passes before it or that break${violations === 1 ? 's' : ''} done twice; ${allowed} allowed with a reason`,
  );
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
