// The HTTP and WebSocket server: the built client, /api/health, the lesson API, and /ws.
import http from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import express from 'express';
import { WebSocketServer } from 'ws';
import { WS_MAX_PAYLOAD_BYTES } from '../shared/limits.ts';
import { WS_PATH } from '../shared/protocol.ts';
import { createLessonsRouter } from './lessons/routes.ts';
import type { SnippetRunner } from './runner/types.ts';
import type { ExecutorState } from './executor/supervise.ts';
import type { Supervisor } from './services/supervisor.ts';
import { SocketSession } from './ws/socket-session.ts';
import type { PageSession } from './ws/page-session.ts';
import { SessionRegistry, type SessionLimits } from './ws/session-registry.ts';
import { originAllowed } from './classroom/auth.ts';
import type { Classroom, ConnectedSocket } from './classroom/classroom.ts';
import { INSTRUCTOR } from './classroom/classroom.ts';
import { LearnerServices } from './classroom/learner-services.ts';
import { createClassroomRouter, EventStreams, principalOf, type Principal } from './classroom/routes.ts';
import type { LearnerTargets } from './lessons/run-checks.ts';
import { createRestartRouter } from './restart-route.ts';
import type { IncomingMessage } from 'node:http';

export interface AppOptions {
  supervisor: Supervisor;
  lessonsDir: string;
  /** The data directory (`.playground/`), where lesson progress is kept; without it, progress lives in memory. */
  dataDir?: string;
  /** dist/client; when missing the page says how to build it. */
  clientDir: string;
  /** Mount Vite's dev middleware instead of serving dist/client. */
  dev?: boolean;
  /** Runs snippets; null (with the reason) when it could not start. */
  runner?: SnippetRunner | null;
  runnerProblem?: string;
  /** The executor that carries out the runs: whether it is up, where, its restarts. */
  executor?: () => ExecutorState;
  /** Classroom mode: classes, learners with their own workspaces, the instructor's dashboard. */
  classroom?: { classroom: Classroom; secret: string };
  /** Origins besides the page's own that may open the WebSocket (PLAYGROUND_ORIGINS). */
  allowedOrigins?: string[];
  /** How long sessions outlive their socket, and how many may (tests shorten these). */
  sessionLimits?: Partial<SessionLimits>;
}

/** What the upgrade check found out about the socket's owner (classroom mode). */
interface UpgradeInfo {
  principal: Principal | null;
  workspaceId: string | null;
}
const upgradeInfo = new WeakMap<IncomingMessage, UpgradeInfo>();

/** What a learner reads when another instance took their workspace over (docs/scaling.md, "Failover"). */
export const MOVED_NOTICE =
  'You were moved to another server: your progress, files, queues and tables are all here, and your Redis as its last snapshot left it (at most a minute behind); memcached starts empty.';

export interface PlaygroundServer {
  server: http.Server;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export async function createPlaygroundServer(options: AppOptions): Promise<PlaygroundServer> {
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);

  // How late the event loop ran (a busy server answers every terminal late), since the last read.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  let loopSince = performance.now();
  app.get('/api/health', async (_req, res) => {
    const services = await options.supervisor.health();
    const eventLoopDelayMs = {
      p50: loopDelay.percentile(50) / 1e6,
      p99: loopDelay.percentile(99) / 1e6,
      max: loopDelay.max / 1e6,
      overMs: Math.round(performance.now() - loopSince),
    };
    loopDelay.reset();
    loopSince = performance.now();
    res.json({
      ok: Object.values(services).every((s) => s.ok),
      services,
      runs: options.runner?.load?.() ?? null,
      executor: options.executor?.() ?? null,
      eventLoopDelayMs,
    });
  });

  const cls = options.classroom;
  const eventStreams = new EventStreams();
  if (cls) {
    app.use(createClassroomRouter(cls.classroom, cls.secret, options.supervisor, eventStreams));
  } else {
    app.get('/api/session', (_req, res) => {
      res.json({ mode: 'single' });
    });
  }

  /** Classroom: the requester and their own services (each lesson check runs against those). */
  async function identify(req: IncomingMessage): Promise<{ learner: string; targets: LearnerTargets } | null> {
    const { classroom, secret } = cls!;
    const p = await principalOf(classroom, secret, req);
    if (!p) return null;
    const workspaceId = p.kind === 'instructor' ? await classroom.instructorWorkspace() : p.learner.workspaceId;
    const endpoints = await classroom.workspaces.ensure(workspaceId);
    classroom.workspaces.touch(workspaceId);
    if (p.kind === 'learner') classroom.activity(p.learner);
    return {
      learner: p.kind === 'instructor' ? INSTRUCTOR : p.learner.id,
      targets: {
        endpoint: (service) => endpoints[service] ?? null,
        admin: (service) => classroom.workspaces.checkAdmin(service),
      },
    };
  }

  // The restart control: the single-user playground restarts its own instances; a classroom's
  // requester gets their own view of the services (LearnerServices decides what they may restart).
  app.use(
    createRestartRouter({
      services: options.supervisor.services,
      allowedOrigins: options.allowedOrigins ?? cls?.classroom.config.allowedOrigins ?? [],
      log: (line) => console.log(line),
      access: async (req) => {
        if (!cls) return { access: options.supervisor, release: () => {} };
        const p = await principalOf(cls.classroom, cls.secret, req);
        if (!p) return { status: 401, error: 'join a class first (open the join link your instructor gave you)' };
        const instructor = p.kind === 'instructor';
        const workspaceId = instructor ? await cls.classroom.instructorWorkspace() : p.learner.workspaceId;
        const access = new LearnerServices(options.supervisor, cls.classroom.workspaces, workspaceId, instructor);
        return { access, release: () => access.close() };
      },
    }),
  );

