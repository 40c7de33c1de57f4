import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../../shared/trace.ts';
import { TRACE_KEEP_EVENTS, TraceStore, mergeTraceEvents } from './trace-store.ts';

const ev = (seq: number, change: Partial<TraceEvent> = {}): TraceEvent => ({
  seq,
  kind: 'frame',
  t: seq * 10,
  conn: 1,
  service: 'redis',
  dir: 'send',
  bytes: '',
  summary: `#${seq}`,
  ...change,
});
const seqs = (events: readonly TraceEvent[]) => events.map((e) => e.seq);

describe('merging trace events', () => {
  test('live events append; a replay keeps each seq once, in order', () => {
    const live = mergeTraceEvents([ev(0), ev(1)], [ev(2), ev(3)]);
    expect(seqs(live.events)).toEqual([0, 1, 2, 3]);
    const replayed = mergeTraceEvents(live.events, [ev(0), ev(1), ev(2), ev(3), ev(4)]);
    expect(seqs(replayed.events)).toEqual([0, 1, 2, 3, 4]);
    expect(replayed.overflow).toBe(0);
  });

  test('out of order: sorted by seq; the copy kept first wins', () => {
    const kept = [ev(1, { summary: 'first copy' }), ev(5)];
    const merged = mergeTraceEvents(kept, [ev(3), ev(1, { summary: 'second copy' }), ev(0)]);
    expect(seqs(merged.events)).toEqual([0, 1, 3, 5]);
    expect(merged.events[1].summary).toBe('first copy');
  });

  test('past the cap the lowest seqs stay, as the server keeps the first frames', () => {
    const merged = mergeTraceEvents([ev(0), ev(1)], [ev(2), ev(3), ev(4)], 3);
    expect(seqs(merged.events)).toEqual([0, 1, 2]);
    expect(merged.overflow).toBe(2);
    expect(TRACE_KEEP_EVENTS).toBeGreaterThan(4000);
  });
});

describe('a pane’s trace store', () => {
  test('takes its channel’s frames only, and tells its subscribers', () => {
    const store = new TraceStore(() => 1_000_000);
    let calls = 0;
    store.subscribe(() => calls++);
    store.reset('run-1', true);
    expect(store.getSnapshot()).toMatchObject({ channel: 'run-1', traced: true, events: [], openedAt: 1_000_000 });
    store.receive({ type: 'trace', id: 'run-1', events: [ev(0), ev(1)] });
    store.receive({ type: 'trace', id: 'run-0', events: [ev(7)] });
    expect(seqs(store.getSnapshot().events)).toEqual([0, 1]);
    // Nothing new in a replay: no change, no render.
    const before = store.getSnapshot();
    store.receive({ type: 'trace', id: 'run-1', events: [ev(0), ev(1)], replay: true });
    expect(store.getSnapshot()).toBe(before);
    expect(calls).toBe(2);
  });

  test('a new channel starts empty; the same channel again (a reattach) keeps what it has', () => {
    const store = new TraceStore(() => 5000);
    store.reset('redis-1', true);
    store.receive({ type: 'trace', id: 'redis-1', events: [ev(0)] });
    store.reset('redis-1', true, true);
    expect(seqs(store.getSnapshot().events)).toEqual([0]);
    store.reset('redis-2', true);
    expect(store.getSnapshot().events).toEqual([]);
    store.reset(null, false);
    expect(store.getSnapshot()).toMatchObject({ channel: null, traced: false });
  });

  test('a channel taken up after a reload learns when it opened from its events', () => {
    const store = new TraceStore(() => 10_000);
    store.reset('run-3', true, true);
    expect(store.getSnapshot().openedAt).toBeNull();
    store.receive({ type: 'trace', id: 'run-3', events: [ev(0, { t: 100 }), ev(1, { t: 400 })], replay: true });
    expect(store.getSnapshot().openedAt).toBe(9600);
  });

  test('a channel opened untraced says so until frames come', () => {
    const store = new TraceStore();
    store.reset('run-4', false);
    expect(store.getSnapshot().traced).toBe(false);
    store.receive({ type: 'trace', id: 'run-4', events: [ev(0)] });
    expect(store.getSnapshot().traced).toBe(true);
  });
});
