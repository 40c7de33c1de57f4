// Who is online in a class and what the instructor's dashboard sees live: each learner's open
// sockets and the rate limits they share, "last active", checks and the current lesson as they
// happen, and one event stream per class (the dashboard's SSE stream, routes.ts). The Classroom
// (classroom.ts) owns one and calls in when a socket opens or closes or a learner does something.
//
// With several instances, a learner's sockets are on one of them (the load balancer keeps them
// there), and the class's events travel on the event channel (events/): a dashboard on any
// instance hears every learner. Whether a learner held elsewhere is online is learned from their
// events; a dashboard that starts listening asks the instances to tell their learners again.
import type { ClassEvent, LearnerView, StepProgress } from '../../shared/classroom-api.ts';
import type { ServerMessage } from '../../shared/protocol.ts';
import type { ClassroomConfig } from './config.ts';
import { TokenBucket } from './rate-limit.ts';
import type { ClassroomStore, LearnerRecord, StepRecord } from './store/types.ts';
import type { ClassBus } from './events/index.ts';
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
  classId: string;
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
  bus: ClassBus;
}

/** The topic of one class's dashboard events. */
const classTopic = (classId: string) => `class:${classId}`;
/** "Tell me your learners of this class again": a dashboard began to listen somewhere. */
const WHO_TOPIC = 'class-who';

export class ClassPresence {
  private readonly learners = new Map<string, LearnerPresence>();
  private readonly instructorSockets = new Set<ConnectedSocket>();
  /** Dashboards open on this instance, by class. */
  private readonly listening = new Map<string, number>();
  /** Learners held by other instances: online or not, as their latest event said, and who said it. */
  private readonly elsewhere = new Map<string, { online: boolean; from: string }>();
  private readonly stopWho: () => void;

  constructor(private readonly options: ClassPresenceOptions) {
    this.stopWho = options.bus.subscribe(WHO_TOPIC, (m) => {
      const { classId } = m.body as { classId: string };
      for (const [id, p] of this.learners) {
        if (p.classId === classId && p.sockets.size > 0) void this.changedById(id);
      }
    });
  }

  // ---- the dashboards' event streams ----

  /** Follows one class's live events (from every instance); answers how to stop. */
  listen(classId: string, listener: (event: ClassEvent) => void): () => void {
    this.listening.set(classId, (this.listening.get(classId) ?? 0) + 1);
    const stop = this.options.bus.subscribe(classTopic(classId), (m) => {
      const event = m.body as ClassEvent;
      if (event.kind === 'learner' && m.from !== this.options.bus.instanceId && !this.learners.has(event.learner.id)) {
        this.elsewhere.set(event.learner.id, { online: event.learner.online, from: m.from });
      }
      listener(event);
    });
    this.options.bus.publish(WHO_TOPIC, { classId });
    return () => {
      stop();
      const left = (this.listening.get(classId) ?? 1) - 1;
      if (left > 0) this.listening.set(classId, left);
      else this.listening.delete(classId);
    };
  }

  publish(classId: string, event: ClassEvent): void {
    this.options.bus.publish(classTopic(classId), event);
  }

  /** Whether the learner has a socket open on any instance, as far as this one knows. */
  online(learnerId: string): boolean {
    return (this.learners.get(learnerId)?.sockets.size ?? 0) > 0 || this.elsewhere.get(learnerId)?.online === true;
  }

  /**
   * An instance stopped beating (events/roster.ts): it died without closing its learners' sockets,
   * so the learners it last spoke for are offline until they connect again somewhere. Each
   * instance that notices tells the dashboards; the same news twice changes nothing.
   */
  instanceGone(instanceId: string): void {
    for (const [learnerId, seen] of this.elsewhere) {
      if (seen.from !== instanceId || !seen.online) continue;
      seen.online = false;
      void this.changedById(learnerId);
    }
  }

  private async changedById(learnerId: string): Promise<void> {
    const learner = await this.options.store.learnerById(learnerId);
    if (learner) await this.changed(learner);
  }

  /** Tells the class's dashboards, on every instance, about one learner's new state. */
  async changed(learner: LearnerRecord): Promise<void> {
    // Alone, an instance knows every dashboard: with none open, nobody needs the store read.
    if (!this.options.bus.shared && !this.listening.has(learner.classId)) return;
    let fresh: LearnerRecord;
    let steps: StepRecord[];
    try {
      fresh = (await this.options.store.learnerById(learner.id)) ?? learner;
      steps = await this.options.store.stepsOf(learner.id);
    } catch {
      // The store is closing with the server (sockets close after it) or out of reach for a
      // moment: this change is told with the learner's next one, and the store has the truth.
      return;
    }
    if (fresh.removedAt) return;
    this.publish(learner.classId, { kind: 'learner', learner: this.view(fresh, steps) });
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
      online: this.online(l.id),
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
    this.stopWho();
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
    void this.options.store
      .touchLearner(learner.id, p.lastActiveAt)
      .then(() => this.changed(learner))
      // A store closing with the server: the next activity writes it.
      .catch(() => {});
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
        classId: learner.classId,
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
