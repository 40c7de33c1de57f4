// Several classroom app instances in one test process, acting as one classroom as they would on
// several machines: each has its own workspace manager and data directory, and they share the
// store (a MySQL database on the test stack's MariaDB), the event channel (the test stack's Redis)
// and the shared servers (the stack's RabbitMQ and MariaDB, through its administrator access).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPlaygroundServer, type PlaygroundServer } from '../app.ts';
import { Classroom } from '../classroom/classroom.ts';
import { readClassroomConfig } from '../classroom/config.ts';
import { openClassBus, type ClassBus } from '../classroom/events/index.ts';
import { InstanceRoster } from '../classroom/events/roster.ts';
import { stepColumns } from '../classroom/step-columns.ts';
import { openClassroomStore } from '../classroom/store/index.ts';
import type { ClassroomStore } from '../classroom/store/types.ts';
import { WorkspaceManager } from '../classroom/workspaces/manager.ts';
import { RedisSnapshots } from '../classroom/workspaces/snapshots.ts';
import { CourseSource } from '../lessons/course-source.ts';
import { JsonFileProgressStore } from '../lessons/progress-store.ts';
import type { SharedAdmin } from '../classroom/workspaces/types.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';
import { SERVICES } from '../services/registry.ts';
import { ROOT } from '../stack.ts';
import { Supervisor } from '../services/supervisor.ts';

export const INSTANCES_SECRET = 'several-instances-instructor-secret';

export interface ClassroomInstance {
  name: string;
  baseUrl: string;
  classroom: Classroom;
  bus: ClassBus;
  workspaces: WorkspaceManager;
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
}

/** One instance on the shared backends. */
export async function startClassroomInstance(name: string, shared: SharedBackends): Promise<ClassroomInstance> {
  const { storeUrl, eventsUrl } = shared;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `classroom-${name}-`));
  const env = Object.fromEntries(SERVICES.adapters.map((a) => [a.urlEnv, shared.endpoints[a.name].url]));
  // The services are the stack's, given by URL: this supervisor only checks them.
  const supervisor = new Supervisor({ adapters: SERVICES.adapters, dataDir: dir, env });
  await supervisor.startAll();
  supervisor.setMaxListeners(0);
  const config = readClassroomConfig({
    INSTRUCTOR_SECRET: INSTANCES_SECRET,
    CLASSROOM_PREWARM: String(shared.prewarm ?? 0),
    CLASSROOM_STORE_URL: storeUrl,
    CLASSROOM_EVENTS_URL: eventsUrl,
  });
  const bus = await openClassBus(config.eventsUrl);
  const store: ClassroomStore = await openClassroomStore({ dataDir: dir, url: config.storeUrl });
  const snapshots = await RedisSnapshots.open(eventsUrl);
  const workspaces = new WorkspaceManager({
    admin: shared.admin,
    store,
    dataDir: dir,
    prewarm: config.prewarm,
    shared: bus.shared,
    snapshots,
    snapshotEveryMs: shared.snapshotEveryMs,
  });
  workspaces.setMaxListeners(0);
  const roster = bus.shared ? new InstanceRoster(bus, (n) => workspaces.sharePrewarm(n)) : null;
  await workspaces.start();
  const course = new CourseSource(path.join(ROOT, 'lessons'), SERVICES);
  const classroom = new Classroom({
    config,
    store,
    workspaces,
    steps: async () => stepColumns(await course.get()),
    instructorProgress: new JsonFileProgressStore(path.join(dir, 'instructor-progress.json')),
    bus,
  });
  const app: PlaygroundServer = await createPlaygroundServer({
    supervisor,
    lessonsDir: path.join(ROOT, 'lessons'),
    dataDir: dir,
    clientDir: path.join(dir, 'no-client'),
    classroom: { classroom, secret: INSTANCES_SECRET },
  });
  const port = await app.listen(0, '127.0.0.1');
  return {
    name,
    baseUrl: `http://127.0.0.1:${port}`,
    classroom,
    bus,
    workspaces,
    async stop() {
      await app.close();
      roster?.close();
      classroom.closeAll();
      await workspaces.close();
      await store.close();
      await bus.close();
      await snapshots.close();
      await supervisor.stopAll();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
