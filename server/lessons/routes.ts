// The lesson API: the course outline with the learner's progress, one lesson's page, a step's
// check against the live services, "start this lesson fresh", and the current lesson.
//
//   GET  /api/course
//   GET  /api/lessons/:course/:lesson
//   POST /api/lessons/:course/:lesson/steps/:step/check
//   POST /api/lessons/:course/:lesson/reset
//   PUT  /api/progress/current            {"lesson": "course/lesson"}
//   GET  /api/lesson                      the first lesson as one page (the first client's view)
//
// Unknown courses, lessons and steps answer 404 {error}; a check that cannot reach its service
// answers {ok: false} with the reason, never a 500.
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { SERVICES } from '../services/registry.ts';
import type { ServiceSet } from '../services/service-set.ts';
import { errorText, requestErrorStatus } from '../util/errors.ts';
import type { BlockView, CheckResponse, CourseListing, FirstLessonView, LessonRef, LessonView, ResetResponse } from '../../shared/lesson-api.ts';
import { LessonContentError, formatProblem } from './content-error.ts';
import { CourseSource } from './course-source.ts';
import { learnerId } from './learner-cookie.ts';
import { allLessons, findLesson } from './load-course.ts';
import { JsonFileProgressStore, MemoryProgressStore, type ProgressStore } from './progress-store.ts';
import { resetLesson } from './reset.ts';
import { runChecks, type LearnerTargets } from './run-checks.ts';
import type { Lesson, LessonBlock, CourseTree } from './types.ts';

export interface LessonsRouterOptions {
  lessonsDir: string;
  /** Where each service answers now, and the playground's access to each (the Supervisor, or a test's). */
  targets: LearnerTargets;
  /** The services lessons may name; the playground's own unless a test brings others. */
  services?: ServiceSet;
  /** The server's data directory (`.playground/`): progress.json lives here. */
  dataDir?: string;
  /** Defaults to `<dataDir>/progress.json`, or memory without a dataDir. */
  progress?: ProgressStore;
  /**
   * Classroom mode: who the request comes from and where their own services answer; null answers
   * 401. Without it, the single-user learner cookie and `targets`.
   */
  identify?: (req: Request) => Promise<{ learner: string; targets: LearnerTargets } | null>;
  /** Every check's result (passed or not), for the classroom's dashboard. */
  onCheck?: (learner: string, step: string, ok: boolean) => Promise<void>;
  /** The learner opened a lesson. */
  onCurrent?: (learner: string, lesson: string | null) => Promise<void>;
}

const currentSchema = z.object({ lesson: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/).nullable() });

class NotFound extends Error {}

function blockView(block: LessonBlock): BlockView {
  if (block.kind === 'terminal') {
    return {
      kind: 'terminal',
      service: block.service,
      code: block.code,
      html: block.html,
      lines: block.lines,
      solution: block.solution,
    };
  }
  return {
    kind: 'snippet',
    language: block.language,
    file: block.file,
    code: block.code,
    html: block.html,
    background: block.background,
    expect: block.expect,
    solution: block.solution,
    ...(block.alternatives.length > 0 ? { alternatives: block.alternatives.map(blockView) } : {}),
  };
}

const refOf = (l: Lesson | undefined): LessonRef | null => (l ? { course: l.course, slug: l.slug, title: l.title } : null);

export function lessonView(tree: CourseTree, lesson: Lesson): LessonView {
  const order = allLessons(tree);
  const at = order.indexOf(lesson);
  return {
    course: lesson.course,
    slug: lesson.slug,
    title: lesson.title,
    summary: lesson.summary,
    services: lesson.services,
    language: lesson.language,
    workspace: lesson.workspace,
    introHtml: lesson.introHtml,
    steps: lesson.steps.map((s) => ({ id: s.id, title: s.title, html: s.html, hasCheck: s.checks.length > 0, blocks: s.blocks.map(blockView) })),
    files: lesson.files,
    prev: refOf(order[at - 1]),
    next: refOf(order[at + 1]),
  };
}

