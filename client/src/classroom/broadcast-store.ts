// What the instructor shares with a learner, as it arrives over the socket: snippets (listed until
// opened or dismissed) and the instructor's terminals live (a mirror, from the first mirror event
// until "mirror-stop"). The snippets are kept in the tab's sessionStorage, so a reload does not lose
// one the learner has not opened yet; the mirror comes back by itself (the server sends it to every
// new socket while the class is mirrored).
import type { BroadcastEvent } from '../../../shared/classroom-api.ts';
import type { MirrorSink } from './mirror-screens.ts';

export type SharedSnippet = Extract<BroadcastEvent, { kind: 'snippet' }>;

/** Snippets kept at once; an instructor sharing more than this in a row has moved on from the old ones. */
export const MAX_SHARED_SNIPPETS = 4;
/** Ids remembered as seen (opened, dismissed or shown), so one delivered again is not listed twice. */
export const MAX_SEEN_SNIPPETS = 64;

export const SHARED_SNIPPETS_KEY = 'playground.shared-snippets';

/** The tab's sessionStorage, or null where there is none (tests, a locked-down browser). */
function tabStorage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null;
  }
}

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
    private readonly storage: Storage | null = tabStorage(),
  ) {
    this.restore();
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
    if (change.snippets) this.keep();
    for (const l of this.listeners) l();
  }

  private keep(): void {
    try {
      const seen = [...this.seen].slice(-MAX_SEEN_SNIPPETS);
      this.storage?.setItem(SHARED_SNIPPETS_KEY, JSON.stringify({ snippets: this.snap.snippets, seen }));
    } catch {
      // Storage full or off: the list lasts for this page only.
    }
  }

  private restore(): void {
    try {
      const raw = this.storage?.getItem(SHARED_SNIPPETS_KEY);
      if (!raw) return;
      const kept = JSON.parse(raw) as { snippets?: unknown; seen?: unknown };
      const snippets = Array.isArray(kept.snippets)
        ? kept.snippets.filter(isSnippet).slice(0, MAX_SHARED_SNIPPETS)
        : [];
      const seen = Array.isArray(kept.seen) ? kept.seen.filter((s): s is string => typeof s === 'string') : [];
      for (const id of [...seen, ...snippets.map((s) => s.id)]) this.seen.add(id);
      this.snap = { ...this.snap, snippets };
    } catch {
      // Unreadable: start with none.
    }
  }
}

function isSnippet(value: unknown): value is SharedSnippet {
  const v = value as Partial<SharedSnippet> | null;
  return (
    !!v &&
    v.kind === 'snippet' &&
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.code === 'string' &&
    typeof v.at === 'string' &&
    (v.language === 'python' || v.language === 'javascript')
  );
}
