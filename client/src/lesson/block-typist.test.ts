import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { PROMPT_TIMEOUT_MS, QUIET_REPLY_MS, TypingError, typeLines, type TypingTarget } from './block-typist.ts';

/** A terminal whose replies the test plays: it records what was entered and when the prompt was there. */
class FakeTerminal implements TypingTarget {
  ready = true;
  entered: string[] = [];
  private readonly prompts = new Set<() => void>();
  private readonly outputs = new Set<() => void>();
  isReady = () => this.ready;
  enterLine(line: string): void {
    if (!this.ready) throw new Error(`"${line}" entered before the prompt`);
    this.entered.push(line);
    this.ready = false;
  }
  onPrompt(l: () => void) {
    this.prompts.add(l);
    return () => this.prompts.delete(l);
  }
  onOutput(l: () => void) {
    this.outputs.add(l);
    return () => this.outputs.delete(l);
  }
  prompt(): void {
    this.ready = true;
    for (const l of [...this.prompts]) l();
  }
  output(): void {
    for (const l of [...this.outputs]) l();
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test('each line waits for the prompt after the previous one', async () => {
  const term = new FakeTerminal();
  const done = typeLines(term, ['SET a 1', 'GET a'], { promptsAtOnce: false });
  await vi.advanceTimersByTimeAsync(0);
  expect(term.entered).toEqual(['SET a 1']);
  await vi.advanceTimersByTimeAsync(1000);
  expect(term.entered).toEqual(['SET a 1']); // no prompt yet: the reply is still coming
  term.output();
  term.prompt();
  await vi.advanceTimersByTimeAsync(0);
  expect(term.entered).toEqual(['SET a 1', 'GET a']);
  term.output();
  term.prompt();
  await expect(done).resolves.toBeUndefined();
});

test('waits for a terminal that is not ready yet (still connecting)', async () => {
  const term = new FakeTerminal();
  term.ready = false;
  const done = typeLines(term, ['PING'], { promptsAtOnce: false });
  await vi.advanceTimersByTimeAsync(500);
  expect(term.entered).toEqual([]);
  term.prompt();
  await vi.advanceTimersByTimeAsync(0);
  expect(term.entered).toEqual(['PING']);
  term.prompt();
  await done;
});

test('memcached: prompts at once, so the next line waits for the reply, or a short quiet', async () => {
  const term = new FakeTerminal();
  const done = typeLines(term, ['set k 0 0 5', 'hello', 'get k'], { promptsAtOnce: true });
  await vi.advanceTimersByTimeAsync(0);
  expect(term.entered).toEqual(['set k 0 0 5']);
  term.prompt(); // at once, no reply: the data line is awaited
  await vi.advanceTimersByTimeAsync(QUIET_REPLY_MS - 10);
  expect(term.entered).toEqual(['set k 0 0 5']);
  await vi.advanceTimersByTimeAsync(20);
  expect(term.entered).toEqual(['set k 0 0 5', 'hello']);
  term.prompt();
  await vi.advanceTimersByTimeAsync(50);
  expect(term.entered).toHaveLength(2); // prompt but no STORED yet
  term.output(); // STORED
  await vi.advanceTimersByTimeAsync(100);
  expect(term.entered).toEqual(['set k 0 0 5', 'hello', 'get k']);
  term.prompt();
  term.output();
  await vi.advanceTimersByTimeAsync(100);
  await done;
});

test('gives up when the prompt never comes back, and stops when asked', async () => {
  const term = new FakeTerminal();
  const stuck = typeLines(term, ['SUBSCRIBE news', 'PING'], { promptsAtOnce: false });
  const failed = expect(stuck).rejects.toThrow(/did not give the prompt back/);
  await vi.advanceTimersByTimeAsync(PROMPT_TIMEOUT_MS + 1);
  await failed;
  expect(term.entered).toEqual(['SUBSCRIBE news']);

  const again = new FakeTerminal();
  const abort = new AbortController();
  const stopped = typeLines(again, ['a', 'b'], { promptsAtOnce: false, signal: abort.signal });
  const rejected = expect(stopped).rejects.toBeInstanceOf(TypingError);
  await vi.advanceTimersByTimeAsync(0);
  abort.abort();
  await rejected;
  again.prompt();
  await vi.advanceTimersByTimeAsync(0);
  expect(again.entered).toEqual(['a']);
});
