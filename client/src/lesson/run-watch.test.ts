import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { RunPaneInfo, RunStatus } from '../runs/run-panes.ts';
import { RUN_WATCH_LIMIT_MS, whenRunSettles, type RunsLike } from './run-watch.ts';
import { BACKGROUND_SETTLE_MS } from './step-checks.ts';

/** One run pane whose status the test moves on. */
class FakeRuns {
  info: RunPaneInfo | null = {
    key: 'p1',
    file: 'a.py',
    language: 'python',
    number: 1,
    status: 'starting',
    code: null,
    message: null,
    runs: 1,
    waiting: false,
    ahead: null,
    lesson: null,
  };
  private readonly listeners = new Set<() => void>();
  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  session = (key: string) =>
    this.info && key === this.info.key ? { getSnapshot: () => this.info!, subscribe: this.subscribe } : undefined;
  set(status: RunStatus, change: Partial<RunPaneInfo> = {}) {
    this.info = { ...this.info!, status, ...change };
    for (const l of [...this.listeners]) l();
  }
  close() {
    this.info = null;
    for (const l of [...this.listeners]) l();
  }
}

const asRuns = (f: FakeRuns) => f as unknown as RunsLike;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test('a program counts once it has ended', async () => {
  const runs = new FakeRuns();
  let settled: boolean | null = null;
  void whenRunSettles(asRuns(runs), 'p1', false).then((v) => (settled = v));
  runs.set('running');
  await vi.advanceTimersByTimeAsync(BACKGROUND_SETTLE_MS * 2);
  expect(settled).toBeNull();
  runs.set('exited', { code: 0 });
  await vi.advanceTimersByTimeAsync(0);
  expect(settled).toBe(true);
});

test('a background program counts once it has run a moment', async () => {
  const runs = new FakeRuns();
  let settled: boolean | null = null;
  void whenRunSettles(asRuns(runs), 'p1', true).then((v) => (settled = v));
  runs.set('running');
  await vi.advanceTimersByTimeAsync(BACKGROUND_SETTLE_MS - 10);
  expect(settled).toBeNull();
  await vi.advanceTimersByTimeAsync(20);
  expect(settled).toBe(true);
});

test('a run that never started, lost its connection or had its pane closed does not count', async () => {
  for (const end of ['failed', 'lost', 'closed'] as const) {
    const runs = new FakeRuns();
    const result = whenRunSettles(asRuns(runs), 'p1', false);
    if (end === 'closed') runs.close();
    else runs.set(end);
    await expect(result).resolves.toBe(false);
  }
  await expect(whenRunSettles(asRuns(new FakeRuns()), 'no-such-pane', false)).resolves.toBe(false);
});

test('a program still going (waiting for input) is waited for only so long', async () => {
  const runs = new FakeRuns();
  const result = whenRunSettles(asRuns(runs), 'p1', false);
  runs.set('running');
  await vi.advanceTimersByTimeAsync(RUN_WATCH_LIMIT_MS);
  await expect(result).resolves.toBe(true);
});
