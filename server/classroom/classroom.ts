// The classroom at run time: classes and learners (through the store), each learner's workspace
// (through the workspace manager), saved files and progress. Who is online and what the dashboard
// sees live is presence's (presence.ts); the instructor's snippets and mirrored terminals are the
// broadcaster's (broadcaster.ts); watching goes through the mirror hub. The HTTP routes (routes.ts)
// and the WebSocket (app.ts) call into this; it owns no sockets of its own.
//
// Several instances act as one classroom through the store and the event channel (events/): what
// must reach a learner wherever their sockets are (a broadcast, the instructor's mirrored
// terminals, a removal, a reset) is published there, and each instance does its part for the
// learners it holds.
import { randomBytes, randomInt } from 'node:crypto';
import type { ClassDetail, ClassEvent, ClassSummary, LearnerView, StepColumn } from '../../shared/classroom-api.ts';
import {
  DISPLAY_NAME_PATTERN,
  JOIN_CODE_ALPHABET,
  JOIN_CODE_LENGTH,
  normalizeJoinCode,
} from '../../shared/classroom-api.ts';
import type { ClassroomConfig } from './config.ts';
import { hashToken, newLearnerToken } from './auth.ts';
import { Broadcaster, type SnippetBroadcast } from './broadcaster.ts';
import { INSTRUCTOR } from './instructor.ts';
import type { ClassBus } from './events/index.ts';
import { MirrorHub } from './mirror-hub.ts';
import { ClassPresence, type Admits, type ConnectedSocket } from './presence.ts';
import {
  DuplicateError,
  type ClassRecord,
  type ClassroomStore,
  type LearnerRecord,
  type NewClass,
  type SavedFile,
  type StepRecord,
} from './store/types.ts';
import type { Workspaces } from './workspaces/types.ts';
import type { LearnerProgress, ProgressStore } from '../lessons/progress-store.ts';

export { INSTRUCTOR } from './instructor.ts';
export type { ConnectedSocket } from './presence.ts';

const INSTRUCTOR_WORKSPACE_META = 'instructor-workspace';

export class ClassroomError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Joining an archived class: 410 Gone, in words a learner can act on. */
export function archivedClass(): ClassroomError {
  return new ClassroomError(410, 'this class is archived and takes no new learners: ask your instructor');
}

export interface ClassroomOptions {
  config: ClassroomConfig;
  store: ClassroomStore;
  workspaces: Workspaces;
  /** The course's steps, in order, for the grid and the CSV. */
  steps: () => Promise<StepColumn[]>;
  /** The instructor's own progress through the lessons (not part of any class). */
  instructorProgress: ProgressStore;
  /** The event channel (events/index.ts): one instance's own, or shared by several. */
  bus: ClassBus;
  log?: (line: string) => void;
}

/** What an instance tells the others to do for the learners it holds. */
type ClassCommand =
  | { kind: 'snippet'; learnerIds: string[]; event: SnippetBroadcast }
  | { kind: 'mirror'; classId: string; learnerIds: string[]; on: boolean }
  | { kind: 'removed'; learnerId: string; workspaceId: string }
  | { kind: 'reset'; learnerId: string; workspaceId: string };

const COMMAND_TOPIC = 'class-commands';
const mirroredMeta = (classId: string) => `mirrored:${classId}`;

export class Classroom {
  readonly hub: MirrorHub;
  private readonly presence: ClassPresence;
  private readonly broadcaster: Broadcaster;
  private readonly log: (line: string) => void;
  private readonly removedListeners = new Set<(learnerId: string) => void>();
  private readonly stopCommands: () => void;

  constructor(private readonly options: ClassroomOptions) {
    this.log = options.log ?? (() => {});
    const { bus } = options;
    // Alone, an instance's own watchers are all there is: its terminals' output stays in process.
    this.hub = new MirrorHub(bus.shared ? bus : null);
    this.presence = new ClassPresence({
      store: options.store,
      workspaces: options.workspaces,
      limits: options.config,
      bus,
    });
    this.broadcaster = new Broadcaster(this.hub, (learnerId) => this.presence.socketsOf(learnerId));
    this.stopCommands = bus.subscribe(COMMAND_TOPIC, (m) => void this.obey(m.body as ClassCommand));
  }

  /** Does this instance's part of a command: for the learners whose sockets or workspace it holds. */
  private async obey(command: ClassCommand): Promise<void> {
    switch (command.kind) {
      case 'snippet':
        this.broadcaster.snippet(command.learnerIds, command.event);
        return;
      case 'mirror':
        this.broadcaster.terminals(command.classId, command.learnerIds, command.on);
        return;
      case 'removed': {
        const { learnerId, workspaceId } = command;
        // Their sockets leave the class broadcast before presence forgets them (disconnect() cannot then).
        for (const socket of this.presence.socketsOf(learnerId)) this.broadcaster.left(socket);
        this.presence.expel(learnerId);
        // Sessions the learner's reloaded page could have re-attached to end too (server/ws/session-registry.ts).
        for (const listener of this.removedListeners) listener(learnerId);
        this.hub.drop(learnerId);
        if (this.workspaces.holds(workspaceId)) {
          await this.workspaces
            .destroy(workspaceId)
            .catch((err) => this.log(`workspace ${workspaceId}: ${String(err)}`));
        }
        return;
      }
      case 'reset':
        if (!this.workspaces.holds(command.workspaceId)) return;
        await this.resetHere(command.learnerId, command.workspaceId);
        return;
    }
  }

