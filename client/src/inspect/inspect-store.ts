// What the Inspect tab shows, outside React: the one service it shows now, that service's last
// state from the server (an `inspect` channel, opened while the tab shows it and again after every
// reconnect, since the server ends its inspectors with the socket), and for memcached the recent
// hit and miss counts, for its chart.
import type { InspectState, MemcachedInspectState } from '../../../shared/inspect.ts';
import type { Connection, TerminalMessage } from '../connection.ts';

/** memcached's counters over the last minute or so, one point per state. */
export interface CounterPoint {
  at: number;
  hits: number;
  misses: number;
}

export interface InspectSnapshot {
  service: string | null;
  state: InspectState | null;
  /** When the state came (performance.now()), for TTLs that count down in between. */
  receivedAt: number;
  error: string | null;
  history: CounterPoint[];
}

const HISTORY_MS = 3 * 60_000;
/**
 * A view the learner hides stays open this long, so that a quick trip to a terminal (publish a
 * message, set a key) finds the view caught up on return, the publish's route included.
 */
export const KEEP_HIDDEN_MS = 90_000;
/** `history` with a point for `state` if it is memcached's, points older than HISTORY_MS dropped. */
export function withCounterPoint(
  history: CounterPoint[],
  service: string,
  state: InspectState,
  now: number,
): CounterPoint[] {
  if (service !== 'memcached') return history;
  const { stats } = state as MemcachedInspectState;
  return [
    ...history.filter((p) => now - p.at < HISTORY_MS),
    { at: now, hits: stats.get_hits, misses: stats.get_misses },
  ];
}

const EMPTY: InspectSnapshot = { service: null, state: null, receivedAt: 0, error: null, history: [] };

export class InspectStore {
  private snap: InspectSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private id: string | null = null;
  private unroute: (() => void) | null = null;
  /** What the view asked of this service (Redis: the key to show, the pattern), sent again after a reconnect. */
  private request: object | null = null;
  /** Set while the tab is hidden and the channel is kept (KEEP_HIDDEN_MS). */
  private hiddenTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly connection: Connection) {
    connection.onOpen(() => {
      // The server closed the old channel with the old socket.
      this.detach(false);
      if (this.snap.service) this.attach(this.snap.service);
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): InspectSnapshot => this.snap;

  /**
   * Asks the service's inspector for more (Redis: `{ show: key }` for a key's value, `{ match }`
   * for a pattern). What was asked is kept, merged, and asked again after a reconnect.
   */
  ask(request: object): void {
    this.request = { ...this.request, ...request };
    if (this.id) this.connection.send({ type: 'input', id: this.id, data: JSON.stringify(request) });
  }

  /**
   * Shows `service`. null: the tab is closed; the server is asked for nothing once KEEP_HIDDEN_MS
   * have passed without the same view being shown again.
   */
  show(service: string | null): void {
    if (this.hiddenTimer) {
      clearTimeout(this.hiddenTimer);
      this.hiddenTimer = null;
      if (service === this.snap.service) return;
    }
    if (service === null && this.snap.service !== null) {
      this.hiddenTimer = setTimeout(() => {
        this.hiddenTimer = null;
        this.switchTo(null);
      }, KEEP_HIDDEN_MS);
      return;
    }
    this.switchTo(service);
  }

  private switchTo(service: string | null): void {
    if (service === this.snap.service) return;
    this.request = null;
    this.detach();
    this.update({ ...EMPTY, service });
    if (service && this.connection.isOpen) this.attach(service);
  }

  private attach(service: string): void {
    const id = this.connection.newId('inspect');
    this.id = id;
    this.unroute = this.connection.route(id, { receive: (m) => this.receive(id, service, m) });
    this.connection.send({ type: 'open', id, kind: 'inspect', service });
    if (this.request) this.connection.send({ type: 'input', id, data: JSON.stringify(this.request) });
  }

  private detach(tellServer = true): void {
    if (tellServer && this.id && this.connection.isOpen) this.connection.send({ type: 'close', id: this.id });
    this.unroute?.();
    this.unroute = null;
    this.id = null;
  }

  private receive(id: string, service: string, message: TerminalMessage): void {
    if (id !== this.id) return;
    if (message.type === 'state') {
      const now = performance.now();
      const history = withCounterPoint(this.snap.history, service, message.state, now);
      this.update({ ...this.snap, state: message.state, receivedAt: now, error: null, history });
    } else if (message.type === 'error') {
      this.update({ ...this.snap, error: message.message });
    }
  }

  private update(next: InspectSnapshot): void {
    this.snap = next;
    for (const l of [...this.listeners]) l();
  }
}
