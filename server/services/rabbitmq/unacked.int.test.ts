// The fence for unacknowledged messages, on the shared broker: a learner whose consumer takes
// messages and never acks them, past the limit, has that connection closed with the reason (their
// publisher's stays), and the messages are back in the queue; a learner under the limit is left
// alone. A limit of 50 keeps it quick.
import type { ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amqpConnection, testManager, type TestManager } from '../../testing/workspaces/test-manager.ts';
import type { Endpoint } from '../endpoint.ts';
import { UNACKED_LOOK_MS } from './unacked-guard.ts';

const LIMITS = { unackedMessages: 50, unackedMb: 1 };
/** The broker's statistics (every 500 ms, the queues' bytes a little later), then the guard's look. */
const CLOSED_WITHIN_MS = 15_000;

let t: TestManager;
let greedy: Endpoint;
let modest: Endpoint;
const connections: ChannelModel[] = [];

beforeAll(async () => {
  t = await testManager({ limits: { rabbitmq: LIMITS } });
  const [a, b] = await Promise.all([t.manager.claim('never-acks'), t.manager.claim('acks-later')]);
  [greedy, modest] = await Promise.all([a, b].map(async (id) => (await t.manager.ensure(id)).rabbitmq));
});

afterAll(async () => {
  for (const c of connections) await c.close().catch(() => {});
  await t?.cleanup();
});

interface Watched {
  errors: string[];
  isClosed(): boolean;
}

/** A connection whose close and errors are recorded. */
async function connect(endpoint: Endpoint): Promise<{ connection: ChannelModel; watched: Watched }> {
  const connection = await amqpConnection(endpoint);
  connections.push(connection);
  const errors: string[] = [];
  let closed = false;
  connection.on('error', (err: Error) => errors.push(err.message));
  // amqplib hands the broker's reason to 'close' (and, for some codes, to 'error' as well).
  connection.on('close', (err?: Error) => {
    closed = true;
    if (err) errors.push(err.message);
  });
  return { connection, watched: { errors, isClosed: () => closed } };
}

/** One connection publishes `count` messages to `jobs`, another consumes them without acking. */
async function holdUnacked(endpoint: Endpoint, count: number): Promise<{ publisher: Watched; consumer: Watched }> {
  const publisher = await connect(endpoint);
  const consumer = await connect(endpoint);
  const send = await publisher.connection.createChannel();
  await send.assertQueue('jobs');
  for (let i = 0; i < count; i++) send.sendToQueue('jobs', Buffer.from(`job ${i}`));
  const take = await consumer.connection.createChannel();
  let received = 0;
  await take.consume('jobs', () => received++, { noAck: false });
  await expect.poll(() => received, { timeout: 10_000 }).toBe(count);
  return { publisher: publisher.watched, consumer: consumer.watched };
}

describe('unacknowledged messages', () => {
  it('past the limit close the learner’s connections with the reason, and go back to their queue', async () => {
    const over = await holdUnacked(greedy, 80);
    const under = await holdUnacked(modest, 10);
    // The broker's statistics, then the guard's next look.
    await expect.poll(over.consumer.isClosed, { timeout: CLOSED_WITHIN_MS, interval: 200 }).toBe(true);
    expect(over.consumer.errors.at(-1)).toMatch(
      /CONNECTION_FORCED - the classroom closed this connection: your consumers held 80 unacknowledged messages; at most 50 \/ 1 MB\. They are back in their queues: ack each one \(basic_ack\) and set a prefetch \(basic_qos\)"$/,
    );
    // Only the connection that held them: the learner's publisher is still there.
    expect(over.publisher.isClosed()).toBe(false);
    const check = await amqpConnection(greedy);
    connections.push(check);
    const channel = await check.createChannel();
    expect((await channel.checkQueue('jobs')).messageCount).toBe(80);

    // Five more looks, one of them asking for bytes too: the learner under the limit is still connected.
    await new Promise((r) => setTimeout(r, 5 * UNACKED_LOOK_MS));
    for (const side of [under.consumer, under.publisher]) {
      expect(side.isClosed()).toBe(false);
      expect(side.errors).toEqual([]);
    }
  });

  it('past the byte limit with few messages: closed too, the bytes named', async () => {
    const id = await t.manager.claim('big-bodies');
    const endpoint = (await t.manager.ensure(id)).rabbitmq;
    const consumer = await connect(endpoint);
    const take = await consumer.connection.createChannel();
    await take.assertQueue('big');
    let received = 0;
    // Waiting first: each body goes straight to it, so the queue's own 1 MB cap never fills.
    await take.consume('big', () => received++, { noAck: false });
    const publisher = await connect(endpoint);
    const send = await publisher.connection.createChannel();
    for (let i = 0; i < 3; i++) send.sendToQueue('big', Buffer.alloc(400_000, 'b'));
    await expect.poll(() => received, { timeout: 10_000 }).toBe(3);
    await expect.poll(consumer.watched.isClosed, { timeout: CLOSED_WITHIN_MS, interval: 200 }).toBe(true);
    expect(consumer.watched.errors.at(-1)).toMatch(/held 3 unacknowledged messages \(1\.1 MB\); at most 50 \/ 1 MB\./);
    expect(publisher.watched.isClosed()).toBe(false);
  });
});
