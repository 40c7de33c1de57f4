// What the instructor shares with a learner, as it arrives over the socket: snippets (cards that
// stack until opened or dismissed) and the instructor's terminals live (a mirror, from the first
// mirror event until "mirror-stop").
import type { BroadcastEvent } from '../../../shared/classroom-api.ts';
import type { MirrorSink } from './mirror-screens.ts';

export type SharedSnippet = Extract<BroadcastEvent, { kind: 'snippet' }>;

/** Cards kept at once; an instructor sharing more than this in a row has moved on from the old ones. */
export const MAX_SHARED_SNIPPETS = 4;

export interface BroadcastSnapshot<M extends MirrorSink = MirrorSink> {
  /** Newest first. */
  snippets: SharedSnippet[];
  /** Set while the instructor's terminals are broadcast. */
  mirror: M | null;
}

export class BroadcastStore<M extends MirrorSink = MirrorSink> {
  private snap: BroadcastSnapshot<M> = { snippets: [], mirror: null };
  private readonly listeners = new Set<() => void>();
  private readonly seen = new Set<string>();

  constructor(
    source: { onBroadcast(listener: (event: BroadcastEvent) => void): () => void },
    private readonly createMirror: () => M,
  ) {
    source.onBroadcast((event) => this.receive(event));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): BroadcastSnapshot<M> => this.snap;

  dismiss(id: string): void {
    this.update({ snippets: this.snap.snippets.filter((s) => s.id !== id) });
  }

  receive(event: BroadcastEvent): void {
    switch (event.kind) {
      case 'snippet': {
        // A reconnect may deliver a snippet again: one card per snippet.
        if (this.seen.has(event.id)) return;
        this.seen.add(event.id);
        this.update({ snippets: [event, ...this.snap.snippets].slice(0, MAX_SHARED_SNIPPETS) });
        return;
      }
      case 'mirror': {
        const mirror = this.snap.mirror ?? this.createMirror();
        mirror.apply(event.event);
        if (mirror !== this.snap.mirror) this.update({ mirror });
        return;
      }
      case 'mirror-stop':
        if (!this.snap.mirror) return;
        this.snap.mirror.dispose();
        this.update({ mirror: null });
        return;
      default: {
        const unknown: never = event;
        console.warn('playground: unknown broadcast', unknown);
      }
    }
  }

  private update(change: Partial<BroadcastSnapshot<M>>): void {
    this.snap = { ...this.snap, ...change };
    for (const l of this.listeners) l();
  }
}
