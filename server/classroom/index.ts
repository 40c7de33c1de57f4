// Classroom mode, put together: the store, the workspace manager on the shared servers, the
// instructor secret, and the Classroom that the routes and sockets use. `npm start -- --classroom`
// (server/main.ts) and the tests start it the same way.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { JsonFileProgressStore } from '../lessons/progress-store.ts';
import { CourseSource } from '../lessons/course-source.ts';
import type { Supervisor } from '../services/supervisor.ts';
import { Classroom } from './classroom.ts';
import { openClassBus } from './events/index.ts';
import { InstanceRoster } from './events/roster.ts';
import type { ClassroomConfig } from './config.ts';
import { stepColumns } from './step-columns.ts';
import { openClassroomStore } from './store/index.ts';
import type { ClassroomStore } from './store/types.ts';
import { WorkspaceManager } from './workspaces/manager.ts';
import { RedisSnapshots } from './workspaces/snapshots.ts';
import { sharedAdminFromSupervisor } from './workspaces/shared-admin.ts';
import type { SharedAdmin } from './workspaces/types.ts';

const SECRET_META = 'instructor-secret';
/** How long a new instance listens for the others before it fills its warm pool (they answer at once). */
const ROSTER_SETTLE_MS = 300;

export interface RunningClassroom {
  classroom: Classroom;
  secret: string;
  /** true when the secret was generated (and should be printed), false when it came from INSTRUCTOR_SECRET. */
  generatedSecret: boolean;
  close(): Promise<void>;
}

/** The instructor secret: INSTRUCTOR_SECRET, or one generated at the first start and kept in the store. */
async function instructorSecret(
  store: ClassroomStore,
  configured: string | null,
): Promise<{ secret: string; generated: boolean }> {
  if (configured) return { secret: configured, generated: false };
  const kept = await store.getMeta(SECRET_META);
  if (kept) return { secret: kept, generated: true };
  const secret = randomBytes(12).toString('base64url');
  await store.setMeta(SECRET_META, secret);
  return { secret, generated: true };
}

/** Starts classroom mode on a supervisor whose services are up (RabbitMQ with its management API). */
export async function startClassroom(options: {
  supervisor: Supervisor;
  config: ClassroomConfig;
  dataDir: string;
  lessonsDir: string;
  /** Administrator access to the shared servers, when it is not the supervisor's to give (tests). */
  admin?: SharedAdmin;
  /** How often learners' Redis snapshots leave the instance (the manager's default unless set). */
  snapshotEveryMs?: number;
  /** How often instances say "here" to each other (events/roster.ts HEARTBEAT_MS unless set). */
  heartbeatMs?: number;
  log?: (line: string) => void;
}): Promise<RunningClassroom> {
  const { config, dataDir } = options;
  // Each learner's socket listens to the shared services' events: a class is many listeners.
  options.supervisor.setMaxListeners(0);
  const bus = await openClassBus(config.eventsUrl, options.log);
  // Beside other instances, learners' Redis snapshots are kept where another can take them over.
  const snapshots = config.eventsUrl ? await RedisSnapshots.open(config.eventsUrl) : undefined;
  const store = await openClassroomStore({ dataDir, url: config.storeUrl });
  const { secret, generated } = await instructorSecret(store, config.instructorSecret);
  const workspaces = new WorkspaceManager({
    services: options.supervisor.services,
    admin: options.admin ?? sharedAdminFromSupervisor(options.supervisor),
    store,
    dataDir,
    limits: config.limits,
    prewarm: config.prewarm,
    idleReclaimMs: config.idleReclaimMs,
    shared: bus.shared,
    snapshots,
    snapshotEveryMs: options.snapshotEveryMs,
    log: options.log,
  });
  workspaces.setMaxListeners(0);
  // Beside other instances, this one keeps its share of the class's warm workspaces: it listens
  // for them a moment before its pool fills for the first time.
  // An instance gone before the classroom below exists has nobody shown online to take back.
  let instanceGone = (_instanceId: string): void => {};
  const roster = bus.shared
    ? new InstanceRoster(
        bus,
        {
          count: (n) => workspaces.sharePrewarm(n),
          gone: (instanceId) => instanceGone(instanceId),
        },
        options.heartbeatMs,
      )
    : null;
  if (roster) await new Promise((resolve) => setTimeout(resolve, ROSTER_SETTLE_MS));
  await workspaces.start();
  const course = new CourseSource(options.lessonsDir, options.supervisor.services);
  const classroom = new Classroom({
    config,
    store,
    workspaces,
    steps: async () => stepColumns(await course.get()),
    instructorProgress: new JsonFileProgressStore(path.join(dataDir, 'instructor-progress.json')),
    bus,
    log: options.log,
  });
  instanceGone = (instanceId) => classroom.instanceGone(instanceId);
  return {
    classroom,
    secret,
    generatedSecret: generated,
    async close() {
      roster?.close();
      classroom.closeAll();
      await workspaces.close();
      await store.close();
      await bus.close();
      await snapshots?.close();
    },
  };
}