  // Lesson engine (server/lessons/routes.ts): /api/course, /api/lessons/…, /api/progress/current
  // and the first client's /api/lesson.
  app.use(
    createLessonsRouter({
      lessonsDir: options.lessonsDir,
      targets: options.supervisor,
      services: options.supervisor.services,
      dataDir: options.dataDir,
      ...(cls
        ? {
            progress: cls.classroom.progress,
            identify,
            onCheck: (learner, step, ok) =>
              learner === INSTRUCTOR ? Promise.resolve() : cls.classroom.recordCheck(learner, step, ok),
          }
        : {}),
    }),
  );

  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'no such API endpoint' });
  });

  let closeVite: (() => Promise<void>) | null = null;
  if (options.dev) {
    const { createServer } = await import('vite');
    const vite = await createServer({
      configFile: path.resolve(options.clientDir, '../../vite.config.ts'),
      server: { middlewareMode: true, hmr: { server } },
      appType: 'spa',
    });
    app.use(vite.middlewares);
    closeVite = () => vite.close();
  } else if (existsSync(path.join(options.clientDir, 'index.html'))) {
    app.use(express.static(options.clientDir, { index: 'index.html', maxAge: '1h' }));
    app.get('/{*path}', (_req, res) => res.sendFile(path.join(options.clientDir, 'index.html')));
  } else {
    app.get('/', (_req, res) => {
      res
        .status(503)
        .type('text')
        .send('The client is not built yet. Run `npm run build` (npm start does it for you).');
    });
  }

  const allowedOrigins = options.allowedOrigins ?? cls?.classroom.config.allowedOrigins ?? [];
  const wss = new WebSocketServer({
    server,
    path: WS_PATH,
    maxPayload: WS_MAX_PAYLOAD_BYTES,
    // Another site's page must not open a socket with this browser's cookies (or, in single-user
    // mode, reach the learner's services through a localhost page).
    verifyClient: (info, done) => {
      if (!originAllowed(info.req.headers, allowedOrigins)) return done(false, 403, 'origin not allowed');
      if (!cls) return done(true);
      void (async () => {
        const principal = await principalOf(cls.classroom, cls.secret, info.req);
        const workspaceId =
          principal?.kind === 'instructor'
            ? await cls.classroom.instructorWorkspace()
            : principal?.kind === 'learner'
              ? principal.learner.workspaceId
              : null;
        upgradeInfo.set(info.req, { principal, workspaceId });
        done(true);
      })().catch(() => done(false, 500, 'could not check the session'));
    },
  });
  // A page's terminals and runs outlive its socket for a while (a reload re-attaches to them).
  const sessions = new SessionRegistry<PageSession>(options.sessionLimits);
  cls?.classroom.onRemoved((learnerId) => sessions.endOwner(`learner:${learnerId}`, 'removed from the class'));

  wss.on('connection', (ws, req) => {
    const base = { runner: options.runner ?? null, runnerProblem: options.runnerProblem, registry: sessions };
    if (!cls) {
      new SocketSession(ws, { ...base, owner: 'local', makeSession: () => ({ services: options.supervisor }) });
      return;
    }
    const { classroom } = cls;
    const info = upgradeInfo.get(req);
    if (!info?.principal || !info.workspaceId) {
      // Accepted, then closed with a code the page understands: it stops reconnecting and shows the join page.
      ws.close(4401, 'join a class first');
      return;
    }
    const { principal, workspaceId } = info;
    const owner = principal.kind === 'instructor' ? INSTRUCTOR : principal.learner.id;
    // Each session holds the learner's workspace (no idle reclaim) for as long as it lives, socket
    // or not, and sees it through its own view of the services.
    const makeSession = () => {
      const services = new LearnerServices(
        options.supervisor,
        classroom.workspaces,
        workspaceId,
        principal.kind === 'instructor',
      );
      const release = classroom.workspaces.hold(workspaceId);
      void services
        .ready()
        .then(() => {
          // The learner's instance went away and this one took their workspace over.
          if (classroom.workspaces.takenOver(workspaceId))
            session?.push({ type: 'notice', level: 'info', message: MOVED_NOTICE });
        })
        .catch(() => {});
      return {
        services,
        tap: classroom.hub.tap(owner),
        onEnd: () => {
          release();
          services.close();
        },
      };
    };
    let session: SocketSession | null = null;
    const handle: ConnectedSocket = {
      push: (m) => session?.push(m),
      end: (code, reason) => (session ? session.end(code, reason) : ws.close(code, reason)),
    };
    let admits: { admitCommand: () => string | null; admitRun: () => string | null } | null = null;
    session = new SocketSession(ws, {
      ...base,
      owner: principal.kind === 'instructor' ? 'instructor' : `learner:${principal.learner.id}`,
      makeSession,
      admitCommand: () => admits?.admitCommand() ?? null,
      admitRun: () => admits?.admitRun() ?? null,
      onActivity: () => {
        if (principal.kind === 'learner') classroom.activity(principal.learner);
        else classroom.workspaces.touch(workspaceId);
      },
      onClose: () => {
        if (principal.kind === 'learner') classroom.disconnect(principal.learner, handle);
        else classroom.disconnectInstructor(handle);
      },
    });
    if (principal.kind === 'learner') admits = classroom.connect(principal.learner, handle);
    else classroom.connectInstructor(handle);
  });

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as { port: number }).port);
        });
      });
    },
    async close() {
      cls?.classroom.closeAll();
      eventStreams.endAll();
      for (const client of wss.clients) client.terminate();
      sessions.closeAll();
      wss.close();
      await closeVite?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
