// Who is online in a class and what the instructor's dashboard sees live: each learner's open
// sockets and the rate limits they share, "last active", checks and the current lesson as they
// happen, and one event stream per class (the dashboard's SSE stream, routes.ts). The Classroom
// (classroom.ts) owns one and calls in when a socket opens or closes or a learner does something.
import { EventEmitter } from 'node:events';
import type { ClassEvent, LearnerView, StepProgress } from '../../shared/classroom-api.ts';
import type { ServerMessage } from '../../shared/protocol.ts';
import type { ClassroomConfig } from './config.ts';
import { TokenBucket } from './rate-limit.ts';
import type { ClassroomStore, LearnerRecord, StepRecord } from './store/types.ts';
import type { Workspaces } from './workspaces/types.ts';

/** Writing "last active" for every keystroke would be wasteful: at most this often per learner. */
const TOUCH_EVERY_MS = 15_000;

/** One open socket, as the classroom sees it. */
export interface ConnectedSocket {
  push(message: ServerMessage): void;
  end(code: number, reason: string): void;
}

/** Asked by a learner's socket before a line or a run goes through: null, or why it did not. */
export interface Admits {
  admitCommand: () => string | null;
  admitRun: () => string | null;
}

interface LearnerPresence {
  sockets: Set<ConnectedSocket>;
  commands: TokenBucket;
  runs: TokenBucket;
  lastTouch: number;
  lastActiveAt: string | null;
}

export interface ClassPresenceOptions {
  store: ClassroomStore;
  workspaces: Workspaces;
  limits: Pick<ClassroomConfig, 'commandsPerSecond' | 'runsPerMinute'>;
}

export class ClassPresence {
  private readonly events = new EventEmitter<{ [classId: string]: [ClassEvent] }>();
  private readonly learners = new Map<string, LearnerPresence>();
  private readonly instructorSockets = new Set<ConnectedSocket>();

  constructor(private readonly options: ClassPresenceOptions) {
    // Every open dashboard of a class is a listener.
    this.events.setMaxListeners(0);
  }

  // ---- the dashboards' event streams ----

  /** Follows one class's live events; answers how to stop. */
  listen(classId: string, listener: (event: ClassEvent) => void): () => void {
    this.events.on(classId, listener);
    return () => this.events.off(classId, listener);
  }

  publish(classId: string, event: ClassEvent): void {
    this.events.emit(classId, event);
  }

  /** Tells the class's dashboards about one learner's new state. */
  async changed(learner: LearnerRecord): Promise<void> {
    if (this.events.listenerCount(learner.classId) === 0) return;
    const fresh = (await this.options.store.learnerById(learner.id)) ?? learner;
    if (fresh.removedAt) return;
    const view = this.view(fresh, await this.options.store.stepsOf(learner.id));
    this.publish(learner.classId, { kind: 'learner', learner: view });
  }

  /** A learner as the dashboard shows them: the stored record with what only this process knows. */
  view(l: LearnerRecord, steps: StepRecord[]): LearnerView {
    const p = this.learners.get(l.id);
    const last =
      [p?.lastActiveAt ?? null, l.lastActiveAt]
        .filter((x): x is string => !!x)
        .sort()
        .pop() ?? null;
    const byStep: Record<string, StepProgress> = {};
    for (const s of steps) {
      byStep[s.step] = {
        attempts: s.attempts,
        ...(s.doneAt ? { doneAt: s.doneAt } : {}),
        ...(s.lastAttemptAt ? { lastAttemptAt: s.lastAttemptAt } : {}),
        ...(s.lastOk !== null ? { lastOk: s.lastOk } : {}),
      };
    }
    return {
      id: l.id,
      name: l.name,
      joinedAt: l.joinedAt,
      online: (p?.sockets.size ?? 0) > 0,
      lastActiveAt: last,
      current: l.current,
      steps: byStep,
      workspace: this.options.workspaces.state(l.workspaceId),
    };
  }

  // ---- sockets ----

