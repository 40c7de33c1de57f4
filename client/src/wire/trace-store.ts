// One channel's trace as the page keeps it: the `trace` frames of a terminal or run opened with
// `trace: true` (shared/trace.ts), merged into one list in `seq` order, each seq once (a reload's
// replay sends again what the page may already have). A terminal or run pane owns one store for
// its life and points it at each new channel it opens (`reset`); the Wire view (TraceView.tsx)
// reads it through useTrace.
import { useSyncExternalStore } from 'react';
import type { ServerMessage } from '../../../shared/protocol.ts';
import { TRACE_MAX_FRAMES, type TraceEvent } from '../../../shared/trace.ts';

/**
 * Events kept at most. The server keeps TRACE_MAX_FRAMES frames (opens and closes count as frames)
 * and, past them, one hint per error frame it kept and its two `dropped` notices: twice the frames
 * and a little is more than it can send. Past this the page keeps the first ones, as the server does.
 */
export const TRACE_KEEP_EVENTS = TRACE_MAX_FRAMES * 2 + 16;

export type TraceMessage = Extract<ServerMessage, { type: 'trace' }>;

export interface TraceSnapshot {
  /** The channel whose trace this is; null before the pane opened one. */
  channel: string | null;
  /** The channel was opened with `trace: true`: events will come. */
  traced: boolean;
  /** In `seq` order, each once. */
  events: readonly TraceEvent[];
  /** Events that came past TRACE_KEEP_EVENTS and were not kept. */
  overflow: number;
  /** When the channel opened (ms since 1970): the exports' timestamps count from it. */
  openedAt: number | null;
}

const NONE: TraceSnapshot = { channel: null, traced: false, events: [], overflow: 0, openedAt: null };

/**
 * `kept` with `incoming` merged in: sorted by seq, each seq once (the first copy wins: a replay
 * repeats an event, it never changes one), at most `cap` events, the lowest seqs kept.
 */
export function mergeTraceEvents(
  kept: readonly TraceEvent[],
  incoming: readonly TraceEvent[],
  cap = TRACE_KEEP_EVENTS,
): { events: TraceEvent[]; overflow: number } {
  let events: TraceEvent[];
  const last = kept.length > 0 ? kept[kept.length - 1].seq : -Infinity;
  if (incoming.every((e, i) => e.seq > (i === 0 ? last : incoming[i - 1].seq))) {
    // The usual case, live events after the ones kept: no sorting.
    events = [...kept, ...incoming];
  } else {
    const bySeq = new Map<number, TraceEvent>();
    for (const e of kept) bySeq.set(e.seq, e);
    for (const e of incoming) if (!bySeq.has(e.seq)) bySeq.set(e.seq, e);
    events = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
  if (events.length <= cap) return { events, overflow: 0 };
  return { events: events.slice(0, cap), overflow: events.length - cap };
}

export class TraceStore {
  private snap: TraceSnapshot = NONE;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): TraceSnapshot => this.snap;

  /**
   * The pane opened `channel` (or took it up after a reload, `adopted`): its trace starts empty.
   * For a channel taken up, when it opened is learnt from its first events.
   */
  reset(channel: string | null, traced: boolean, adopted = false): void {
    if (channel !== null && channel === this.snap.channel) return;
    this.update({
      channel,
      traced: channel !== null && traced,
      events: [],
      overflow: 0,
      openedAt: channel === null || adopted ? null : this.now(),
    });
  }

  /** A `trace` frame; one for another channel (an earlier run's, late) is not this store's. */
  receive(message: TraceMessage): void {
    if (message.id !== this.snap.channel || message.events.length === 0) return;
    const { events, overflow } = mergeTraceEvents(this.snap.events, message.events);
    if (events.length === this.snap.events.length && overflow === this.snap.overflow) return;
    const newest = message.events.reduce((t, e) => Math.max(t, e.t), 0);
    this.update({
      ...this.snap,
      events,
      // A replay sends again what may have been left out already: counted once.
      overflow: message.replay ? Math.max(this.snap.overflow, overflow) : this.snap.overflow + overflow,
      // Events come a few milliseconds after they happen: close enough for a capture's clock.
      openedAt: this.snap.openedAt ?? this.now() - newest,
      traced: true,
    });
  }

  private update(next: TraceSnapshot): void {
    this.snap = next;
    for (const l of [...this.listeners]) l();
  }
}

/** The trace of a store, for a component (re-rendered at every change). */
export function useTrace(store: TraceStore): TraceSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
