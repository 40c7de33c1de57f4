// Types a terminal block into a service's terminal the way a person would: one line, then wait
// for the terminal to want the next one, then the next line. Most services prompt only after
// their reply. memcached (telnet) prompts at once and answers later, so its next line also waits
// for the reply to start, or a short while for lines that get none (the data line's command).

/** What the typist needs of a terminal (TerminalSession implements it). */
export interface TypingTarget {
  /** The terminal waits for a line now (its prompt is showing). */
  isReady(): boolean;
  /** Types the line at the prompt and presses Enter: echoed, and kept in history. */
  enterLine(line: string): void;
  onPrompt(listener: () => void): () => void;
  onOutput(listener: () => void): () => void;
}

export interface TypingOptions {
  /** The service prompts before it answers (memcached): pace by its reply instead. */
  promptsAtOnce: boolean;
  signal?: AbortSignal;
  /** Waiting for a prompt longer than this gives up (a line that never returns, a dead service). */
  promptTimeoutMs?: number;
}

/** A service that is up answers in milliseconds; past this something is wrong (or still running). */
export const PROMPT_TIMEOUT_MS = 10_000;

/** memcached lines that get no reply (`set k 0 0 5` waits for its data) move on after this. */
export const QUIET_REPLY_MS = 250;

/** Output still arriving this soon after the last piece belongs to the same reply. */
export const REPLY_SETTLE_MS = 40;

export class TypingError extends Error {}

function waitFor(
  subscribe: (l: () => void) => () => void,
  test: () => boolean,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  timeoutMessage: string | null,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TypingError('stopped'));
    if (test()) return resolve();
    const finish = (err?: Error) => {
      off();
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => finish(new TypingError('stopped'));
    const off = subscribe(() => {
      if (test()) finish();
    });
    const timer = setTimeout(() => finish(timeoutMessage ? new TypingError(timeoutMessage) : undefined), timeoutMs);
    signal?.addEventListener('abort', onAbort);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when every line has been entered (and the last one answered); rejects with a TypingError. */
export async function typeLines(target: TypingTarget, lines: readonly string[], options: TypingOptions): Promise<void> {
  const timeout = options.promptTimeoutMs ?? PROMPT_TIMEOUT_MS;
  const { signal } = options;
  const ready = () =>
    waitFor(
      target.onPrompt.bind(target),
      () => target.isReady(),
      timeout,
      signal,
      'the terminal did not give the prompt back',
    );
  for (const line of lines) {
    await ready();
    let outputSeen = false;
    const offOutput = target.onOutput(() => {
      outputSeen = true;
    });
    try {
      target.enterLine(line);
      await ready();
      if (options.promptsAtOnce) {
        // The reply, or the quiet of a line that gets none.
        await waitFor(target.onOutput.bind(target), () => outputSeen, QUIET_REPLY_MS, signal, null);
        if (outputSeen) await sleep(REPLY_SETTLE_MS);
      }
    } finally {
      offOutput();
    }
    if (signal?.aborted) throw new TypingError('stopped');
  }
}
