// The classroom at run time: classes and learners (through the store), each learner's workspace
// (through the workspace manager), who is online, what the dashboard sees live, watching and
// broadcasting (through the mirror hub), and the per-learner rate limits. The HTTP routes
// (routes.ts) and the WebSocket (app.ts) call into this; it owns no sockets of its own.
import { EventEmitter } from 'node:events';
import { randomBytes, randomInt } from 'node:crypto';
import type {
  BroadcastEvent,
  ClassDetail,
  ClassEvent,
  ClassSummary,
  LearnerView,
  StepColumn,
  StepProgress,
} from '../../shared/classroom-api.ts';
import {
  DISPLAY_NAME_PATTERN,
  JOIN_CODE_ALPHABET,
  JOIN_CODE_LENGTH,
  normalizeJoinCode,
} from '../../shared/classroom-api.ts';
import type { ServerMessage } from '../../shared/protocol.ts';
import type { ClassroomConfig } from './config.ts';
import { hashToken, newLearnerToken } from './auth.ts';
import { MirrorHub } from './mirror-hub.ts';
import { TokenBucket } from './rate-limit.ts';
import {
  DuplicateError,
  type ClassRecord,
  type ClassroomStore,
  type LearnerRecord,
  type SavedFile,
  type StepRecord,
} from './store/types.ts';
import type { Workspaces } from './workspaces/types.ts';
import type { LearnerProgress, ProgressStore } from '../lessons/progress-store.ts';

/** Writing "last active" for every keystroke would be wasteful: at most this often per learner. */
const TOUCH_EVERY_MS = 15_000;
/** The mirror owner for the instructor's own screen. */
export const INSTRUCTOR = 'instructor';
const INSTRUCTOR_WORKSPACE_META = 'instructor-workspace';

export class ClassroomError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One open socket, as the classroom sees it. */
export interface ConnectedSocket {
  push(message: ServerMessage): void;
  end(code: number, reason: string): void;
}

interface Presence {
  sockets: Set<ConnectedSocket>;
  commands: TokenBucket;
  runs: TokenBucket;
  lastTouch: number;
  lastActiveAt: string | null;
  /** Unsubscribes of the class broadcast, per socket. */
  watching: Map<ConnectedSocket, () => void>;
}

export interface ClassroomOptions {
  config: ClassroomConfig;
  store: ClassroomStore;
  workspaces: Workspaces;
  /** The course's steps, in order, for the grid and the CSV. */
  steps: () => Promise<StepColumn[]>;
  /** The instructor's own progress through the lessons (not part of any class). */
  instructorProgress: ProgressStore;
  log?: (line: string) => void;
}

export class Classroom {
  readonly hub = new MirrorHub();
  private readonly events = new EventEmitter<{ [classId: string]: [ClassEvent] }>();
  private readonly presence = new Map<string, Presence>();
  private readonly broadcasting = new Set<string>();
  private instructorSockets = new Set<ConnectedSocket>();
  private readonly log: (line: string) => void;

  constructor(private readonly options: ClassroomOptions) {
    this.events.setMaxListeners(0);
    this.log = options.log ?? (() => {});
  }

  get store(): ClassroomStore {
    return this.options.store;
  }

  get workspaces(): Workspaces {
    return this.options.workspaces;
  }

  get config(): ClassroomConfig {
    return this.options.config;
  }

  // ---- classes ----

