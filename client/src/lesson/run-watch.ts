// When a snippet run that a lesson block started has done what it will do for its step's check:
// a program that ends, when it ends; a background one (a consumer), once it has run a moment.
import type { RunManager } from '../runs/run-manager.ts';
import { BACKGROUND_SETTLE_MS } from './step-checks.ts';

/**
 * Past this a run is not waited for any more (a foreground run's wall-time limit is 30 s; one that
 * still has not ended is most likely waiting for input).
 */
export const RUN_WATCH_LIMIT_MS = 35_000;

/** What whenRunSettles needs of the runs (RunManager has it). */
export type RunsLike = Pick<RunManager, 'session' | 'subscribe'>;

/**
 * Resolves true when the run in pane `key` has ended (or, `background`, has run
 * BACKGROUND_SETTLE_MS), false when it never started, lost its connection or its pane was closed.
 */
export function whenRunSettles(runs: RunsLike, key: string, background: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const first = runs.session(key);
    if (!first) return resolve(false);
    // A finished pane is reused by the next run of its file: this run is the pane's runs-th.
    const runNumber = first.getSnapshot().runs;
    let settle: ReturnType<typeof setTimeout> | null = null;
    let settled = false;
    const finish = (ran: boolean) => {
      if (settled) return;
      settled = true;
      offRun();
      offPanes();
      clearTimeout(limit);
      if (settle) clearTimeout(settle);
      resolve(ran);
    };
    const look = () => {
      const info = runs.session(key)?.getSnapshot();
      if (!info || info.runs !== runNumber) return finish(false);
      if (info.status === 'failed' || info.status === 'lost') return finish(false);
      if (info.status === 'exited') return finish(true);
      if (background && info.status === 'running' && !settle) {
        settle = setTimeout(() => finish(true), BACKGROUND_SETTLE_MS);
      }
    };
    const offRun = first.subscribe(look);
    const offPanes = runs.subscribe(look);
    const limit = setTimeout(() => finish(true), RUN_WATCH_LIMIT_MS);
    look();
  });
}
