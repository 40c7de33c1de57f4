// The event channel of a single instance: in the process, no server. Messages are delivered on a
// later turn of the event loop, as the shared channel delivers them, so code that works here does
// not rely on a publish reaching its own subscribers before publish() returns.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { BusMessage, ClassBus } from './types.ts';

export class LocalBus implements ClassBus {
  readonly instanceId = `i${randomBytes(6).toString('hex')}`;
  readonly shared = false;
  private readonly topics = new EventEmitter<Record<string, [BusMessage]>>();

  constructor() {
    this.topics.setMaxListeners(0);
  }

  publish(topic: string, body: unknown): void {
    const message: BusMessage = { from: this.instanceId, body: structuredClone(body) };
    setImmediate(() => this.topics.emit(topic, message));
  }

  subscribe(topic: string, handler: (message: BusMessage) => void): () => void {
    this.topics.on(topic, handler);
    return () => this.topics.off(topic, handler);
  }

  async close(): Promise<void> {
    this.topics.removeAllListeners();
  }
}
