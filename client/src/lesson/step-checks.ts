// Every step's check on this page: asked by its Check button, or by itself once the learner has run
// the step's blocks (a terminal block typed to its last reply, a snippet run ended, or a background
// one settled). The last answer per step is kept in sessionStorage, so a reload shows it again; a
// new tab starts without (the answers were about the services then, not now).
//
// Outside React: a run can end after its step's card has gone (the learner moved on), and its
// check still counts.
import type { CheckResponse } from '../../../shared/lesson-api.ts';
import { checkStep } from './lesson-api.ts';
import type { LessonAddress } from './lesson-route.ts';
import { stepKey } from './progress.ts';

export interface CheckRecord {
  ok: boolean;
  results: CheckResponse['results'];
  /** Asked by itself after a run, not by the learner. */
  auto: boolean;
  /** When it answered (ms since the epoch). */
  at: number;
}

export type StepCheck =
  | { kind: 'idle' }
  | { kind: 'checking'; auto: boolean }
  | { kind: 'answered'; record: CheckRecord }
  | { kind: 'failed'; message: string; auto: boolean };

const IDLE: StepCheck = { kind: 'idle' };

/** After the step's last block has finished, the check waits this long for more (the next Run). */
export const AUTO_CHECK_DELAY_MS = 700;

/**
 * A background snippet (a consumer) never ends by itself: its step is checked this long after it
 * started running, as lessons:check gives it a few seconds to print its first line.
 */
export const BACKGROUND_SETTLE_MS = 2500;

/** Answers kept for reloads; past this the oldest go (a whole course has about 150 checked steps). */
export const MAX_KEPT_CHECKS = 200;

export const CHECKS_STORAGE_KEY = 'playground.checks';

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function isRecord(v: unknown): v is CheckRecord {
  const r = v as Partial<CheckRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.ok === 'boolean' &&
    typeof r.auto === 'boolean' &&
    typeof r.at === 'number' &&
    Array.isArray(r.results) &&
    r.results.every(
      (x: { ok?: unknown; message?: unknown }) => typeof x?.ok === 'boolean' && typeof x.message === 'string',
    )
  );
}

/** Stored answers, or none when the text is not ours. */
export function parseStoredChecks(json: string | null): Map<string, CheckRecord> {
  try {
    const value = JSON.parse(json ?? '{}') as Record<string, unknown>;
    return new Map(Object.entries(value).filter((e): e is [string, CheckRecord] => isRecord(e[1])));
  } catch {
    return new Map();
  }
}

/** The newest `max` answers, as stored. */
export function serializeChecks(records: Map<string, CheckRecord>, max = MAX_KEPT_CHECKS): string {
  const newest = [...records].sort((a, b) => b[1].at - a[1].at).slice(0, max);
  return JSON.stringify(Object.fromEntries(newest));
}

export class StepChecks {
  private readonly states = new Map<string, StepCheck>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly passListeners = new Set<(key: string) => void>();
  /** Blocks of a step that are still typing or running, and the check waiting for them to end. */
  private readonly pending = new Map<
    string,
    { blocks: number; ran: boolean; timer: ReturnType<typeof setTimeout> | null }
  >();

  constructor(
    private readonly storage: Store | null,
    private readonly ask: (a: LessonAddress, step: string) => Promise<CheckResponse> = checkStep,
  ) {
    let stored = new Map<string, CheckRecord>();
    try {
      stored = parseStoredChecks(storage?.getItem(CHECKS_STORAGE_KEY) ?? null);
    } catch {
      // Storage disabled: nothing comes back after a reload.
    }
    for (const [key, record] of stored) this.states.set(key, { kind: 'answered', record });
  }

  /** The same object until it changes (React's useSyncExternalStore compares them). */
  get(key: string): StepCheck {
    return this.states.get(key) ?? IDLE;
  }

  subscribe(key: string, listener: () => void): () => void {
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Called with "course/lesson/step" when a check passes (the server has recorded it). */
  onPassed(listener: (key: string) => void): () => void {
    this.passListeners.add(listener);
    return () => this.passListeners.delete(listener);
  }

  /** Asks the step's check now. An automatic ask while one is under way is dropped. */
  check(address: LessonAddress, step: string, auto: boolean): Promise<void> {
    const key = stepKey(address.course, address.lesson, step);
    const now = this.get(key);
    if (now.kind === 'checking' && auto) return Promise.resolve();
    this.set(key, { kind: 'checking', auto });
    return this.ask(address, step).then(
      (response) => {
        this.set(key, {
          kind: 'answered',
          record: { ok: response.ok, results: response.results, auto, at: Date.now() },
        });
        if (response.ok) for (const l of this.passListeners) l(key);
      },
      (err: Error) => this.set(key, { kind: 'failed', message: err.message, auto }),
    );
  }

  /**
   * A block of the step starts typing or running; call the answer when it has finished (`ran`:
   * it did what it says, so the check is worth asking). Once no block of the step is busy, the
   * check runs after AUTO_CHECK_DELAY_MS.
   */
  blockStarted(address: LessonAddress, step: string): (ran: boolean) => void {
    const key = stepKey(address.course, address.lesson, step);
    const p = this.pending.get(key) ?? { blocks: 0, ran: false, timer: null };
    if (p.timer) clearTimeout(p.timer);
    p.timer = null;
    p.blocks++;
    this.pending.set(key, p);
    let finished = false;
    return (ran) => {
      if (finished) return;
      finished = true;
      p.blocks--;
      p.ran ||= ran;
      if (p.blocks > 0) return;
      if (!p.ran) {
        this.pending.delete(key);
        return;
      }
      p.timer = setTimeout(() => {
        this.pending.delete(key);
        void this.check(address, step, true);
      }, AUTO_CHECK_DELAY_MS);
    };
  }

  /** "Start this lesson fresh": what the checks found is no longer so. */
  forgetLesson(address: LessonAddress): void {
    const prefix = `${address.course}/${address.lesson}/`;
    for (const key of [...this.states.keys()]) {
      if (key.startsWith(prefix) && this.get(key).kind !== 'checking') this.set(key, { kind: 'idle' });
    }
  }

  private set(key: string, state: StepCheck): void {
    if (state.kind === 'idle') this.states.delete(key);
    else this.states.set(key, state);
    if (state.kind === 'answered' || state.kind === 'idle') this.save();
    for (const l of this.listeners.get(key) ?? []) l();
  }

  private save(): void {
    const records = new Map<string, CheckRecord>();
    for (const [key, s] of this.states) if (s.kind === 'answered') records.set(key, s.record);
    try {
      this.storage?.setItem(CHECKS_STORAGE_KEY, serializeChecks(records));
    } catch {
      // Full or disabled: the answers last for this page only.
    }
  }
}

function sessionStore(): Store | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The page's checks. */
export const stepChecks = new StepChecks(typeof window === 'undefined' ? null : sessionStore());