export function createLessonsRouter(options: LessonsRouterOptions): Router {
  const services = options.services ?? SERVICES;
  const source = new CourseSource(options.lessonsDir, services);
  const { dataDir } = options;
  const progress = options.progress ?? (dataDir ? new JsonFileProgressStore(path.join(dataDir, 'progress.json')) : new MemoryProgressStore());
  const targetsOf = (res: Response): LearnerTargets => (res.locals.targets as LearnerTargets | undefined) ?? options.targets;
  const router = express.Router();

  async function lessonOf(req: Request): Promise<{ tree: CourseTree; lesson: Lesson }> {
    const tree = await source.get();
    const lesson = findLesson(tree, String(req.params.course), String(req.params.lesson));
    if (!lesson) throw new NotFound(`there is no lesson "${req.params.course}/${req.params.lesson}"`);
    return { tree, lesson };
  }

  const lessonPaths = ['/api/course', '/api/lesson', '/api/lessons', '/api/progress'];
  router.use(lessonPaths, async (req, res, next) => {
    if (!options.identify) {
      res.locals.learner = learnerId(req, res);
      next();
      return;
    }
    const who = await options.identify(req);
    if (!who) {
      res.status(401).json({ error: 'join a class first (open the join link your instructor gave you)' });
      return;
    }
    res.locals.learner = who.learner;
    res.locals.targets = who.targets;
    next();
  });

  router.get('/api/course', async (_req, res) => {
    const tree = await source.get();
    const listing: CourseListing = {
      courses: tree.courses.map((c) => ({
        slug: c.slug,
        title: c.title,
        summary: c.summary,
        services: c.services,
        lessons: c.lessons.map((l) => ({
          slug: l.slug,
          title: l.title,
          summary: l.summary,
          steps: l.steps.map((s) => ({ id: s.id, title: s.title, hasCheck: s.checks.length > 0 })),
        })),
      })),
      progress: await progress.get(res.locals.learner as string),
    };
    res.json(listing);
  });

  router.get('/api/lesson', async (_req, res) => {
    const first = allLessons(await source.get())[0];
    if (!first) throw new NotFound('there are no lessons');
    const view: FirstLessonView = { slug: first.slug, course: first.course, title: first.title, html: first.plainHtml };
    res.json(view);
  });

  router.get('/api/lessons/:course/:lesson', async (req, res) => {
    const { tree, lesson } = await lessonOf(req);
    res.json(lessonView(tree, lesson));
  });

  router.post('/api/lessons/:course/:lesson/steps/:step/check', async (req, res) => {
    const { lesson } = await lessonOf(req);
    const step = lesson.steps.find((s) => s.id === req.params.step);
    if (!step) throw new NotFound(`lesson "${lesson.course}/${lesson.slug}" has no step "${req.params.step}"`);
    const results = await runChecks(step.checks, { targets: targetsOf(res), services });
    const ok = results.every((r) => r.ok);
    const key = `${lesson.course}/${lesson.slug}/${step.id}`;
    if (ok) await progress.markDone(res.locals.learner as string, key, new Date());
    await options.onCheck?.(res.locals.learner as string, key, ok);
    const body: CheckResponse = { ok, results };
    res.json(body);
  });

  router.post('/api/lessons/:course/:lesson/reset', async (req, res) => {
    const { lesson } = await lessonOf(req);
    const result = await resetLesson(lesson.reset, { targets: targetsOf(res), services });
    const body: ResetResponse = { ok: result.ok, cleared: result.cleared, errors: result.errors };
    res.json(body);
  });

  router.put('/api/progress/current', express.json({ limit: '4kb' }), async (req, res) => {
    const parsed = currentSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'expected {"lesson": "course/lesson"} (or null)' });
      return;
    }
    const wanted = parsed.data.lesson;
    if (wanted !== null) {
      const [course, slug] = wanted.split('/');
      if (!findLesson(await source.get(), course, slug)) throw new NotFound(`there is no lesson "${wanted}"`);
    }
    const now = await progress.setCurrent(res.locals.learner as string, wanted);
    await options.onCurrent?.(res.locals.learner as string, wanted);
    res.json({ current: now.current });
  });

  // Express 5 hands rejected promises of the handlers above to this.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof NotFound) {
      res.status(404).json({ error: err.message });
    } else if (err instanceof LessonContentError) {
      res.status(500).json({ error: err.message, problems: err.problems.map(formatProblem) });
    } else if ((err as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: 'the body is not valid JSON' });
    } else if (requestErrorStatus(err) !== null) {
      // A body too large, or not in the encoding or charset it claims: the request's fault, not ours.
      res.status(requestErrorStatus(err)!).json({ error: `the body cannot be read: ${errorText(err)}` });
    } else {
      res.status(500).json({ error: errorText(err) });
    }
  });

  return router;
}