  private command(command: ClassCommand): void {
    this.options.bus.publish(COMMAND_TOPIC, command);
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
      const record: NewClass = {
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

  /** A class by its join code; an archived one too (join() refuses it with archivedClass()). */
  async classByCode(code: string): Promise<ClassRecord> {
    const c = await this.store.classByCode(normalizeJoinCode(code));
    if (!c)
      throw new ClassroomError(
        404,
        `no class has the code ${normalizeJoinCode(code) || '(empty)'}: check the code with your instructor`,
      );
    return c;
  }

  summary(c: NewClass & { archivedAt?: string | null }): Omit<ClassSummary, 'learners'> {
    const { id, name, code, createdAt } = c;
    return { id, name, code, joinPath: `/join/${code}`, createdAt, archivedAt: c.archivedAt ?? null };
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
      broadcastingTerminals: (await this.store.getMeta(mirroredMeta(classId))) === '1',
    };
  }

  /** Another instance stopped beating: the learners it spoke for are offline (presence.ts). */
  instanceGone(instanceId: string): void {
    this.presence.instanceGone(instanceId);
  }

  /** Live events of one class for the dashboard; the first is a snapshot. */
  async subscribe(classId: string, listener: (event: ClassEvent) => void): Promise<() => void> {
    const detail = await this.detail(classId);
    listener({ kind: 'snapshot', detail });
    return this.presence.listen(classId, listener);
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
    if (klass.archivedAt) throw archivedClass();
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
    await this.presence.changed(learner);
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
    // Every instance lets go of the learner's sockets and sessions, and the one running their
    // instances stops them; here the accounts and the record go, wherever the workspace ran.
    this.command({ kind: 'removed', learnerId: learner.id, workspaceId: learner.workspaceId });
    await this.workspaces
      .destroy(learner.workspaceId)
      .catch((err) => this.log(`workspace ${learner.workspaceId}: ${String(err)}`));
    this.presence.publish(learner.classId, { kind: 'removed', learnerId: learner.id });
    this.log(`${learner.name} was removed from the class`);
  }

  /** Called with each learner removed from a class. */
  onRemoved(listener: (learnerId: string) => void): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  async reset(learner: LearnerRecord): Promise<void> {
    // Running here, or on no instance (asleep: its accounts and saved data are emptied here);
    // running on another, that one empties its instances when it hears.
    if (this.workspaces.holds(learner.workspaceId) || !this.options.bus.shared) {
      await this.resetHere(learner.id, learner.workspaceId);
      return;
    }
    this.command({ kind: 'reset', learnerId: learner.id, workspaceId: learner.workspaceId });
  }

  private async resetHere(learnerId: string, workspaceId: string): Promise<void> {
    await this.workspaces.reset(workspaceId);
    this.presence.pushTo(learnerId, {
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

  // ---- presence and activity (presence.ts) ----

  /** A learner's socket opened: online, rate limits shared by their sockets, and the class broadcast if on. */
  connect(learner: LearnerRecord, socket: ConnectedSocket): Admits {
    const admits = this.presence.connect(learner, socket);
    if (this.broadcaster.mirroring(learner.classId)) this.broadcaster.joined(learner.classId, socket);
    else {
      // Turned on by an instance that has not told this one (it started later): the store knows.
      void this.store.getMeta(mirroredMeta(learner.classId)).then((on) => {
        if (on === '1' && this.presence.socketsOf(learner.id).has(socket)) {
          this.broadcaster.adopt(learner.classId);
          this.broadcaster.joined(learner.classId, socket);
        }
      });
    }
    return admits;
  }

  disconnect(learner: LearnerRecord, socket: ConnectedSocket): void {
    // Unknown once removed from the class: remove() ended and forgot their sockets.
    if (!this.presence.knows(learner.id)) return;
    this.presence.disconnect(learner, socket);
    this.broadcaster.left(socket);
  }

  /** A line, a run, a check: "last active" moves. */
  activity(learner: LearnerRecord): void {
    this.presence.activity(learner);
  }

  connectInstructor(socket: ConnectedSocket): void {
    this.presence.connectInstructor(socket);
  }

  disconnectInstructor(socket: ConnectedSocket): void {
    this.presence.disconnectInstructor(socket);
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

  /** A check ran: its attempt is recorded and the dashboard sees it. */
  recordCheck(learnerId: string, step: string, ok: boolean): Promise<void> {
    return this.presence.recordCheck(learnerId, step, ok);
  }

  setCurrent(learnerId: string, lesson: string | null): Promise<void> {
    return this.presence.setCurrent(learnerId, lesson);
  }

  view(l: LearnerRecord, steps: StepRecord[]): LearnerView {
    return this.presence.view(l, steps);
  }

  // ---- broadcast (broadcaster.ts) ----

  async broadcast(classId: string, event: SnippetBroadcast): Promise<number> {
    await this.classOrThrow(classId);
    const learnerIds = (await this.store.learnersOf(classId)).map((l) => l.id);
    this.command({ kind: 'snippet', learnerIds, event });
    return learnerIds.filter((id) => this.presence.online(id)).length;
  }

  /** Mirrors the instructor's terminals and runs to every learner of the class, or stops. */
  async broadcastTerminals(classId: string, on: boolean): Promise<number> {
    await this.classOrThrow(classId);
    const learnerIds = (await this.store.learnersOf(classId)).map((l) => l.id);
    await this.store.setMeta(mirroredMeta(classId), on ? '1' : '');
    this.command({ kind: 'mirror', classId, learnerIds, on });
    // The dashboard shows whether the class is mirrored: it gets the class afresh.
    const detail = await this.detail(classId);
    this.presence.publish(classId, { kind: 'snapshot', detail: { ...detail, broadcastingTerminals: on } });
    return learnerIds.filter((id) => this.presence.online(id)).length;
  }

  /** Every open socket ends (the server stops). */
  closeAll(): void {
    this.stopCommands();
    this.hub.detach();
    this.presence.closeAll();
  }
}
