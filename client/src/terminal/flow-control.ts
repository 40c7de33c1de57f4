// Flow control between the server and xterm.js. xterm parses writes asynchronously; when output
// arrives faster than it can draw (a big SELECT, a flood of deliveries), the bytes waiting in its
// write queue grow. Above the high watermark we ask the server to pause this terminal; once xterm
// has caught up below the low watermark we ask it to resume. The server holds (and, past its own
// limits, drops) output meanwhile — see OUTPUT_*_BYTES in shared/limits.ts.

/** Bytes handed to xterm.write and not yet parsed, above which the server is asked to pause. */
export const XTERM_HIGH_WATERMARK_BYTES = 256 * 1024;

/**
 * Resume below this. Far enough under the high mark that pause/resume do not flap on every
 * chunk, high enough that xterm never runs dry while the resume travels to the server.
 */
export const XTERM_LOW_WATERMARK_BYTES = 32 * 1024;

export class WriteFlowControl {
  private pending = 0;
  private paused = false;

  constructor(
    private readonly onPause: () => void,
    private readonly onResume: () => void,
    private readonly high = XTERM_HIGH_WATERMARK_BYTES,
    private readonly low = XTERM_LOW_WATERMARK_BYTES,
  ) {}

  get pendingBytes(): number {
    return this.pending;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Call before xterm.write with the chunk's size. */
  queued(bytes: number): void {
    this.pending += bytes;
    if (!this.paused && this.pending > this.high) {
      this.paused = true;
      this.onPause();
    }
  }

  /** Call from xterm.write's callback with the same size. */
  written(bytes: number): void {
    this.pending = Math.max(0, this.pending - bytes);
    if (this.paused && this.pending < this.low) {
      this.paused = false;
      this.onResume();
    }
  }

  /** After a reconnect the server starts unpaused; start counting afresh. */
  reset(): void {
    this.paused = false;
  }
}
