// The classroom's event channel: what one app instance tells the others, live. Several instances
// behind a load balancer act as one classroom when they share the store (the truth: classes,
// learners, progress, files) and this channel (what happens now: a check passed, a learner came
// online, the instructor broadcast a snippet, a learner was removed, a terminal printed a line).
// Delivery is at most once and unordered across topics: a missed event makes a dashboard show a
// state a moment late, never a wrong one, because every stream starts from the store.

/** One published message as a subscriber gets it. */
export interface BusMessage<T = unknown> {
  /** The instance that published it (BusOptions.instanceId). */
  from: string;
  body: T;
}

export interface ClassBus {
  /** This instance's id: random per start, so a restarted instance is a new one. */
  readonly instanceId: string;
  /** Other instances may be listening (false: the channel is this process's own). */
  readonly shared: boolean;
  /** Sends `body` (JSON-able) to every subscriber of `topic`, this instance's own included. */
  publish(topic: string, body: unknown): void;
  /** Follows a topic; answers how to stop. */
  subscribe(topic: string, handler: (message: BusMessage) => void): () => void;
  close(): Promise<void>;
}
