// The classroom's cap on a learner's queues, at its edge, on the shared broker: every queue of the
// vhost stops at the cap whatever the learner declares, the learner cannot change the policies, the
// manager writes them again for vhosts that lack them, and the terminal says what happened at a
// full queue, with confirms (basic.nack) and without (the broker says nothing). A cap of 3 messages
// keeps it quick; bytes are tested against the 1 MB the default has.
import type { ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturedOutput } from '../../testing/capture-output.ts';
import { testSharedAdmin } from '../../testing/workspaces/shared-admin-context.ts';
import { amqpConnection, testManager, type TestManager } from '../../testing/workspaces/test-manager.ts';
import type { Endpoint } from '../endpoint.ts';
import type { TerminalSession } from '../types.ts';
import { managementRequest, type ManagementAccess, type RabbitmqAdmin } from './admin.ts';
import { parseAmqpTarget } from './amqp-url.ts';
import { RabbitmqAccounts } from './classroom.ts';
import { rabbitmq } from './index.ts';
import { OVERFLOW_POLICY, QUEUE_CAP_POLICY } from './queue-cap.ts';

const LIMITS = { queueMessages: 3, queueMb: 1 };
const MB = 1024 * 1024;
const CAP = 'the classroom caps each queue at 3 messages / 1 MB';

let t: TestManager;
let id: string;
let endpoint: Endpoint;
let admin: ManagementAccess;
const sessions: TerminalSession[] = [];

beforeAll(async () => {
  t = await testManager({ limits: { rabbitmq: LIMITS } });
  id = await t.manager.claim('learner-at-the-cap');
  endpoint = (await t.manager.ensure(id)).rabbitmq;
  const access = testSharedAdmin().rabbitmq;
  admin = { url: access.managementUrl, user: access.user, password: access.password };
});

afterAll(async () => {
  for (const s of sessions) s.close();
  await t?.cleanup();
});

const policy = (kind: 'operator-policies' | 'policies', name: string) =>
  managementRequest(admin, 'GET', `/api/${kind}/${id}/${name}`, undefined, [404]);

/** Publishes on a confirm channel; answers "ack" or "nack". */
const publish = (ch: ConfirmChannel, queue: string, body: Buffer) =>
  new Promise<string>((resolve) => ch.sendToQueue(queue, body, {}, (err) => resolve(err ? 'nack' : 'ack')));

describe('the queue cap', () => {
  it('is an operator policy and a policy on the vhost, which the learner can neither read nor change', async () => {
    expect(await policy('operator-policies', QUEUE_CAP_POLICY)).toMatchObject({
      pattern: '.*',
      'apply-to': 'queues',
      definition: { 'max-length': 3, 'max-length-bytes': MB },
    });
    expect(await policy('policies', OVERFLOW_POLICY)).toMatchObject({ definition: { overflow: 'reject-publish' } });
    const learner = parseAmqpTarget(endpoint.url);
    const asLearner = { url: admin.url, user: learner.username!, password: learner.password! };
    for (const [method, path, body] of [
      ['PUT', `/api/policies/${id}/mine`, { pattern: '.*', definition: { 'max-length': 1_000_000 } }],
      ['DELETE', `/api/operator-policies/${id}/${QUEUE_CAP_POLICY}`, undefined],
      ['GET', `/api/operator-policies/${id}`, undefined],
    ] as const) {
      await expect(managementRequest(asLearner, method, path, body), `${method} ${path}`).rejects.toThrow(
        /answered 401: Not management user/,
      );
    }
  });

  it('holds whatever limits and overflow the learner declares a queue with', async () => {
    const model = await amqpConnection(endpoint);
    try {
      const ch = await model.createConfirmChannel();
      // Stricter of the two wins: the learner's own, larger limit does not lift the cap.
      await ch.assertQueue('roomy', { arguments: { 'x-max-length': 1_000_000 } });
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await publish(ch, 'roomy', Buffer.from(`m${i}`)));
      expect(answers).toEqual(['ack', 'ack', 'ack', 'nack']);
      // A queue argument wins over a policy for overflow: drop-head drops the oldest, still at the cap.
      await ch.assertQueue('dropping', { arguments: { 'x-overflow': 'drop-head' } });
      for (let i = 0; i < 5; i++) expect(await publish(ch, 'dropping', Buffer.from(`m${i}`))).toBe('ack');
      expect((await ch.checkQueue('dropping')).messageCount).toBe(3);
      const first = await ch.get('dropping', { noAck: true });
      expect(first && first.content.toString()).toBe('m2');
      // Bytes: a second body of 0.6 MB would take the queue past 1 MB.
      await ch.assertQueue('heavy');
      const body = Buffer.alloc(0.6 * MB);
      expect([await publish(ch, 'heavy', body), await publish(ch, 'heavy', body)]).toEqual(['ack', 'nack']);
      // Quorum queues are capped too.
      await ch.assertQueue('replicated', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      const quorum = [];
      for (let i = 0; i < 6; i++) quorum.push(await publish(ch, 'replicated', Buffer.from('q')));
      expect(quorum.filter((a) => a === 'ack').length).toBeLessThanOrEqual(LIMITS.queueMessages + 1);
      expect(quorum.at(-1)).toBe('nack');
    } finally {
      await model.close().catch(() => {});
    }
  });

  it('is written again by restore() into a vhost that lacks it (the manager’s start)', async () => {
    for (const [kind, name] of [
      ['operator-policies', QUEUE_CAP_POLICY],
      ['policies', OVERFLOW_POLICY],
    ] as const) {
      await managementRequest(admin, 'DELETE', `/api/${kind}/${id}/${name}`);
      expect(await policy(kind, name)).toBeNull();
    }
    const record = (await t.store.workspaces()).find((w) => w.id === id)!;
    const limits = { maxQueues: 20, maxConnections: 20, ...LIMITS };
    await new RabbitmqAccounts(testSharedAdmin().rabbitmq, limits).restore([{ id, password: record.secrets.rabbitmq }]);
    expect(await policy('operator-policies', QUEUE_CAP_POLICY)).toMatchObject({
      definition: { 'max-length': 3, 'max-length-bytes': MB },
    });
    expect(await policy('policies', OVERFLOW_POLICY)).toMatchObject({ definition: { overflow: 'reject-publish' } });
  });
});

