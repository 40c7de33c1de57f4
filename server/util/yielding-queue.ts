// Work that must not delay what is waiting to be read: items are handled after the event loop's
// I/O callbacks of the same turn (setImmediate runs after the poll phase), and only for a short
// budget per turn, so a flood of them leaves room for everything else between slices. The web
// server reads the executor's frames this way: terminal traffic goes before run output.
export class YieldingQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private scheduled = false;
  private full = false;

  constructor(
    private readonly handle: (item: T) => void,
    /** Time spent on items per event-loop turn before yielding to I/O. */
    private readonly budgetMs: number,
    /** The length past which `onFull(true)` asks the producer to pause, and below half of which `onFull(false)` resumes it. */
    private readonly highWater = Infinity,
    private readonly onFull: (full: boolean) => void = () => {},
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
    if (!this.full && this.length >= this.highWater) {
      this.full = true;
      this.onFull(true);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const until = performance.now() + this.budgetMs;
    while (this.head < this.items.length) {
      const item = this.items[this.head];
      this.items[this.head++] = undefined as T;
      this.handle(item);
      if (performance.now() >= until) break;
    }
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    if (this.full && this.length < this.highWater / 2) {
      this.full = false;
      this.onFull(false);
    }
    if (this.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }
}
