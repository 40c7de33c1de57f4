// One run, from the learner's side: output as terminal text, typed input through a line
// discipline, Ctrl-C, whether the program waits for input, and the limits only the server can
// watch (wall time, output volume, a program that ignores Ctrl-C). Exactly one exit(), after the
// last output and a notice if the run was stopped.
import { StringDecoder } from 'node:string_decoder';
import { MAX_PENDING_INPUT_BYTES } from '../../shared/limits.ts';
import type { Run, RunOutput } from './types.ts';
import { noticeLine, signalMessage, stopExitCode, stopMessage, type StopReason } from './exit-notice.ts';
import type { HostForwarder } from './host-forwarder.ts';
import { LineDiscipline } from './line-discipline.ts';
import { cpuTicksOf } from './proc-scan.ts';
import type { RunLimits } from './run-limits.ts';
import type { LaunchRequest, RunSandbox } from './sandbox.ts';
import { waitingOnStdin } from './stdin-wait.ts';

/** How often a live run is looked at: asleep on its input? using the CPU? (a few /proc reads each). */
export const WATCH_INTERVAL_MS = 300;

/**
 * CPU a run may use and still count as idle (a consumer between messages), in clock ticks (10 ms)
 * per look: 1 tick in 300 ms is 3% of a core. Idle means this little for IDLE_LOOKS looks in a row;
 * busy again means more than BUSY_TICKS in one look.
 */
const IDLE_TICKS = 1;
const IDLE_LOOKS = 2;
const BUSY_TICKS = 3;

export class RunSession implements Run {
  /** Resolves once the run has ended and its sandbox is gone. */
  readonly ended: Promise<void>;
  private readonly discipline = new LineDiscipline();
  private outputBytes = 0;
  private atLineStart = true;
  private stopReason: StopReason | null = null;
  private interrupted = false;
  private finished = false;
  private timers: NodeJS.Timeout[] = [];
  private watch: NodeJS.Timeout | null = null;
  private waiting = false;
  private looking = false;
  private busy = true;
  private lastTicks: number | null = null;
  private quietLooks = 0;

  constructor(
    private readonly sandbox: RunSandbox,
    private readonly forwarder: HostForwarder,
    private readonly output: RunOutput,
    private readonly limits: RunLimits,
    private readonly longRunning: boolean,
    /** The program went idle (false) or got busy again (true): its CPU slot follows (run-queue.ts). */
    private readonly onActivity: (busy: boolean) => void = () => {},
  ) {
    this.ended = this.sandbox.exited.then((code) => this.finish(code));
  }

  /** The sandbox's uid (for tests that check nothing of the run is left). */
  get uid(): number {
    return this.sandbox.uid;
  }

