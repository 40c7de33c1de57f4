// The fence for unacknowledged messages, on the shared broker: a learner whose consumer takes
// messages and never acks them, past the limit, has its connections closed with the reason, and
// the messages are back in the queue; a learner under the limit is left alone. A limit of 50
// keeps it quick.
import type { ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amqpConnection, testManager, type TestManager } from '../../testing/workspaces/test-manager.ts';
import type { Endpoint } from '../endpoint.ts';
import { UNACKED_LOOK_MS } from './unacked-guard.ts';

const LIMITS = { unackedMessages: 50, unackedMb: 1 };

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

/** A connection that publishes `count` messages to `jobs` and consumes them without acking. */
async function holdUnacked(endpoint: Endpoint, count: number) {
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
  const channel = await connection.createChannel();
  await channel.assertQueue('jobs');
  for (let i = 0; i < count; i++) channel.sendToQueue('jobs', Buffer.from(`job ${i}`));
  let received = 0;
  await channel.consume('jobs', () => received++, { noAck: false });
  await expect.poll(() => received, { timeout: 10_000 }).toBe(count);
  return { errors, isClosed: () => closed };
}

describe('unacknowledged messages', () => {
  it('past the limit close the learner’s connections with the reason, and go back to their queue', async () => {
    const over = await holdUnacked(greedy, 80);
    const under = await holdUnacked(modest, 10);
    // The broker's statistics, then the guard's next look.
    await expect.poll(over.isClosed, { timeout: 6 * UNACKED_LOOK_MS, interval: 200 }).toBe(true);
    expect(over.errors.at(-1)).toMatch(
      /CONNECTION_FORCED - the classroom closed this connection: your consumers held 80 unacknowledged messages .*at most 50 \/ 1 MB.*basic_ack.*basic_qos/,
    );
    const check = await amqpConnection(greedy);
    connections.push(check);
    const channel = await check.createChannel();
    expect((await channel.checkQueue('jobs')).messageCount).toBe(80);

    // Two more looks: the learner under the limit is still connected.
    await new Promise((r) => setTimeout(r, 2 * UNACKED_LOOK_MS));
    expect(under.isClosed()).toBe(false);
    expect(under.errors).toEqual([]);
  });
});
