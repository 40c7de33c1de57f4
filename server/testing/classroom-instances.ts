// Several classroom app instances in one test process, acting as one classroom as they would on
// several machines: each has its own workspace manager and data directory, and they share the
// store (a MySQL database on the test stack's MariaDB), the event channel (the test stack's Redis)
// and the shared servers (the stack's RabbitMQ and MariaDB, through its administrator access).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPlaygroundServer } from '../app.ts';
import type { Classroom } from '../classroom/classroom.ts';
import { readClassroomConfig } from '../classroom/config.ts';
import { startClassroom } from '../classroom/index.ts';
import type { SharedAdmin, Workspaces } from '../classroom/workspaces/types.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';
import { SERVICES } from '../services/registry.ts';
import { ROOT } from '../stack.ts';
import { Supervisor } from '../services/supervisor.ts';

export const INSTANCES_SECRET = 'several-instances-instructor-secret';

export interface ClassroomInstance {
  name: string;
  baseUrl: string;
  /** Its own data directory: the workspace manager's instances, pid files and the rest. */
  dataDir: string;
  classroom: Classroom;
  workspaces: Workspaces;
  /** Whether this instance runs the learner's workspace now (their record read from its store). */
  holdsLearner(learnerId: string): Promise<boolean>;
  stop(): Promise<void>;
}

/** What the instances share: the servers (as URLs), the administrator access to them, the store and the channel. */
export interface SharedBackends {
  endpoints: Record<ServiceId, Endpoint>;
  admin: SharedAdmin;
  storeUrl: string;
  eventsUrl: string;
  /** The class's warm target (CLASSROOM_PREWARM), shared out among the instances; 0 by default. */
  prewarm?: number;
  /** How often learners' Redis snapshots are saved off the instance (the manager's default unless set). */
  snapshotEveryMs?: number;
  /** How often the instances say "here" to each other (the roster's default unless set). */
  heartbeatMs?: number;
}

/** One instance on the shared backends, put together as `npm start -- --classroom` does (startClassroom). */
export async function startClassroomInstance(
  name: string,
  shared: SharedBackends,
  options: {
    log?: (line: string) => void;
    /** The built page to serve (dist/client), for a browser; none by default. */
    clientDir?: string;
  } = {},
): Promise<ClassroomInstance> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `classroom-${name}-`));
  const env = Object.fromEntries(SERVICES.adapters.map((a) => [a.urlEnv, shared.endpoints[a.name].url]));
  // The services are the stack's, given by URL: this supervisor only checks them.
  const supervisor = new Supervisor({ adapters: SERVICES.adapters, dataDir: dir, env });
  await supervisor.startAll();
  const running = await startClassroom({
    supervisor,
    config: readClassroomConfig({
      INSTRUCTOR_SECRET: INSTANCES_SECRET,
      CLASSROOM_PREWARM: String(shared.prewarm ?? 0),
      CLASSROOM_STORE_URL: shared.storeUrl,
      CLASSROOM_EVENTS_URL: shared.eventsUrl,
    }),
    dataDir: dir,
    lessonsDir: path.join(ROOT, 'lessons'),
    // The stack's administrator access: a supervisor of servers given by URL has none to give.
    admin: shared.admin,
    snapshotEveryMs: shared.snapshotEveryMs,
    heartbeatMs: shared.heartbeatMs,
    log: options.log,
  });
  const app = await createPlaygroundServer({
    supervisor,
    lessonsDir: path.join(ROOT, 'lessons'),
    dataDir: dir,
    clientDir: options.clientDir ?? path.join(dir, 'no-client'),
    classroom: { classroom: running.classroom, secret: running.secret },
  });
  const port = await app.listen(0, '127.0.0.1');
  return {
    name,
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir: dir,
    classroom: running.classroom,
    workspaces: running.classroom.workspaces,
    async holdsLearner(learnerId) {
      const record = await running.classroom.store.learnerById(learnerId);
      return !!record && running.classroom.workspaces.holds(record.workspaceId);
    },
    async stop() {
      await app.close();
      await running.close();
      await supervisor.stopAll();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
