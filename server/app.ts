// The HTTP and WebSocket server: the built client, /api/health, the lesson API, and /ws.
import http from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { WebSocketServer } from 'ws';
import { WS_MAX_PAYLOAD_BYTES } from '../shared/limits.ts';
import { WS_PATH } from '../shared/protocol.ts';
import { createLessonsRouter } from './lessons/routes.ts';
import type { SnippetRunner } from './runner/types.ts';
import type { Supervisor } from './services/supervisor.ts';
import { SocketSession } from './ws/socket-session.ts';

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
}

export interface PlaygroundServer {
  server: http.Server;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export async function createPlaygroundServer(options: AppOptions): Promise<PlaygroundServer> {
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);

  app.get('/api/health', async (_req, res) => {
    const services = await options.supervisor.health();
    res.json({ ok: Object.values(services).every((s) => s.ok), services });
  });

  // Lesson engine (server/lessons/routes.ts): /api/course, /api/lessons/…, /api/progress/current
  // and the first client's /api/lesson.
  app.use(
    createLessonsRouter({
      lessonsDir: options.lessonsDir,
      supervisor: options.supervisor,
      dataDir: options.dataDir,
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

  const wss = new WebSocketServer({ server, path: WS_PATH, maxPayload: WS_MAX_PAYLOAD_BYTES });
  wss.on('connection', (ws) => {
    new SocketSession(ws, options.supervisor, options.runner ?? null, options.runnerProblem);
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
      for (const client of wss.clients) client.terminate();
      wss.close();
      await closeVite?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
