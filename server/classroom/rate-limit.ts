// Per-learner rate limits (commands per second, runs per minute): a token bucket each, shared by
// all of a learner's sockets, so opening more tabs buys nothing. Over the limit the request is
// refused with a message that names the limit; nothing else is affected.

export class TokenBucket {
  private tokens: number;
  private last: number;

  /**
   * @param ratePerSecond tokens added per second
   * @param burst the most tokens held (what a learner may do at once after a pause)
   */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes a token if there is one. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
