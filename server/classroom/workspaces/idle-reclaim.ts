// The idle clock of learners' workspaces: a workspace nobody holds (no socket open, no check asked)
// for `idleMs` has its instances stopped, to free the machine for the learners who are there. Holds
// count; the clock starts at the last release and restarts at any activity.
import { errorText } from '../../util/errors.ts';
import { serial, type Entry } from './entry.ts';

export interface IdleReclaimOptions {
  idleMs: number;
  /** Whether the workspace is one the clock runs for at all (running, claimed by a learner, not closing). */
  watched(entry: Entry): boolean;
  /** Stops its instances; runs in the workspace's queue of lifecycle operations. */
  reclaim(entry: Entry): Promise<void>;
  log(line: string): void;
}

export class IdleReclaim {
  constructor(private readonly options: IdleReclaimOptions) {}

  /** The workspace is in use until the answer is called (once; more calls do nothing). */
  hold(entry: Entry): () => void {
    entry.holds++;
    entry.reclaimQueued = false;
    this.clear(entry);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.holds--;
      if (entry.holds === 0) this.arm(entry);
    };
  }

  /** Activity: whatever reclaim was due is called off, and the clock starts again. */
  touch(entry: Entry): void {
    entry.reclaimQueued = false;
    if (entry.holds === 0) this.arm(entry);
  }

  arm(entry: Entry): void {
    this.clear(entry);
    if (entry.holds > 0 || !this.options.watched(entry)) return;
    entry.idleTimer = setTimeout(() => this.due(entry), this.options.idleMs);
    entry.idleTimer.unref();
  }

  clear(entry: Entry): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
  }

  private due(entry: Entry): void {
    entry.idleTimer = null;
    entry.reclaimQueued = true;
    void serial(entry, async () => {
      // From here on the instances are stopping: ensure() starts them again after this, through
      // the same queue. Activity since the timer fired calls it off.
      const due = entry.reclaimQueued;
      entry.reclaimQueued = false;
      if (!due || entry.holds > 0 || !this.options.watched(entry)) return;
      await this.options.reclaim(entry);
    }).catch((err) => this.options.log(`workspace ${entry.record.id}: reclaim failed — ${errorText(err)}`));
  }
}