  /** A learner's socket opened: online, with rate limits shared by all their sockets. */
  connect(learner: LearnerRecord, socket: ConnectedSocket): Admits {
    const p = this.presenceOf(learner);
    const wasOffline = p.sockets.size === 0;
    p.sockets.add(socket);
    if (wasOffline) void this.changed(learner);
    const { commandsPerSecond, runsPerMinute } = this.options.limits;
    return {
      admitCommand: () =>
        p.commands.take()
          ? null
          : `slow down: at most ${commandsPerSecond} commands a second (bursts of ${commandsPerSecond * 4}); that line was not sent`,
      admitRun: () =>
        p.runs.take() ? null : `slow down: at most ${runsPerMinute} runs a minute; wait a few seconds and run it again`,
    };
  }

  disconnect(learner: LearnerRecord, socket: ConnectedSocket): void {
    const p = this.learners.get(learner.id);
    if (!p) return;
    p.sockets.delete(socket);
    if (p.sockets.size === 0) void this.changed(learner);
  }

  /** Whether this process has seen the learner since they joined or it started (and not removed them). */
  knows(learnerId: string): boolean {
    return this.learners.has(learnerId);
  }

  connectInstructor(socket: ConnectedSocket): void {
    this.instructorSockets.add(socket);
  }

  disconnectInstructor(socket: ConnectedSocket): void {
    this.instructorSockets.delete(socket);
  }

  /** The learner's open sockets (none when offline). */
  socketsOf(learnerId: string): ReadonlySet<ConnectedSocket> {
    return this.learners.get(learnerId)?.sockets ?? new Set();
  }

  pushTo(learnerId: string, message: ServerMessage): void {
    for (const s of this.socketsOf(learnerId)) s.push(message);
  }

  /** The learner was removed from the class: their sockets close, and they are forgotten. */
  expel(learnerId: string): void {
    for (const s of this.socketsOf(learnerId)) s.end(4403, 'removed from the class by the instructor');
    this.learners.delete(learnerId);
  }

  /** Every open socket ends (the server stops). */
  closeAll(): void {
    for (const p of this.learners.values()) for (const s of p.sockets) s.end(1001, 'the server is stopping');
    for (const s of this.instructorSockets) s.end(1001, 'the server is stopping');
  }

  // ---- what learners do ----

  /** A line, a run, a check: "last active" moves (written at most every TOUCH_EVERY_MS). */
  activity(learner: LearnerRecord): void {
    const p = this.presenceOf(learner);
    const now = Date.now();
    p.lastActiveAt = new Date(now).toISOString();
    this.options.workspaces.touch(learner.workspaceId);
    if (now - p.lastTouch < TOUCH_EVERY_MS) return;
    p.lastTouch = now;
    void this.options.store.touchLearner(learner.id, p.lastActiveAt).then(() => this.changed(learner));
  }

  async recordCheck(learnerId: string, step: string, ok: boolean): Promise<void> {
    const learner = await this.options.store.learnerById(learnerId);
    if (!learner || learner.removedAt) return;
    await this.options.store.recordCheck(learnerId, step, ok, new Date().toISOString());
    this.activity(learner);
    await this.changed(learner);
  }

  async setCurrent(learnerId: string, lesson: string | null): Promise<void> {
    const learner = await this.options.store.learnerById(learnerId);
    if (!learner || learner.removedAt) return;
    await this.options.store.setCurrent(learnerId, lesson);
    await this.changed({ ...learner, current: lesson });
  }

  private presenceOf(learner: LearnerRecord): LearnerPresence {
    let p = this.learners.get(learner.id);
    if (!p) {
      const { commandsPerSecond, runsPerMinute } = this.options.limits;
      p = {
        sockets: new Set(),
        commands: new TokenBucket(commandsPerSecond, commandsPerSecond * 4),
        runs: new TokenBucket(runsPerMinute / 60, 5),
        lastTouch: 0,
        lastActiveAt: null,
      };
      this.learners.set(learner.id, p);
    }
    return p;
  }
}
