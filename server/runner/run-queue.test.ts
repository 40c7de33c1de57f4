import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueueRefusal, RunQueue, type RunQueueLimits, type Ticket } from './run-queue.ts';

const LIMITS: RunQueueLimits = { slots: 2, perLearner: 1, live: 10, queuedPerLearner: 50, maxWaitMs: 60_000 };

/** Whether the ticket has been let in, after the promise callbacks have run. */
async function admitted(ticket: Ticket): Promise<boolean | 'refused'> {
  let state: boolean | 'refused' = false;
  ticket.admitted.then(
    () => (state = true),
    () => (state = 'refused'),
  );
  await Promise.resolve();
  await Promise.resolve();
  return state;
}

describe('RunQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets runs in up to the slots, then queues them and says how many are ahead', async () => {
    const q = new RunQueue(LIMITS);
    const a = q.enter('ann');
    const b = q.enter('bob');
    const seen: number[] = [];
    const c = q.enter('cat', (n) => seen.push(n));
    expect(await admitted(a)).toBe(true);
    expect(await admitted(b)).toBe(true);
    expect(await admitted(c)).toBe(false);
    expect(seen).toEqual([0]);
    a.release();
    expect(await admitted(c)).toBe(true);
    expect(q.busy).toBe(2);
    expect(q.queued).toBe(0);
  });

  it("one learner's flood does not delay another learner's run by more than one run", async () => {
    const q = new RunQueue({ ...LIMITS, slots: 1, perLearner: 1 });
    const flood = Array.from({ length: 50 }, () => q.enter('flooder'));
    const aheadOfOther: number[] = [];
    const other = q.enter('other', (n) => aheadOfOther.push(n));
    expect(await admitted(flood[0])).toBe(true);
    // Behind the flooder's first queued run at most, not behind all 49.
    expect(aheadOfOther.at(-1)).toBe(1);
    flood[0].release();
    expect(await admitted(flood[1])).toBe(true);
    expect(await admitted(other)).toBe(false);
    expect(aheadOfOther.at(-1)).toBe(0);
    flood[1].release();
    expect(await admitted(other)).toBe(true);
    expect(await admitted(flood[2])).toBe(false);
  });

  it('keeps one learner to their share of the slots while others wait', async () => {
    const q = new RunQueue({ ...LIMITS, slots: 3, perLearner: 2 });
    const [a1, a2, a3] = [q.enter('ann'), q.enter('ann'), q.enter('ann')];
    expect([await admitted(a1), await admitted(a2), await admitted(a3)]).toEqual([true, true, false]);
    const b = q.enter('bob');
    expect(await admitted(b)).toBe(true);
  });

  it('an idle run gives its slot to the next; it counts again once busy', async () => {
    const q = new RunQueue({ ...LIMITS, slots: 1 });
    const consumer = q.enter('ann');
    const next = q.enter('bob');
    expect(await admitted(next)).toBe(false);
    consumer.idle();
    expect(await admitted(next)).toBe(true);
    consumer.busy();
    expect(q.busy).toBe(2);
    const third = q.enter('cat');
    next.release();
    expect(await admitted(third)).toBe(false);
    consumer.release();
    expect(await admitted(third)).toBe(true);
  });

  it('idle runs still count against the live bound', async () => {
    const q = new RunQueue({ ...LIMITS, slots: 5, live: 2 });
    const [a, b] = [q.enter('ann'), q.enter('bob')];
    a.idle();
    b.idle();
    const c = q.enter('cat');
    expect(await admitted(c)).toBe(false);
    a.release();
    expect(await admitted(c)).toBe(true);
  });

  it('turns a run away that waited too long, or one too many of one learner', async () => {
    const q = new RunQueue({ ...LIMITS, slots: 1, queuedPerLearner: 2, maxWaitMs: 5_000 });
    q.enter('ann');
    const late = q.enter('bob');
    vi.advanceTimersByTime(5_001);
    expect(await admitted(late)).toBe('refused');
    await expect(late.admitted).rejects.toThrow(/waited 5 s for a free slot/);
    expect(q.queued).toBe(0);

    q.enter('cat');
    q.enter('cat');
    const third = q.enter('cat');
    await expect(third.admitted).rejects.toBeInstanceOf(QueueRefusal);
    await expect(third.admitted).rejects.toThrow(/2 runs waiting already/);
  });

  it('a run given up while waiting leaves the queue, and the ones behind move up', async () => {
    const q = new RunQueue({ ...LIMITS, slots: 1 });
    q.enter('ann');
    const gone = q.enter('bob');
    const seen: number[] = [];
    q.enter('cat', (n) => seen.push(n));
    expect(seen).toEqual([1]);
    gone.release();
    await expect(gone.admitted).rejects.toThrow(/given up/);
    expect(seen).toEqual([1, 0]);
    gone.release();
    expect(q.queued).toBe(1);
  });
});
