// One snippet run as the socket sees it: `open` (kind "run") starts it, `input` and `signal` reach
// the program, `close` or a closed socket kills it, and `started`, `output`, `input-wait`, `exit`
// go back.
import type { ServerMessage } from '../../shared/protocol.ts';
import type { Run, RunRequest, SnippetRunner, WireChunk } from '../runner/types.ts';
import { errorText } from '../util/errors.ts';
import { OscFilter } from '../runner/osc-filter.ts';

export class RunChannel {
  private run: Run | null = null;
  private ended = false;
  private exited = false;
  private pending = '';
  private flushScheduled = false;
  /** Input typed before the sandbox answered: delivered once it has. */
  private early: string[] = [];
  private interruptEarly = false;
  private started = false;
  /** Aborts a run that is still waiting for a slot when the pane closes. */
  private readonly abort = new AbortController();
  /** The program waits for input: said once `started` has gone out. */
  private waiting = false;
  /** The program's output reaches the pane without OSC sequences (clipboard, links, title). */
  private readonly osc = new OscFilter();

  constructor(
    readonly id: string,
    private readonly send: (message: ServerMessage) => void,
    private readonly onEnd: () => void,
    /** A traced run: where its connections' chunks go, and what sends the last of them before `exit`. */
    private readonly trace?: { wire(chunks: WireChunk[]): void; finish(): void },
  ) {}

  async start(runner: SnippetRunner, request: RunRequest): Promise<void> {
    try {
      const { run, env } = await runner.start(
        { ...request, signal: this.abort.signal, trace: this.trace !== undefined },
        {
          write: (text) => this.write(text),
          exit: (code) => this.exit(code),
          waiting: (on) => this.inputWait(on),
          queued: (ahead) => {
            if (!this.exited) this.send({ type: 'queued', id: this.id, ahead });
          },
          wire: (chunks) => {
            if (!this.exited) this.trace?.wire(chunks);
          },
        },
      );
      this.run = run;
      if (this.exited) return;
      this.send({ type: 'started', id: this.id, language: request.language, env });
      this.started = true;
      if (this.waiting) this.send({ type: 'input-wait', id: this.id, waiting: true });
      for (const data of this.early) run.input(data);
      this.early = [];
      if (this.interruptEarly) run.interrupt();
      if (this.ended) run.kill('the run was closed');
    } catch (err) {
      this.send({ type: 'error', id: this.id, message: `the run could not start: ${errorText(err)}` });
      this.exit(1);
    }
  }

  input(data: string): void {
    if (this.run) this.run.input(data);
    else this.early.push(data);
  }

  interrupt(): void {
    if (this.run) return this.run.interrupt();
    // Ctrl-C while the run waits for a slot gives it up; a moment before it starts, it is delivered then.
    this.interruptEarly = true;
    this.abort.abort();
  }

  resize(cols: number, rows: number): void {
    this.run?.resize?.(cols, rows);
  }

  /** The pane closed or the socket went away; the runner still reports the exit. */
  kill(reason: string): void {
    this.ended = true;
    if (this.run) this.run.kill(reason);
    else this.abort.abort();
  }

  private write(text: string): void {
    this.pending += this.osc.write(text);
    // Same batching as terminals: one frame per event-loop turn, no timer.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private inputWait(on: boolean): void {
    if (this.exited) return;
    this.waiting = on;
    if (!this.started) return;
    // After the prompt the program printed before it began to wait.
    this.flush();
    this.send({ type: 'input-wait', id: this.id, waiting: on });
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.pending) return;
    const data = this.pending;
    this.pending = '';
    this.send({ type: 'output', id: this.id, data });
  }

  private exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.flush();
    this.trace?.finish();
    this.send({ type: 'exit', id: this.id, code });
    this.onEnd();
  }
}
