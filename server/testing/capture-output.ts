// A real TerminalOutput that records what a session writes, for integration tests of adapters.
import type { PausableSource, TerminalOutput } from '../services/types.ts';

export class CapturedOutput implements TerminalOutput {
  text = '';
  prompts: string[] = [];
  failed: string | null = null;
  source: PausableSource | null = null;
  private waiters: Array<() => void> = [];

  write(text: string): void {
    this.text += text;
    this.wake();
  }
  prompt(text: string): void {
    this.prompts.push(text);
    this.wake();
  }
  setSource(source: PausableSource | null): void {
    this.source = source;
  }
  fail(message: string): void {
    this.failed = message;
    this.wake();
  }

  /** Everything written since the last take(), and forget it. */
  take(): string {
    const t = this.text;
    this.text = '';
    return t;
  }

  /** Waits until `predicate` holds (checked after every write/prompt), or fails after timeoutMs. */
  async until(predicate: (o: CapturedOutput) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out; output so far: ${JSON.stringify(this.text)} prompts: ${JSON.stringify(this.prompts)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends a line through `send` and waits for the next prompt; answers the output it produced. */
  async run(send: (line: string) => void, line: string, timeoutMs = 5000): Promise<string> {
    this.take();
    const before = this.prompts.length;
    send(line);
    await this.until((o) => o.prompts.length > before, timeoutMs);
    return this.take();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
