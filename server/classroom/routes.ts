// The classroom's HTTP API (the list of endpoints and their shapes: shared/classroom-api.ts).
// Learners are known by their token cookie, the instructor by a signed session cookie or the
// secret as a Bearer token. State-changing requests from another site's page are refused (Origin).
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { FILE_NAME_PATTERN, FILE_NAME_RULE } from '../../shared/file-names.ts';
import {
  DISPLAY_NAME_MAX,
  MAX_SAVED_FILES_PER_LESSON,
  MAX_SAVED_FILE_BYTES,
  type ClassEvent,
  type FilesView,
  type MirrorEvent,
  type SessionView,
} from '../../shared/classroom-api.ts';
import { MAX_RUN_CODE_BYTES } from '../../shared/limits.ts';
import { RUN_LANGUAGES } from '../../shared/protocol.ts';
import type { Supervisor } from '../services/supervisor.ts';
import { errorText, requestErrorStatus } from '../util/errors.ts';
import { InspectChannels } from '../ws/inspect-channels.ts';
import { LearnerServices } from './learner-services.ts';
import {
  INSTRUCTOR_COOKIE,
  INSTRUCTOR_SESSION_MAX_AGE_S,
  LEARNER_COOKIE_MAX_AGE_S,
  LEARNER_TOKEN_COOKIE,
  cookie,
  instructorSession,
  isInstructor,
  learnerTokenOf,
  originAllowed,
} from './auth.ts';
import { archiveClass, deleteClass } from './class-admin.ts';
import { Classroom, ClassroomError, INSTRUCTOR, archivedClass } from './classroom.ts';
import { progressCsv } from './csv.ts';
import { joinAddress, lanAddresses, listeningAddress } from './join-address.ts';
import type { LearnerRecord } from './store/types.ts';

/** A comment line keeps proxies from closing a quiet event stream. */
const SSE_HEARTBEAT_MS = 25_000;

export type Principal = { kind: 'instructor' } | { kind: 'learner'; learner: LearnerRecord };

export const joinSchema = z.object({ code: z.string().max(32), name: z.string().max(DISPLAY_NAME_MAX * 4) });
export const loginSchema = z.object({ secret: z.string().max(1024) });
export const classSchema = z.object({ name: z.string().max(200) });
export const archiveSchema = z.object({ archived: z.boolean() });
export const lessonKey = z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'a lesson as "course/lesson"');
const fileName = z.string().regex(FILE_NAME_PATTERN, FILE_NAME_RULE);
export const filesSchema = z.object({
  lesson: lessonKey,
  files: z
    .array(z.object({ name: fileName, content: z.string(), base: z.string().optional() }))
    .max(MAX_SAVED_FILES_PER_LESSON, `at most ${MAX_SAVED_FILES_PER_LESSON} files per lesson`),
});
export const broadcastSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('snippet'),
    name: fileName,
    language: z.enum(RUN_LANGUAGES),
    code: z.string().max(MAX_RUN_CODE_BYTES),
  }),
  z.object({ kind: z.literal('terminals'), on: z.boolean() }),
]);

/** A request's body (or query value) as `schema` reads it; a 400 saying what is wrong, if it does not. */
export function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ClassroomError(400, `${issue.path.length ? `"${issue.path.join('.')}": ` : ''}${issue.message}`);
  }
  return result.data;
}

/** Who sent the request: the instructor, a learner of a class, or nobody known. */
export async function principalOf(
  classroom: Classroom,
  secret: string,
  req: { headers: Request['headers'] },
): Promise<Principal | null> {
  if (isInstructor(secret, req.headers)) return { kind: 'instructor' };
  const token = learnerTokenOf(req.headers);
  if (!token) return null;
  const learner = await classroom.learnerByToken(token);
  return learner ? { kind: 'learner', learner } : null;
}

/**
 * The open Server-Sent Events streams (the dashboard's events, watching, Inspect views). They never
 * end on their own, so the server ends them when it stops: otherwise closing it would wait on them
 * forever; the dashboard's EventSource reconnects, behind a balancer to another instance.
 */
export class EventStreams {
  private readonly open = new Set<Response>();

  start(req: Request, res: Response): (data: unknown) => void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    this.open.add(res);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      this.open.delete(res);
    });
    return (data) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  endAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}

