// Which instances are alive, from their heartbeats on the event channel: each says "here" every
// HEARTBEAT_MS, and one not heard for MISSED_BEATS of them is gone (it died, or was drained). The
// warm pool's share (workspaces/manager.ts sharePrewarm) follows the count; the learners a gone
// instance held stop showing as online (presence.ts instanceGone).
import type { ClassBus } from './types.ts';

export const HEARTBEAT_MS = 5_000;
const MISSED_BEATS = 3;
const TOPIC = 'instances';

export class InstanceRoster {
  private readonly seen = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly stop: () => void;
  /** Instances alive at the last count, this one included. */
  private count = 1;

  constructor(
    private readonly bus: ClassBus,
    private readonly on: {
      /** The number of instances alive changed (this one included). */
      count(instances: number): void;
      /** An instance has not been heard from for MISSED_BEATS beats. */
      gone?(instanceId: string): void;
    },
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {
    this.stop = bus.subscribe(TOPIC, (m) => {
      const known = this.seen.has(m.from);
      this.seen.set(m.from, Date.now());
      if (known) return;
      // A newcomer hears from everyone at once, not at their next beat.
      if (m.from !== bus.instanceId) bus.publish(TOPIC, {});
      this.recount();
    });
    this.timer = setInterval(() => this.beat(), heartbeatMs);
    this.timer.unref();
    this.beat();
  }

  private beat(): void {
    this.bus.publish(TOPIC, {});
    const cutoff = Date.now() - this.heartbeatMs * MISSED_BEATS;
    for (const [id, at] of this.seen) {
      if (at >= cutoff || id === this.bus.instanceId) continue;
      this.seen.delete(id);
      this.on.gone?.(id);
    }
    this.recount();
  }

  private recount(): void {
    const count = Math.max(1, new Set([...this.seen.keys(), this.bus.instanceId]).size);
    if (count === this.count) return;
    this.count = count;
    this.on.count(count);
  }

  close(): void {
    clearInterval(this.timer);
    this.stop();
  }
}
