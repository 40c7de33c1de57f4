// A real RunOutput that records a run, for the runner's integration tests and benchmarks.
import type { RunOutput } from './types.ts';

export class CapturedRun implements RunOutput {
  text = '';
  code: number | null = null;
  /** Every change of "the program waits for input", in order. */
  readonly waits: boolean[] = [];
  /** Every place in the queue the run was told while it waited to start. */
  readonly places: number[] = [];
  /** performance.now() of the first write, for the start-up benchmark. */
  firstWriteAt: number | null = null;
  readonly exited: Promise<number>;
  private resolveExit!: (code: number) => void;
  private waiters: Array<() => void> = [];

  constructor() {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  write(text: string): void {
    this.firstWriteAt ??= performance.now();
    this.text += text;
    this.wake();
  }

  exit(code: number): void {
    if (this.code !== null) throw new Error(`exit() called twice (${this.code}, then ${code})`);
    this.code = code;
    this.resolveExit(code);
    this.wake();
  }

  queued(ahead: number): void {
    this.places.push(ahead);
  }

  waiting(on: boolean): void {
    this.waits.push(on);
    this.wake();
  }

  /** Waits until the program is said to wait for input (or to no longer wait). */
  async untilWaiting(on: boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.waits.at(-1) !== on) {
      if (this.code !== null) throw new Error(`the run exited (${this.code}) before waiting=${on}:\n${this.text}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no waiting=${on} within ${timeoutMs} ms; output:\n${this.text}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the output contains `text` (or matches), failing with the output so far. */
  async until(text: string | RegExp, timeoutMs = 15_000): Promise<void> {
    const holds = () => (typeof text === 'string' ? this.text.includes(text) : text.test(this.text));
    const deadline = Date.now() + timeoutMs;
    while (!holds()) {
      if (this.code !== null) throw new Error(`the run exited (${this.code}) before ${text}:\n${this.text}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${text} within ${timeoutMs} ms; output:\n${this.text}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