  async createClass(name: string): Promise<ClassSummary> {
    const clean = name.trim();
    if (!clean || clean.length > 80) throw new ClassroomError(400, 'a class needs a name of 1 to 80 characters');
    for (let attempt = 0; attempt < 20; attempt++) {
      const record: ClassRecord = {
        id: `c${randomBytes(6).toString('hex')}`,
        name: clean,
        code: Array.from(
          { length: JOIN_CODE_LENGTH },
          () => JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)],
        ).join(''),
        createdAt: new Date().toISOString(),
      };
      try {
        await this.store.createClass(record);
        return { ...this.summary(record), learners: 0 };
      } catch (err) {
        if (!(err instanceof DuplicateError)) throw err;
      }
    }
    throw new ClassroomError(500, 'could not find a free join code; try again');
  }

  async classes(): Promise<ClassSummary[]> {
    const all = await this.store.classes();
    return Promise.all(
      all.map(async (c) => ({ ...this.summary(c), learners: (await this.store.learnersOf(c.id)).length })),
    );
  }

  async classOrThrow(id: string): Promise<ClassRecord> {
    const c = await this.store.classById(id);
    if (!c) throw new ClassroomError(404, `there is no class "${id}"`);
    return c;
  }

  async classByCode(code: string): Promise<ClassRecord> {
    const c = await this.store.classByCode(normalizeJoinCode(code));
    if (!c)
      throw new ClassroomError(
        404,
        `no class has the code ${normalizeJoinCode(code) || '(empty)'}: check the code with your instructor`,
      );
    return c;
  }

  summary(c: ClassRecord): Omit<ClassSummary, 'learners'> {
    return { id: c.id, name: c.name, code: c.code, joinPath: `/join/${c.code}`, createdAt: c.createdAt };
  }

  async detail(classId: string): Promise<ClassDetail> {
    const c = await this.classOrThrow(classId);
    const [learners, steps, all] = await Promise.all([
      this.store.learnersOf(classId),
      this.options.steps(),
      this.store.stepsOfClass(classId),
    ]);
    return {
      class: { ...this.summary(c), learners: learners.length },
      learners: learners.map((l) => this.view(l, all.get(l.id) ?? [])),
      steps,
      broadcastingTerminals: this.broadcasting.has(classId),
    };
  }

  /** Live events of one class for the dashboard; the first is a snapshot. */
  async subscribe(classId: string, listener: (event: ClassEvent) => void): Promise<() => void> {
    const detail = await this.detail(classId);
    listener({ kind: 'snapshot', detail });
    this.events.on(classId, listener);
    return () => this.events.off(classId, listener);
  }

  // ---- learners ----

  /** Joins a class: a new learner with a fresh workspace. Answers the token for the cookie. */
  async join(code: string, rawName: string): Promise<{ learner: LearnerRecord; token: string; class: ClassRecord }> {
    const name = rawName.trim().replace(/\s+/g, ' ');
    if (!DISPLAY_NAME_PATTERN.test(name)) {
      throw new ClassroomError(
        400,
        "pick a display name of 1–40 letters, digits, spaces or . _ ' - (starting with a letter or digit)",
      );
    }
    const klass = await this.classByCode(code);
    const taken = (await this.store.learnersOf(klass.id)).some((l) => l.name.toLowerCase() === name.toLowerCase());
    if (taken)
      throw new ClassroomError(409, `the name "${name}" is taken in this class: add an initial or pick another`);
    const token = newLearnerToken();
    const id = `l${randomBytes(8).toString('hex')}`;
    const workspaceId = await this.workspaces.claim(id);
    let learner: LearnerRecord;
    try {
      learner = await this.store.addLearner({
        id,
        classId: klass.id,
        name,
        tokenHash: hashToken(token),
        workspaceId,
        joinedAt: new Date().toISOString(),
      });
    } catch (err) {
      await this.workspaces.destroy(workspaceId).catch(() => {});
      if (err instanceof DuplicateError)
        throw new ClassroomError(409, `the name "${name}" is taken in this class: add an initial or pick another`);
      throw err;
    }
    // Start the instances now: by the time the page has loaded, the terminals can connect.
    void this.workspaces.ensure(workspaceId).catch((err) => this.log(`workspace ${workspaceId}: ${String(err)}`));
    this.log(`${name} joined ${klass.name}`);
    await this.changed(learner);
    return { learner, token, class: klass };
  }

  async learnerByToken(token: string): Promise<LearnerRecord | null> {
    return this.store.learnerByTokenHash(hashToken(token));
  }

  async learnerOf(classId: string, learnerId: string): Promise<LearnerRecord> {
    const l = await this.store.learnerById(learnerId);
    if (!l || l.classId !== classId || l.removedAt)
      throw new ClassroomError(404, `class ${classId} has no learner "${learnerId}"`);
    return l;
  }

  async remove(learner: LearnerRecord): Promise<void> {
    await this.store.removeLearner(learner.id, new Date().toISOString());
    const p = this.presence.get(learner.id);
    if (p) for (const s of p.sockets) s.end(4403, 'removed from the class by the instructor');
    this.presence.delete(learner.id);
    this.hub.drop(learner.id);
    await this.workspaces
      .destroy(learner.workspaceId)
      .catch((err) => this.log(`workspace ${learner.workspaceId}: ${String(err)}`));
    this.events.emit(learner.classId, { kind: 'removed', learnerId: learner.id });
    this.log(`${learner.name} was removed from the class`);
  }

  async reset(learner: LearnerRecord): Promise<void> {
    await this.workspaces.reset(learner.workspaceId);
    this.pushTo(learner.id, {
      type: 'notice',
      level: 'warning',
      message: 'Your instructor reset your workspace: your keys, queues and tables are empty again.',
    });
  }

  async instructorWorkspace(): Promise<string> {
    const known = await this.store.getMeta(INSTRUCTOR_WORKSPACE_META);
    if (known && (await this.store.workspaceById(known))) return known;
    const id = await this.workspaces.claim(INSTRUCTOR);
    await this.store.setMeta(INSTRUCTOR_WORKSPACE_META, id);
    return id;
  }

  // ---- saved editor files ----

  /** The instructor is no learner of any class: their files are kept as settings. */
  async filesOf(owner: string, lesson: string): Promise<{ files: SavedFile[]; savedAt: string } | null> {
    if (owner !== INSTRUCTOR) return this.store.filesOf(owner, lesson);
    const kept = await this.store.getMeta(`instructor-files:${lesson}`);
    return kept ? (JSON.parse(kept) as { files: SavedFile[]; savedAt: string }) : null;
  }

  async saveFiles(owner: string, lesson: string, files: SavedFile[], savedAt: string): Promise<void> {
    if (owner !== INSTRUCTOR) return this.store.saveFiles(owner, lesson, files, savedAt);
    await this.store.setMeta(`instructor-files:${lesson}`, JSON.stringify({ files, savedAt }));
  }

  // ---- presence and activity ----

  /** A learner's socket opened: online, rate limits shared by their sockets, and the class broadcast if on. */
  connect(
    learner: LearnerRecord,
    socket: ConnectedSocket,
  ): { admitCommand: () => string | null; admitRun: () => string | null } {
    const p = this.presenceOf(learner);
    const wasOffline = p.sockets.size === 0;
    p.sockets.add(socket);
    if (this.broadcasting.has(learner.classId)) this.watchInstructor(p, socket);
    if (wasOffline) void this.changed(learner);
    const { commandsPerSecond, runsPerMinute } = this.config;
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
    const p = this.presence.get(learner.id);
    if (!p) return;
    p.sockets.delete(socket);
    p.watching.get(socket)?.();
    p.watching.delete(socket);
    if (p.sockets.size === 0) void this.changed(learner);
  }

  /** A line, a run, a check: "last active" moves (written at most every TOUCH_EVERY_MS). */
  activity(learner: LearnerRecord): void {
    const p = this.presenceOf(learner);
    const now = Date.now();
    p.lastActiveAt = new Date(now).toISOString();
    this.workspaces.touch(learner.workspaceId);
    if (now - p.lastTouch < TOUCH_EVERY_MS) return;
    p.lastTouch = now;
    void this.store.touchLearner(learner.id, p.lastActiveAt).then(() => this.changed(learner));
  }

  connectInstructor(socket: ConnectedSocket): void {
    this.instructorSockets.add(socket);
  }

  disconnectInstructor(socket: ConnectedSocket): void {
    this.instructorSockets.delete(socket);
  }

  // ---- progress ----

  /** The lesson routes' view of progress: learners' from the store, the instructor's apart. */
  readonly progress: ProgressStore = {
    get: (learner) => this.progressOf(learner),
    // A passed check is recorded (with every failed one) by recordCheck, called for each check.
    markDone: (learner, step, at) =>
      learner === INSTRUCTOR ? this.options.instructorProgress.markDone(learner, step, at) : this.progressOf(learner),
    setCurrent: async (learner, lesson) => {
      if (learner === INSTRUCTOR) return this.options.instructorProgress.setCurrent(learner, lesson);
      await this.setCurrent(learner, lesson);
      return this.progressOf(learner);
    },
  };

  private async progressOf(learnerId: string): Promise<LearnerProgress> {
    if (learnerId === INSTRUCTOR) return this.options.instructorProgress.get(learnerId);
    const [learner, steps] = await Promise.all([this.store.learnerById(learnerId), this.store.stepsOf(learnerId)]);
    const done: Record<string, string> = {};
    for (const s of steps) if (s.doneAt) done[s.step] = s.doneAt;
    return { done, current: learner?.current ?? null };
  }

  async recordCheck(learnerId: string, step: string, ok: boolean): Promise<void> {
    const learner = await this.store.learnerById(learnerId);
    if (!learner || learner.removedAt) return;
    await this.store.recordCheck(learnerId, step, ok, new Date().toISOString());
    this.activity(learner);
    await this.changed(learner);
  }

  async setCurrent(learnerId: string, lesson: string | null): Promise<void> {
    const learner = await this.store.learnerById(learnerId);
    if (!learner || learner.removedAt) return;
    await this.store.setCurrent(learnerId, lesson);
    await this.changed({ ...learner, current: lesson });
  }

  view(l: LearnerRecord, steps: StepRecord[]): LearnerView {
    const p = this.presence.get(l.id);
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
      workspace: this.workspaces.state(l.workspaceId),
    };
  }

  /** Tells the class's dashboards about one learner's new state. */
  private async changed(learner: LearnerRecord): Promise<void> {
    if (this.events.listenerCount(learner.classId) === 0) return;
    const fresh = (await this.store.learnerById(learner.id)) ?? learner;
    if (fresh.removedAt) return;
    const view = this.view(fresh, await this.store.stepsOf(learner.id));
    this.events.emit(learner.classId, { kind: 'learner', learner: view });
  }

  // ---- broadcast ----

  async broadcast(classId: string, event: Extract<BroadcastEvent, { kind: 'snippet' }>): Promise<number> {
    await this.classOrThrow(classId);
    let reached = 0;
    for (const l of await this.store.learnersOf(classId)) {
      const p = this.presence.get(l.id);
      if (!p || p.sockets.size === 0) continue;
      reached++;
      for (const s of p.sockets) s.push({ type: 'broadcast', event });
    }
    return reached;
  }

  /** Mirrors the instructor's terminals and runs to every learner of the class, or stops. */
  async broadcastTerminals(classId: string, on: boolean): Promise<number> {
    await this.classOrThrow(classId);
    const learners = await this.store.learnersOf(classId);
    if (on) this.broadcasting.add(classId);
    else this.broadcasting.delete(classId);
    let reached = 0;
    for (const l of learners) {
      const p = this.presence.get(l.id);
      if (!p) continue;
      for (const s of p.sockets) {
        if (on && !p.watching.has(s)) this.watchInstructor(p, s);
        if (!on) {
          p.watching.get(s)?.();
          p.watching.delete(s);
          s.push({ type: 'broadcast', event: { kind: 'mirror-stop' } });
        }
      }
      if (p.sockets.size > 0) reached++;
    }
    const detail = await this.detail(classId);
    this.events.emit(classId, { kind: 'snapshot', detail });
    return reached;
  }

  private watchInstructor(p: Presence, socket: ConnectedSocket): void {
    p.watching.set(
      socket,
      this.hub.watch(INSTRUCTOR, (event) => socket.push({ type: 'broadcast', event: { kind: 'mirror', event } })),
    );
  }

  private pushTo(learnerId: string, message: ServerMessage): void {
    const p = this.presence.get(learnerId);
    if (p) for (const s of p.sockets) s.push(message);
  }

  private presenceOf(learner: LearnerRecord): Presence {
    let p = this.presence.get(learner.id);
    if (!p) {
      const { commandsPerSecond, runsPerMinute } = this.config;
      p = {
        sockets: new Set(),
        commands: new TokenBucket(commandsPerSecond, commandsPerSecond * 4),
        runs: new TokenBucket(runsPerMinute / 60, 5),
        lastTouch: 0,
        lastActiveAt: null,
        watching: new Map(),
      };
      this.presence.set(learner.id, p);
    }
    return p;
  }

  /** Every open socket ends (the server stops). */
  closeAll(): void {
    for (const p of this.presence.values()) for (const s of p.sockets) s.end(1001, 'the server is stopping');
    for (const s of this.instructorSockets) s.end(1001, 'the server is stopping');
  }
}
