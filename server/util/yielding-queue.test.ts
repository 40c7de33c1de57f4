import { describe, expect, it } from 'vitest';
import { YieldingQueue } from './yielding-queue.ts';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('YieldingQueue', () => {
  it('handles items in order, after the current turn', async () => {
    const seen: number[] = [];
    const queue = new YieldingQueue<number>((n) => seen.push(n), 5);
    queue.push(1);
    queue.push(2);
    expect(seen).toEqual([]);
    await turn();
    expect(seen).toEqual([1, 2]);
  });

  it('yields once its budget is spent, and asks the producer to pause while it is full', async () => {
    const seen: number[] = [];
    const pauses: boolean[] = [];
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const queue = new YieldingQueue<number>(
      (n) => {
        busy(2);
        seen.push(n);
      },
      3,
      4,
      (full) => pauses.push(full),
    );
    for (let i = 0; i < 6; i++) queue.push(i);
    expect(pauses).toEqual([true]);
    await turn();
    // 2 ms each against a 3 ms budget: two items (one, on a machine that took the core away
    // meanwhile), then the turn is given back.
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(2);
    expect(pauses).toEqual([true]);
    while (queue.length > 0) await turn();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    // Resumed once it was below half of its high-water mark.
    expect(pauses).toEqual([true, false]);
  });
});
