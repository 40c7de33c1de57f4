// Warm sandboxes, started before anybody asks: a pooled Python sandbox has already imported the
// client libraries (~0.3 s of a cold start) and waits on a pipe for its run. Each serves ONE run
// and is then discarded (nothing of one run can reach the next); the pool refills in the
// background, one sandbox at a time so that refilling never competes hard with the runs.
import type { RunLanguage } from '../../shared/protocol.ts';
import type { Sandbox } from './sandbox.ts';

/**
 * Pause before refilling after a take: the run that just took a sandbox gets the CPU for its
 * first output line first. Short enough that a second run moments later still finds a warm one.
 */
export const POOL_REFILL_DELAY_MS = 150;
/** How long close() waits for a sandbox a refill is starting right then (it removes it itself). */
const POOL_CLOSE_WAIT_MS = 5_000;

/** Warm sandboxes that die before use, in a row, after which the pool stops refilling (and says why). */
export const POOL_MAX_FAILURES = 3;

export class SandboxPool {
  private readonly idle = new Map<RunLanguage, Sandbox[]>();
  private readonly filling = new Set<RunLanguage>();
  private readonly failures = new Map<RunLanguage, number>();
  private closed = false;
  private readonly refills = new Set<Promise<void>>();

  constructor(
    private readonly startSandbox: (language: RunLanguage) => Promise<Sandbox>,
    private readonly sizes: Record<RunLanguage, number>,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts filling every language's pool. */
  fill(): void {
    for (const language of Object.keys(this.sizes) as RunLanguage[]) void this.refill(language, 0);
  }

  /** A sandbox for one run: a warm one if any (ready ones first), else a fresh one. */
  async take(language: RunLanguage): Promise<Sandbox> {
    const list = this.listFor(language);
    for (let i = list.length - 1; i >= 0; i--) if (list[i].hasExited) list.splice(i, 1);
    const index = Math.max(
      0,
      list.findIndex((s) => s.isReady),
    );
    const taken = list.splice(index, 1)[0];
    void this.refill(language, POOL_REFILL_DELAY_MS);
    return taken ?? this.startSandbox(language);
  }

  /** Waits until each language's pool holds its size of ready sandboxes (benchmarks and tests). */
  async warm(): Promise<void> {
    for (;;) {
      const done = (Object.keys(this.sizes) as RunLanguage[]).every(
        (l) => (this.idle.get(l) ?? []).filter((s) => s.isReady).length >= this.sizes[l] || this.gaveUp(l),
      );
      if (done || this.closed) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle.values()].flat();
    this.idle.clear();
    for (const s of all) s.kill();
    // A refill may be starting a sandbox right now: it sees `closed` when that resolves and
    // removes it; close() is only done once those are gone too.
    await Promise.all(all.map((s) => s.exited));
    await Promise.race([Promise.all(this.refills), new Promise((r) => setTimeout(r, POOL_CLOSE_WAIT_MS).unref())]);
  }

  private listFor(language: RunLanguage): Sandbox[] {
    let list = this.idle.get(language);
    if (!list) this.idle.set(language, (list = []));
    return list;
  }

  private gaveUp(language: RunLanguage): boolean {
    return (this.failures.get(language) ?? 0) >= POOL_MAX_FAILURES;
  }

  private refill(language: RunLanguage, delayMs: number): Promise<void> {
    const work = this.refillNow(language, delayMs);
    this.refills.add(work);
    void work.finally(() => this.refills.delete(work));
    return work;
  }

  private async refillNow(language: RunLanguage, delayMs: number): Promise<void> {
    if (this.filling.has(language)) return;
    this.filling.add(language);
    try {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const list = this.listFor(language);
      while (!this.closed && !this.gaveUp(language) && list.length < (this.sizes[language] ?? 0)) {
        const sandbox = await this.startSandbox(language);
        if (this.closed) {
          sandbox.kill();
          await sandbox.exited;
          break;
        }
        list.push(sandbox);
        // One that dies unused (killed from outside, a broken launcher) leaves the pool.
        void sandbox.exited.then(() => {
          const at = list.indexOf(sandbox);
          if (at >= 0) list.splice(at, 1);
        });
        if (await sandbox.ready) {
          this.failures.set(language, 0);
        } else {
          const failures = (this.failures.get(language) ?? 0) + 1;
          this.failures.set(language, failures);
          if (failures >= POOL_MAX_FAILURES) {
            this.log(`runner: ${language} sandboxes die before use; the warm pool stops (runs start cold)`);
          }
        }
      }
    } catch (err) {
      this.log(`runner: cannot refill the ${language} pool: ${(err as Error).message}`);
    } finally {
      this.filling.delete(language);
    }
  }
}