export function createClassroomRouter(
  classroom: Classroom,
  secret: string,
  supervisor: Supervisor,
  streams: EventStreams,
): Router {
  const router = express.Router();
  const json = express.json({
    limit: `${Math.ceil((MAX_SAVED_FILES_PER_LESSON * MAX_SAVED_FILE_BYTES * 1.2) / 1024)}kb`,
  });
  const secure = (req: Request) => req.protocol === 'https';

  router.use('/api', (req, res, next) => {
    // Answers change with every action (a class archived and restored answers 410, then 200): a
    // browser must not keep one, and 410 is one it would keep by default.
    res.set('cache-control', 'no-store');
    if (req.method !== 'GET' && req.method !== 'HEAD' && !originAllowed(req.headers, classroom.config.allowedOrigins)) {
      res.status(403).json({ error: `requests from ${req.headers.origin} are not allowed` });
      return;
    }
    next();
  });

  const who = (req: Request) => principalOf(classroom, secret, req);

  async function instructorOnly(req: Request, res: Response, next: NextFunction): Promise<void> {
    if ((await who(req))?.kind === 'instructor') return next();
    res.status(401).json({ error: 'this needs the instructor: sign in at /instructor' });
  }

  async function learnerOrInstructor(req: Request, res: Response, next: NextFunction): Promise<void> {
    const p = await who(req);
    if (!p) {
      res.status(401).json({ error: 'join a class first (open the join link your instructor gave you)' });
      return;
    }
    res.locals.owner = p.kind === 'instructor' ? INSTRUCTOR : p.learner.id;
    next();
  }

  router.get('/api/session', async (req, res) => {
    const p = await who(req);
    let view: SessionView = { mode: 'classroom', role: null };
    if (p?.kind === 'instructor') view = { mode: 'classroom', role: 'instructor' };
    else if (p?.kind === 'learner') {
      const c = await classroom.classOrThrow(p.learner.classId);
      view = {
        mode: 'classroom',
        role: 'learner',
        learner: { id: p.learner.id, name: p.learner.name },
        class: { id: c.id, name: c.name, code: c.code },
      };
    }
    res.json(view);
  });

  router.get('/api/join/:code', async (req, res) => {
    const c = await classroom.classByCode(String(req.params.code));
    if (c.archivedAt) throw archivedClass();
    res.json({ class: { name: c.name } });
  });

  router.post('/api/join', json, async (req, res) => {
    const body = parse(joinSchema, req.body);
    const { learner, token, class: c } = await classroom.join(body.code, body.name);
    res.append('Set-Cookie', cookie(LEARNER_TOKEN_COOKIE, token, LEARNER_COOKIE_MAX_AGE_S, secure(req)));
    const view: SessionView = {
      mode: 'classroom',
      role: 'learner',
      learner: { id: learner.id, name: learner.name },
      class: { id: c.id, name: c.name, code: c.code },
    };
    res.json(view);
  });

  router.post('/api/instructor/login', json, async (req, res) => {
    const body = parse(loginSchema, req.body);
    if (!isInstructor(secret, { authorization: `Bearer ${body.secret}` })) {
      // A guess costs a little time, so trying many is slow.
      await new Promise((r) => setTimeout(r, 250));
      res.status(401).json({ error: 'that is not the instructor secret (it was printed when the playground started)' });
      return;
    }
    res.append(
      'Set-Cookie',
      cookie(INSTRUCTOR_COOKIE, instructorSession(secret), INSTRUCTOR_SESSION_MAX_AGE_S, secure(req)),
    );
    const view: SessionView = { mode: 'classroom', role: 'instructor' };
    res.json(view);
  });

  router.post('/api/instructor/logout', (req, res) => {
    res.append('Set-Cookie', cookie(INSTRUCTOR_COOKIE, '', 0, secure(req)));
    res.json({ ok: true });
  });

  // ---- saved editor files (learners and the instructor) ----

  router.get('/api/files', learnerOrInstructor, async (req, res) => {
    const lesson = parse(lessonKey, req.query.lesson);
    const saved = await classroom.filesOf(res.locals.owner as string, lesson);
    const view: FilesView = { lesson, files: saved?.files ?? null, savedAt: saved?.savedAt ?? null };
    res.json(view);
  });

  router.put('/api/files', learnerOrInstructor, json, async (req, res) => {
    const body = parse(filesSchema, req.body);
    const big = body.files.find(
      (f) =>
        Buffer.byteLength(f.content) > MAX_SAVED_FILE_BYTES || Buffer.byteLength(f.base ?? '') > MAX_SAVED_FILE_BYTES,
    );
    if (big)
      throw new ClassroomError(
        413,
        `${big.name} is over ${MAX_SAVED_FILE_BYTES / 1024} KiB, the most a saved file may hold`,
      );
    const savedAt = new Date().toISOString();
    await classroom.saveFiles(res.locals.owner as string, body.lesson, body.files, savedAt);
    res.json({ savedAt });
  });

  // ---- the instructor ----

  router.get('/api/instructor/join-address', instructorOnly, (req, res) => {
    res.json(
      joinAddress({
        publicUrl: classroom.config.publicUrl,
        protocol: req.protocol,
        host: req.headers.host,
        listening: listeningAddress(req.socket),
        port: req.socket.localPort,
        lan: lanAddresses(),
      }),
    );
  });

  router.use('/api/classes', instructorOnly);

  router.get('/api/classes', async (_req, res) => {
    res.json({ classes: await classroom.classes() });
  });

  router.post('/api/classes', json, async (req, res) => {
    res.json(await classroom.createClass(parse(classSchema, req.body).name));
  });

  router.get('/api/classes/:id', async (req, res) => {
    res.json(await classroom.detail(String(req.params.id)));
  });

  router.post('/api/classes/:id/archive', json, async (req, res) => {
    const { archived } = parse(archiveSchema, req.body);
    res.json(await archiveClass(classroom, String(req.params.id), archived));
  });

  router.delete('/api/classes/:id', async (req, res) => {
    const { learners } = await deleteClass(classroom, String(req.params.id));
    res.json({ ok: true, learners });
  });

  router.get('/api/classes/:id/events', async (req, res) => {
    const id = String(req.params.id);
    await classroom.classOrThrow(id);
    const send = streams.start(req, res);
    const stop = await classroom.subscribe(id, (event: ClassEvent) => send(event));
    req.on('close', stop);
  });

  router.get('/api/classes/:id/learners/:lid/watch', async (req, res) => {
    const learner = await classroom.learnerOf(String(req.params.id), String(req.params.lid));
    const send = streams.start(req, res);
    const stop = classroom.hub.watch(learner.id, (event: MirrorEvent) => send(event));
    req.on('close', stop);
  });

  // The services a watched learner's Inspect views can show.
  router.get('/api/classes/:id/learners/:lid/inspect', async (req, res) => {
    await classroom.learnerOf(String(req.params.id), String(req.params.lid));
    const services = supervisor.adapters.filter((a) => a.inspect).map((a) => ({ name: a.name, title: a.title }));
    res.json({ services });
  });

  // The watched learner's Inspect view of one service: the same inspector their own tab runs, on
  // their workspace, as `{"state"}` events (or one `{"error"}`), until the dashboard closes it.
  // It holds no workspace: an asleep one says so instead of waking.
  router.get('/api/classes/:id/learners/:lid/inspect/:service', async (req, res) => {
    const learner = await classroom.learnerOf(String(req.params.id), String(req.params.lid));
    const service = String(req.params.service);
    if (!supervisor.has(service) || !supervisor.adapter(service).inspect) {
      throw new ClassroomError(404, `no Inspect view for "${service}"`);
    }
    const services = new LearnerServices(supervisor, classroom.workspaces, learner.workspaceId);
    const send = streams.start(req, res);
    if (!services.endpoint(service)) {
      services.close();
      send({
        error: `${learner.name}'s ${supervisor.adapter(service).title} is not running (their workspace is asleep or starting)`,
      });
      return;
    }
    // The learner's own tab's channel, its frames turned into the stream's events.
    const views = new InspectChannels(services, (message) => {
      if (message.type === 'state') send({ state: message.state });
      else if (message.type === 'error') send({ error: message.message });
    });
    req.on('close', () => {
      views.closeAll();
      services.close();
    });
    await views.open('view', service);
  });

  router.post('/api/classes/:id/learners/:lid/reset', async (req, res) => {
    const learner = await classroom.learnerOf(String(req.params.id), String(req.params.lid));
    await classroom.reset(learner);
    res.json({ ok: true, message: `${learner.name}'s workspace is empty again` });
  });

  router.delete('/api/classes/:id/learners/:lid', async (req, res) => {
    const learner = await classroom.learnerOf(String(req.params.id), String(req.params.lid));
    await classroom.remove(learner);
    res.json({ ok: true });
  });

  router.post('/api/classes/:id/broadcast', json, async (req, res) => {
    const id = String(req.params.id);
    const body = parse(broadcastSchema, req.body);
    const learners =
      body.kind === 'terminals'
        ? await classroom.broadcastTerminals(id, body.on)
        : await classroom.broadcast(id, {
            kind: 'snippet',
            id: randomBytes(6).toString('hex'),
            name: body.name,
            language: body.language,
            code: body.code,
            at: new Date().toISOString(),
          });
    res.json({ ok: true, learners });
  });

  router.get('/api/classes/:id/progress.csv', async (req, res) => {
    const detail = await classroom.detail(String(req.params.id));
    const file = `${detail.class.name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'class'}-progress.csv`;
    res.type('text/csv').attachment(file).send(progressCsv(detail));
  });

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    if (err instanceof ClassroomError) res.status(err.status).json({ error: err.message });
    else if ((err as { type?: string }).type === 'entity.parse.failed')
      res.status(400).json({ error: 'the body is not valid JSON' });
    else if ((err as { type?: string }).type === 'entity.too.large')
      res.status(413).json({ error: 'the body is too large' });
    else if (requestErrorStatus(err) !== null)
      res.status(requestErrorStatus(err)!).json({ error: `the body cannot be read: ${errorText(err)}` });
    else res.status(500).json({ error: errorText(err) });
  });

  return router;
}