  start(request: LaunchRequest): void {
    const early = this.sandbox.takeEarlyOutput();
    if (early.length > 0) this.program(early.toString('utf8'));
    for (const stream of [this.sandbox.stdout, this.sandbox.stderr]) {
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer) => this.programOutput(chunk, decoder));
      stream.on('end', () => this.program(decoder.end()));
    }
    this.sandbox.assign(request);
    const wallMs = this.longRunning ? this.limits.longWallTimeMs : this.limits.wallTimeMs;
    this.timer(wallMs, () => this.stop({ kind: 'wall-time', ms: wallMs, longRunning: this.longRunning }));
    this.watch = setInterval(() => void this.look(), WATCH_INTERVAL_MS);
    this.watch.unref();
  }

  input(data: string): void {
    if (this.finished) return;
    const result = this.discipline.feed(data);
    if (result.echo) this.write(result.echo);
    if (result.deliver) {
      // A program that does not read its input must not make the server hold a paste forever.
      if (this.sandbox.stdin.writableLength + Buffer.byteLength(result.deliver) > MAX_PENDING_INPUT_BYTES) {
        this.write(noticeLine(`too much input waiting (limit ${MAX_PENDING_INPUT_BYTES} bytes); line dropped`));
      } else {
        this.sandbox.stdin.write(result.deliver);
      }
    }
    if (result.eof) this.sandbox.stdin.end();
    if (result.interrupt) this.interrupt();
  }

  interrupt(): void {
    if (this.finished || this.stopReason) return;
    if (this.interrupted) {
      this.stop({ kind: 'second-interrupt' });
      return;
    }
    this.interrupted = true;
    void this.sandbox.interrupt().then((delivered) => {
      // Ctrl-C before the program even started: there is nothing to wind down.
      if (!delivered) this.stop({ kind: 'killed', reason: 'interrupted before the program started' });
    });
    this.timer(this.limits.interruptGraceMs, () =>
      this.stop({ kind: 'interrupt-ignored', graceMs: this.limits.interruptGraceMs }),
    );
  }

  kill(reason: string): void {
    this.stop({ kind: 'killed', reason });
  }

  private stop(reason: StopReason): void {
    if (this.finished || this.stopReason) return;
    this.stopReason = reason;
    this.sandbox.kill();
  }

  /** Tells the output when the program starts or stops sleeping on its stdin, and the queue when it idles. */
  private async look(): Promise<void> {
    if (this.finished || this.looking) return;
    this.looking = true;
    try {
      const program = await this.sandbox.program();
      if (program === null || this.finished) return;
      const [waiting, ticks] = await Promise.all([waitingOnStdin(program), cpuTicksOf(program)]);
      if (this.finished) return;
      if (waiting !== this.waiting) {
        this.waiting = waiting;
        this.output.waiting?.(waiting);
      }
      const used = ticks !== null && this.lastTicks !== null ? ticks - this.lastTicks : null;
      if (ticks !== null) this.lastTicks = ticks;
      if (used === null) return;
      this.quietLooks = used <= IDLE_TICKS ? this.quietLooks + 1 : 0;
      const busy = this.busy ? this.quietLooks < IDLE_LOOKS && !waiting : used > BUSY_TICKS;
      if (busy !== this.busy) {
        this.busy = busy;
        this.onActivity(busy);
      }
    } finally {
      this.looking = false;
    }
  }

  private timer(ms: number, action: () => void): void {
    const t = setTimeout(action, ms);
    t.unref();
    this.timers.push(t);
  }

  private programOutput(chunk: Buffer, decoder: StringDecoder): void {
    if (this.stopReason?.kind === 'output') return;
    const room = this.limits.maxOutputBytes - this.outputBytes;
    this.outputBytes += chunk.length;
    if (chunk.length <= room) {
      this.program(decoder.write(chunk));
      return;
    }
    this.program(decoder.write(chunk.subarray(0, Math.max(0, room))));
    this.stop({ kind: 'output', bytes: this.limits.maxOutputBytes });
    // The limit wins over any other reason already on its way (it is what the learner sees).
    this.stopReason = { kind: 'output', bytes: this.limits.maxOutputBytes };
  }

  /** Program text to terminal text: every line ends in "\r\n". */
  private program(text: string): void {
    if (text) this.write(text.replace(/\r?\n/g, '\r\n'));
  }

  private write(text: string): void {
    this.atLineStart = text.endsWith('\n');
    this.output.write(text);
  }

  private async finish(code: number): Promise<void> {
    this.finished = true;
    for (const t of this.timers) clearTimeout(t);
    if (this.watch) clearInterval(this.watch);
    if (this.waiting) this.output.waiting?.(false);
    await this.forwarder.close();
    const reason = this.stopReason;
    const status = reason ? stopExitCode(reason) : code;
    const notice = reason
      ? stopMessage(reason)
      : this.sandbox.startError
        ? `the sandbox did not start: ${this.sandbox.startError}`
        : signalMessage(code, this.limits);
    if (notice) this.write((this.atLineStart ? '' : '\r\n') + noticeLine(notice));
    this.output.exit(status);
  }
}
