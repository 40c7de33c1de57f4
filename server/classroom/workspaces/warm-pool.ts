// The warm pool: workspaces provisioned and running before anybody joins, so that a learner who
// joins gets one at once (provisioning takes ~0.1–1 s while a whole class joins). The pool is topped
// up after each claim; unassigned workspaces that were stopped (after a restart of the server) are
// started again before new ones are made. Its workspaces are never reclaimed: keeping them running
// is the point.
import { errorText } from '../../util/errors.ts';
import type { Entry } from './entry.ts';

/**
 * Workspaces the pool provisions at once when it fills: enough to fill a pool for a whole class in
 * a few seconds at start(), few enough to leave the 2 cores to learners already working.
 */
const FILL_CONCURRENCY = 4;

export interface WarmPoolOptions {
  /** Workspaces to keep ready (this instance's share of the class's target: setSize). */
  size: number;
  /** Whether an unassigned workspace is this pool's to start and hand out. */
  mine(entry: Entry): boolean;
  entries(): Iterable<Entry>;
  /** Its instances answer now. */
  serving(entry: Entry): boolean;
  /** Makes a new unassigned workspace. */
  provision(): Promise<unknown>;
  /** Starts an unassigned workspace's instances again. */
  start(entry: Entry): Promise<void>;
  closing(): boolean;
  log(line: string): void;
}

export class WarmPool {
  private filling: Promise<void> | null = null;

  private size: number;

  constructor(private readonly options: WarmPoolOptions) {
    this.size = options.size;
  }

  /** A new share (another instance came or went): the next fill() tops up to it; a smaller one waits for claims. */
  setSize(size: number): void {
    this.size = size;
  }

  /** Not (yet) anybody's, and this pool's. */
  isWarm(e: Entry): boolean {
    return e.record.learnerId === null && !e.claimed && !e.destroyed && this.options.mine(e);
  }

  /** A warm workspace for a learner: a running one if any, else a stopped one (it starts at once); marked claimed. */
  take(): Entry | null {
    let stopped: Entry | null = null;
    for (const e of this.options.entries()) {
      if (!this.isWarm(e) || !e.accountsReady || e.state === 'failed') continue;
      if (e.state === 'ready' && this.options.serving(e)) {
        e.claimed = true;
        return e;
      }
      if (!e.running && !e.starting) stopped ??= e;
    }
    if (stopped) stopped.claimed = true;
    return stopped;
  }

  /** Brings the pool up to its size: stopped unassigned workspaces first, then new ones. */
  fill(): Promise<void> {
    this.filling ??= (async () => {
      try {
        const worker = async () => {
          for (;;) {
            if (this.options.closing()) return;
            const warm = [...this.options.entries()].filter((e) => this.isWarm(e) && e.state !== 'failed');
            const coming = warm.filter((e) => e.running || e.starting || e.state === 'provisioning');
            if (coming.length >= this.size) return;
            const stopped = warm.find((e) => !e.running && !e.starting && e.accountsReady);
            if (stopped) await this.options.start(stopped).catch(() => {});
            else await this.options.provision();
          }
        };
        await Promise.all(Array.from({ length: Math.min(FILL_CONCURRENCY, Math.max(this.size, 1)) }, worker));
      } catch (err) {
        this.options.log(`warm pool: ${errorText(err)}`);
      } finally {
        this.filling = null;
      }
    })();
    return this.filling;
  }

  /** Resolves once a fill in progress is over (close() waits for it). */
  async settled(): Promise<void> {
    await this.filling?.catch(() => {});
  }
}
