// Backpressure for an amqplib connection. amqplib reads its socket from a 'readable' handler that
// drains everything, and Readable#pause() has no effect while such a handler is attached; so
// pausing detaches the handler. Unread data then fills the socket's buffer, Node stops reading,
// TCP pushes back, and RabbitMQ slows its deliveries to this connection.
import type { Readable } from 'node:stream';
import type { PausableSource } from '../types.ts';

type Listener = (...args: unknown[]) => void;

export function pausableReadable(stream: Readable): PausableSource {
  let held: Listener[] | null = null;
  return {
    pause() {
      if (held) return;
      held = stream.listeners('readable') as Listener[];
      for (const listener of held) stream.removeListener('readable', listener);
    },
    resume() {
      if (!held) return;
      const listeners = held;
      held = null;
      for (const listener of listeners) stream.on('readable', listener);
      // Data that arrived while paused is already buffered and announces nothing more: read it now.
      for (const listener of listeners) listener();
    },
  };
}
