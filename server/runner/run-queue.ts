// Who runs next: a bound on the runs that compute at once on this machine and per learner, and a
// queue beyond it that is fair across learners (round robin: one learner pressing Run fifty times
// waits behind their own runs, not in front of everybody else's). A run holds a CPU slot while it
// starts and computes; one that sits idle (a consumer waiting for messages, a program waiting for
// input) gives its slot back and takes it again when it gets busy. Every waiting run is told how
// many runs are ahead of it, and one that waited too long is turned away with a reason.

export interface RunQueueLimits {
  /** Runs computing at once on this machine. */
  slots: number;
  /** Of those, at most this many for one learner. */
  perLearner: number;
  /** Runs alive at once, idle or not (each holds a sandbox, its memory and its connections). */
  live: number;
  /** Runs one learner may have waiting; past it, Run is refused at once. */
  queuedPerLearner: number;
  /** A run that waited this long is turned away. */
  maxWaitMs: number;
}

export class QueueRefusal extends Error {}

export interface Ticket {
  /** Resolves when the run may start; rejects with a QueueRefusal when it may not. */
  readonly admitted: Promise<void>;
  /** The run went idle: its CPU slot goes to the next one. */
  idle(): void;
  /** The run got busy again: it counts against the slots again (it is never stopped for it). */
  busy(): void;
  /** The run ended, or was not wanted any more while it waited. Safe to call more than once. */
  release(): void;
}

interface Entry {
  learner: string;
  state: 'waiting' | 'busy' | 'idle' | 'done';
  ahead: number;
  onAhead: (ahead: number) => void;
  admit: () => void;
  refuse: (err: QueueRefusal) => void;
  timer: NodeJS.Timeout | null;
}

export class RunQueue {
  /** Waiting runs per learner, oldest first; the Map's order is the round robin's. */
  private readonly waiting = new Map<string, Entry[]>();
  private readonly admitted = new Set<Entry>();

  constructor(private readonly limits: RunQueueLimits) {}

  /** Runs waiting now, for /api/health and the bench. */
  get queued(): number {
    let n = 0;
    for (const list of this.waiting.values()) n += list.length;
    return n;
  }

  get busy(): number {
    return [...this.admitted].filter((e) => e.state === 'busy').length;
  }

  get live(): number {
    return this.admitted.size;
  }

  /**
   * A run of `learner` asks to start. `onAhead` hears how many runs are ahead of it while it waits
   * (first with the count at once when it has to wait; never when it starts right away).
   */
  enter(learner: string, onAhead: (ahead: number) => void = () => {}): Ticket {
    let admit!: () => void;
    let refuse!: (err: QueueRefusal) => void;
    const admitted = new Promise<void>((resolve, reject) => {
      admit = resolve;
      refuse = reject;
    });
    // Nobody may be left with an unhandled rejection: the caller awaits it, or releases the ticket.
    admitted.catch(() => {});
    const entry: Entry = { learner, state: 'waiting', ahead: -1, onAhead, admit, refuse, timer: null };
    const mine = this.waiting.get(learner) ?? [];
    if (mine.length >= this.limits.queuedPerLearner) {
      refuse(
        new QueueRefusal(
          `you have ${mine.length} runs waiting already (limit ${this.limits.queuedPerLearner}); wait for them or stop one`,
        ),
      );
      entry.state = 'done';
    } else {
      mine.push(entry);
      this.waiting.set(learner, mine);
      this.dispatch();
      if (entry.state === 'waiting') {
        entry.timer = setTimeout(() => this.expire(entry), this.limits.maxWaitMs);
        entry.timer.unref();
      }
    }
    return {
      admitted,
      idle: () => this.setState(entry, 'idle'),
      busy: () => this.setState(entry, 'busy'),
      release: () => this.release(entry),
    };
  }

  private setState(entry: Entry, state: 'idle' | 'busy'): void {
    if (entry.state === 'waiting' || entry.state === 'done' || entry.state === state) return;
    entry.state = state;
    if (state === 'idle') this.dispatch();
  }

  private release(entry: Entry): void {
    if (entry.state === 'done') return;
    if (entry.state === 'waiting') {
      this.unqueue(entry);
      entry.refuse(new QueueRefusal('the run was given up while it waited for a free slot'));
    }
    entry.state = 'done';
    if (entry.timer) clearTimeout(entry.timer);
    this.admitted.delete(entry);
    this.dispatch();
  }

  private expire(entry: Entry): void {
    if (entry.state !== 'waiting') return;
    this.unqueue(entry);
    entry.state = 'done';
    entry.refuse(
      new QueueRefusal(
        `waited ${Math.round(this.limits.maxWaitMs / 1000)} s for a free slot: the server is busy with other runs; try again`,
      ),
    );
    this.tellPositions();
  }

  private unqueue(entry: Entry): void {
    const list = this.waiting.get(entry.learner);
    if (!list) return;
    list.splice(list.indexOf(entry), 1);
    if (list.length === 0) this.waiting.delete(entry.learner);
  }

  private busyOf(learner: string): number {
    let n = 0;
    for (const e of this.admitted) if (e.learner === learner && e.state === 'busy') n++;
    return n;
  }

  /** Starts every run that may start now, taking learners in turn; then tells the rest their place. */
  private dispatch(): void {
    let progress = true;
    while (progress && this.busy < this.limits.slots && this.admitted.size < this.limits.live) {
      progress = false;
      for (const [learner, list] of this.waiting) {
        if (this.busy >= this.limits.slots || this.admitted.size >= this.limits.live) break;
        if (this.busyOf(learner) >= this.limits.perLearner) continue;
        const entry = list.shift()!;
        // To the back of the round robin: the next learner goes first next time.
        this.waiting.delete(learner);
        if (list.length > 0) this.waiting.set(learner, list);
        entry.state = 'busy';
        if (entry.timer) clearTimeout(entry.timer);
        this.admitted.add(entry);
        entry.admit();
        progress = true;
      }
    }
    this.tellPositions();
  }

  /**
   * How many runs go before each waiting one, in the order the round robin will take them if every
   * learner may run (a learner at their own bound only makes their own runs wait longer).
   */
  private tellPositions(): void {
    const lists = [...this.waiting.values()];
    const longest = Math.max(0, ...lists.map((l) => l.length));
    let ahead = 0;
    for (let round = 0; round < longest; round++) {
      for (const list of lists) {
        const entry = list[round];
        if (!entry) continue;
        if (entry.ahead !== ahead) {
          entry.ahead = ahead;
          entry.onAhead(ahead);
        }
        ahead++;
      }
    }
  }
}