describe('the terminal at a full queue', () => {
  let run: (line: string) => Promise<string>;
  beforeAll(async () => {
    const output = new CapturedOutput();
    const session = await rabbitmq.openTerminal(endpoint, output, t.manager.checkAdmin('rabbitmq') as RabbitmqAdmin);
    sessions.push(session);
    await output.until((o) => o.prompts.length > 0);
    run = async (line) =>
      (await output.run((l) => session.line(l), line)).replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\n/g, '\n');
  });

  it('without confirms: the broker says nothing, the terminal names the full queue', async () => {
    await run('queue.declare queue=jobs');
    for (let i = 0; i < 3; i++) await run(`basic.publish routing_key=jobs body=job${i}`);
    // At once: queue lengths are read as they are now, not from the statistics.
    expect(await run('basic.publish routing_key=jobs body=one-too-many')).toBe(
      '(basic.publish has no reply)\n' +
        `[hint: queue "jobs" is full (${CAP}): without confirms the broker drops what does not fit without a word; consume or queue.purge to make room, or confirm.select to get basic.nack]\n`,
    );
    // Through an exchange, the queues it routes to are found from the bindings.
    await run('exchange.declare exchange=logs type=fanout');
    await run('queue.bind queue=jobs exchange=logs');
    expect(await run('basic.publish exchange=logs body=via-the-exchange')).toContain('[hint: queue "jobs" is full');
    // A queue with room gets no hint.
    await run('queue.declare queue=spare');
    expect(await run('basic.publish routing_key=spare body=fits')).toBe('(basic.publish has no reply)\n');
  });

  it('without confirms, full by its bytes: named once the statistics have them', async () => {
    const model = await amqpConnection(endpoint);
    try {
      const ch = await model.createConfirmChannel();
      await ch.assertQueue('bulky');
      expect(await publish(ch, 'bulky', Buffer.alloc(MB - 100))).toBe('ack');
    } finally {
      await model.close().catch(() => {});
    }
    // The statistics carry the bytes, seconds late.
    const deadline = Date.now() + 15_000;
    let out = '';
    while (Date.now() < deadline && !out.includes('[hint')) {
      out = await run(`basic.publish routing_key=bulky body=${'b'.repeat(200)}`);
      if (!out.includes('[hint')) await new Promise((r) => setTimeout(r, 500));
    }
    expect(out).toContain(`[hint: queue "bulky" is full (${CAP})`);
  }, 30_000);

  it('with confirms: basic.nack, and a hint that names the cap', async () => {
    expect(await run('confirm.select')).toBe('confirm.select-ok\n');
    // The broker's own fields: it may confirm "up to this tag" (multiple), and leaves requeue at its default.
    const refused = await run('basic.publish routing_key=jobs body=refused');
    expect(refused).toMatch(/^basic\.nack delivery_tag=1 multiple=(true|false) requeue=(true|false)\n/);
    expect(refused.split('\n')[1]).toBe(
      `[hint: the broker did not take the message: a queue it routes to is full (${CAP}); consume from it or queue.purge it to make room]`,
    );
    expect(await run('queue.purge queue=jobs')).toBe('queue.purge-ok message_count=3\n');
    expect(await run('basic.publish routing_key=jobs body=room-again')).toMatch(
      /^basic\.ack delivery_tag=2 multiple=(true|false)\n$/,
    );
  });
});
