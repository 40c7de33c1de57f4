// The work-queues lesson's table, measured: messages of each kind are published to a broker, the
// broker restarts (by any means the caller picks), and what is still there is counted. Shared by
// the durability test (server/services/restart.int.test.ts) and bench/durability.ts.
import amqp from 'amqplib';

/** One row of the lesson's table: a queue's durability and its messages' delivery mode. */
export interface DurabilityCase {
  queue: string;
  durable: boolean;
  persistent: boolean;
}

export const DURABILITY_CASES: readonly DurabilityCase[] = [
  { queue: 'dur_persistent', durable: true, persistent: true },
  { queue: 'dur_transient', durable: true, persistent: false },
  { queue: 'tmp_persistent', durable: false, persistent: true },
  { queue: 'tmp_transient', durable: false, persistent: false },
];

/** Declares each case's queue (emptied) and publishes `count` messages to it, with publisher confirms. */
export async function publishCases(url: string, count: number): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    for (const c of DURABILITY_CASES) {
      await channel.deleteQueue(c.queue);
      await channel.assertQueue(c.queue, { durable: c.durable });
      for (let i = 0; i < count; i++) {
        channel.sendToQueue(c.queue, Buffer.from(`${c.queue} ${i}`), { deliveryMode: c.persistent ? 2 : 1 });
      }
    }
    // Confirmed: a persistent message is on disk before the restart can come.
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/** Messages left in each case's queue; a queue that is gone counts as null. */
export async function countCases(url: string): Promise<Map<string, number | null>> {
  const connection = await amqp.connect(url);
  const counts = new Map<string, number | null>();
  try {
    for (const c of DURABILITY_CASES) {
      // A failed passive declare closes the channel: one channel per question.
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      try {
        counts.set(c.queue, (await channel.checkQueue(c.queue)).messageCount);
        await channel.close();
      } catch {
        counts.set(c.queue, null);
      }
    }
  } finally {
    await connection.close();
  }
  return counts;
}
