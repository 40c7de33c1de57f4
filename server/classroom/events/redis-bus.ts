// The event channel shared by several instances: Redis pub/sub (CLASSROOM_EVENTS_URL=redis://…).
// Chosen over a RabbitMQ fanout exchange because the events are live signals with the store as
// their truth, so at-most-once delivery to whoever listens now is exactly right: Redis pub/sub
// gives that with one PUBLISH and nothing to declare, bind or clean up per instance (a fanout
// exchange needs a queue per instance that must go when the instance dies), and a channel nobody
// subscribes to costs nothing, so an instance publishes every learner's events and only those
// being watched travel. One connection publishes, one subscribes (a subscribed Redis connection
// can do nothing else); both reconnect by themselves after the server restarts.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { BusMessage, ClassBus } from './types.ts';

/** Every channel of the classroom starts with this, so one Redis may serve other things too. */
export const CHANNEL_PREFIX = 'playground:class:';
/** How long a reconnect waits at most between tries. */
const MAX_RETRY_MS = 2_000;

type Handler = (message: BusMessage) => void;

export class RedisBus implements ClassBus {
  readonly instanceId = `i${randomBytes(6).toString('hex')}`;
  readonly shared = true;
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Map<string, Set<Handler>>();

  private constructor(
    url: string,
    readonly log: (line: string) => void,
  ) {
    const options = {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      retryStrategy: (times: number) => Math.min(times * 100, MAX_RETRY_MS),
    };
    this.pub = new Redis(url, { ...options, connectionName: `playground-events-pub-${this.instanceId}` });
    this.sub = new Redis(url, { ...options, connectionName: `playground-events-sub-${this.instanceId}` });
    for (const c of [this.pub, this.sub]) c.on('error', (err: Error) => log(`event channel: ${err.message}`));
    this.sub.on('messageBuffer', (channel: Buffer, data: Buffer) => this.deliver(channel.toString(), data));
  }

  /** Connects both connections; rejects with the reason when the server does not answer. */
  static async open(url: string, log: (line: string) => void = () => {}): Promise<RedisBus> {
    const bus = new RedisBus(url, log);
    await Promise.all([bus.pub.connect(), bus.sub.connect()]);
    return bus;
  }

  publish(topic: string, body: unknown): void {
    void this.pub
      .publish(CHANNEL_PREFIX + topic, JSON.stringify({ from: this.instanceId, body }))
      .catch((err: Error) => this.log(`event channel: publish failed: ${err.message}`));
  }

  subscribe(topic: string, handler: Handler): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      void this.sub.subscribe(CHANNEL_PREFIX + topic).catch(() => {});
    }
    set.add(handler);
    return () => {
      const current = this.handlers.get(topic);
      if (!current?.delete(handler) || current.size > 0) return;
      this.handlers.delete(topic);
      void this.sub.unsubscribe(CHANNEL_PREFIX + topic).catch(() => {});
    };
  }

  private deliver(channel: string, data: Buffer): void {
    const set = this.handlers.get(channel.slice(CHANNEL_PREFIX.length));
    if (!set) return;
    let message: BusMessage;
    try {
      message = JSON.parse(data.toString()) as BusMessage;
    } catch {
      this.log(`event channel: a message on ${channel} is not JSON; dropped`);
      return;
    }
    for (const handler of [...set]) handler(message);
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
