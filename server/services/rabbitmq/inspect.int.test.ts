// The RabbitMQ Inspect view through the socket, against the test stack's own broker: the vhost's
// exchanges, queues and bindings as the management API reports them, a declare pushed by the event
// exchange, a publish and the queues it reached from the firehose (and one that reached none), a
// depth the broker has counted, and no connection or queue of the view's left behind when closed.
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RabbitmqInspectState } from '../../../shared/inspect.ts';
import { testBaseUrl, testEndpoint, testTargets } from '../../testing/endpoints.ts';
import { PlaygroundClient } from '../../ws/playground-client.ts';
import { managementRequest, type RabbitmqAdmin } from './admin.ts';
import { connectOptions } from './amqp-url.ts';
import { CONNECTION_NAME, OWN_QUEUE_PREFIX } from './own-client.ts';

type Row = Record<string, unknown>;

let model: ChannelModel;
let channel: Channel;
const tag = `inspect${Date.now().toString(36)}`;

beforeAll(async () => {
  model = await amqp.connect(connectOptions(testEndpoint('rabbitmq')));
  channel = await model.createChannel();
});
afterAll(async () => {
  await channel.deleteQueue(`${tag}.tasks`).catch(() => {});
  await channel.deleteExchange(`${tag}.logs`).catch(() => {});
  await model.close();
});

const admin = () => (testTargets().admin!('rabbitmq') as RabbitmqAdmin).management!;
const latest = (c: PlaygroundClient, id: string) => c.inspectState<RabbitmqInspectState>(id);

describe('the RabbitMQ Inspect view', () => {
  it('shows the topology, pushed by the broker, and where each publish went', async () => {
    const c = await PlaygroundClient.connect(testBaseUrl());
    try {
      c.send({ type: 'open', id: 'insp', kind: 'inspect', service: 'rabbitmq' });
      await c.until(() => latest(c, 'insp') !== null, 10_000);
      const first = latest(c, 'insp')!;
      expect(first).toMatchObject({ vhost: '/', pushed: true, traced: true, refreshMs: null });
      expect(first.exchanges.find((e) => e.name === 'amq.fanout')).toMatchObject({ type: 'fanout', durable: true });
      // The broker's own exchanges and the view's own queues are left out.
      expect(first.exchanges.some((e) => e.name.startsWith('amq.rabbitmq.'))).toBe(false);
      expect(first.queues.some((q) => q.name.startsWith(OWN_QUEUE_PREFIX))).toBe(false);
      const listed = (await managementRequest(admin(), 'GET', '/api/queues/%2F')) as Array<{ name: string }>;
      expect(listed.some((q) => q.name.startsWith(OWN_QUEUE_PREFIX))).toBe(true);

      await channel.assertExchange(`${tag}.logs`, 'direct', { durable: false });
      await channel.assertQueue(`${tag}.tasks`, { durable: true });
      await channel.bindQueue(`${tag}.tasks`, `${tag}.logs`, 'error');
      await c.until(
        () =>
          latest(c, 'insp')!.bindings.some(
            (b) => b.source === `${tag}.logs` && b.destination === `${tag}.tasks` && b.routing_key === 'error',
          ),
        2_000,
      );
      const state = latest(c, 'insp')!;
      expect(state.exchanges.find((e) => e.name === `${tag}.logs`)).toMatchObject({ type: 'direct', durable: false });
      expect(state.queues.find((q) => q.name === `${tag}.tasks`)).toMatchObject({ durable: true, messages: 0 });
      // The default exchange's implicit binding, by the queue's name.
      expect(state.bindings).toContainEqual(
        expect.objectContaining({ source: '', destination: `${tag}.tasks`, routing_key: `${tag}.tasks` }),
      );

      channel.publish(`${tag}.logs`, 'error', Buffer.from('disk full'));
      channel.publish(`${tag}.logs`, 'debug', Buffer.from('nobody listens'));
      await c.until(() => latest(c, 'insp')!.publishes.some((p) => p.routingKey === 'debug'), 2_000);
      const publishes = latest(c, 'insp')!.publishes.filter((p) => p.exchange === `${tag}.logs`);
      expect(publishes.map((p) => [p.routingKey, p.routedQueues, p.bytes])).toEqual([
        ['error', [`${tag}.tasks`], 9],
        ['debug', [], 14],
      ]);
      expect(publishes[1].seq).toBeGreaterThan(publishes[0].seq);

      // The depth as the queue counts it, at once (the API's own figure lags by seconds).
      await c.until(() => latest(c, 'insp')!.queues.find((q) => q.name === `${tag}.tasks`)?.messages === 1, 1_000);
      expect(latest(c, 'insp')!.queues.find((q) => q.name === `${tag}.tasks`)).toMatchObject({ ready: 1, unacked: 0 });

      await channel.deleteQueue(`${tag}.tasks`);
      await c.until(() => !latest(c, 'insp')!.queues.some((q) => q.name === `${tag}.tasks`), 2_000);
    } finally {
      c.close();
    }
  });

  it('counts consumers at once, and leaves no connection or queue behind when closed', async () => {
    const access = admin();
    // The API lists a connection some time after it opened (its statistics lag by seconds).
    const connections = async () =>
      ((await managementRequest(access, 'GET', '/api/connections')) as Array<{ client_properties?: Row }>).filter(
        (row) => row.client_properties?.connection_name === CONNECTION_NAME,
      ).length;
    await expect.poll(connections, { timeout: 8_000 }).toBe(0);
    const c = await PlaygroundClient.connect(testBaseUrl());
    try {
      await channel.assertQueue(`${tag}.tasks`, { durable: false });
      c.send({ type: 'open', id: 'insp', kind: 'inspect', service: 'rabbitmq' });
      await c.until(() => latest(c, 'insp')?.queues.some((q) => q.name === `${tag}.tasks`) === true, 10_000);
      const { consumerTag } = await channel.consume(`${tag}.tasks`, () => {});
      await c.until(() => latest(c, 'insp')!.queues.find((q) => q.name === `${tag}.tasks`)?.consumers === 1, 1_000);
      await channel.cancel(consumerTag);
      await c.until(() => latest(c, 'insp')!.queues.find((q) => q.name === `${tag}.tasks`)?.consumers === 0, 1_000);
      // A second view: a connection of its own, and the one event feed of the process shared.
      await expect.poll(connections, { timeout: 8_000 }).toBe(2);
      c.send({ type: 'open', id: 'insp2', kind: 'inspect', service: 'rabbitmq' });
      await c.until(() => latest(c, 'insp2') !== null, 10_000);
      await expect.poll(connections, { timeout: 8_000 }).toBe(3);
      for (const id of ['insp', 'insp2']) {
        c.send({ type: 'close', id });
        await c.until(() => c.messages.some((m) => m.type === 'exit' && m.id === id), 2_000);
      }
    } finally {
      c.close();
    }
    await expect.poll(connections, { timeout: 8_000 }).toBe(0);
    const queues = (await managementRequest(access, 'GET', '/api/queues/%2F')) as Array<{ name: string }>;
    expect(queues.filter((q) => q.name.startsWith(OWN_QUEUE_PREFIX))).toEqual([]);
  });
});
