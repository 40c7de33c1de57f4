// POST /api/services/:name/restart: the restart control behind the header's service pills. The
// terminals' `:restart` asks the same ServiceAccess (server/terminal/terminal-host.ts), so both
// follow one rule: in the single-user playground any private instance restarts; in a classroom a
// learner restarts their own memcached and Redis, and only the instructor the shared servers.
// The answer is 202 at once; the usual `service` status frames, and the open terminals' "stopped …
// back; reconnected" lines, follow as the service goes down and comes back (docs/protocol.md).
import express, { type Request, type Response, type Router } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { originAllowed } from './classroom/auth.ts';
import type { ServiceSet } from './services/service-set.ts';
import type { ServiceAccess } from './ws/service-access.ts';
import { errorText } from './util/errors.ts';

export const RESTART_MODES = ['clean', 'crash'] as const;

const bodySchema = z.strictObject({ mode: z.enum(RESTART_MODES).optional() });

/** Whose services a request restarts: a view to use and let go, or why there is none. */
export type RestartAccess = { access: ServiceAccess; release(): void } | { status: number; error: string };

export interface RestartRouteOptions {
  services: ServiceSet;
  /** Origins besides the page's own that may send it (PLAYGROUND_ORIGINS). */
  allowedOrigins: string[];
  access(req: Request): Promise<RestartAccess>;
  log?: (line: string) => void;
}

export function createRestartRouter(options: RestartRouteOptions): Router {
  const router = express.Router();
  router.post('/api/services/:name/restart', express.json({ limit: '1kb' }), (req, res, next) => {
    restart(options, req, res).catch(next);
  });
  return router;
}

async function restart(options: RestartRouteOptions, req: Request, res: Response): Promise<void> {
  // Another site's page must not restart a learner's services from their own browser.
  if (!originAllowed(req.headers as IncomingHttpHeaders, options.allowedOrigins)) {
    res.status(403).json({ error: `requests from ${req.headers.origin} are not allowed` });
    return;
  }
  const service = String(req.params.name);
  if (!options.services.has(service)) {
    res.status(404).json({ error: `no service "${service}": the services are ${options.services.names.join(', ')}` });
    return;
  }
  const body = bodySchema.safeParse(req.body ?? {});
  if (!body.success) {
    res.status(400).json({ error: `the body is {"mode": "clean"} or {"mode": "crash"} (or empty)` });
    return;
  }
  const mode = body.data.mode ?? 'clean';
  const found = await options.access(req);
  if ('error' in found) {
    res.status(found.status).json({ error: found.error });
    return;
  }
  const refusal = found.access.restartRefusal(service);
  if (refusal) {
    found.release();
    res.status(409).json({ error: refusal });
    return;
  }
  const title = options.services.get(service).title;
  options.log?.(`${title}: restart (${mode}) asked for`);
  void found.access
    .restart(service, mode)
    .catch((err) => options.log?.(`${title}: restart failed — ${errorText(err)}`))
    .finally(() => found.release());
  res.status(202).json({ service, mode });
}
