// The AMQP decoder (wire.ts) without a broker: the pika recording in fixtures/wire-pika.json (made
// by wire.int.test.ts) decoded whole, a byte at a time and in random pieces; frames made with
// amqplib's own encoder for what the recording lacks (a secret in AMQPLAIN, a close that answers
// nothing, garbage between frames); random bytes, cuts and corruption, which must never throw and
// must hand every byte back; and the hints' words (wire-explain.ts) on the broker's texts.
import { createRequire } from 'node:module';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceDir } from '../../../shared/trace.ts';
import { assertAccounted, decodeConnection, readRecording, type RecordedChunk } from '../../testing/wire-recorder.ts';
import { isUndecoded, type WireItem, type WireMessage } from '../wire-types.ts';
import { defs } from './amqp-defs.ts';
import { rabbitmqWire } from './wire.ts';
import { amqpTerminalHint, explainAmqpError } from './wire-explain.ts';

const chunks = readRecording(new URL('./fixtures/wire-pika.json', import.meta.url))[0];
const CTAG = 'ctag1.8dc35eb4527e47f4a27f67f6f65b0332';

const require = createRequire(import.meta.url);
const amqplib = path.dirname(require.resolve('amqplib'));
const frames: { makeBodyFrame(channel: number, payload: Buffer): Buffer } = require(
  path.join(amqplib, 'lib', 'frame.js'),
);
const codec = defs as unknown as {
  encodeMethod(id: number, channel: number, fields: Record<string, unknown>): Buffer;
  encodeProperties(id: number, channel: number, size: number, fields: Record<string, unknown>): Buffer;
};
const id = (name: string) => defs[name] as number;
const method = (name: string, channel: number, fields: Record<string, unknown> = {}) =>
  codec.encodeMethod(id(name), channel, fields);
const HEARTBEAT = Buffer.from([8, 0, 0, 0, 0, 0, 0, 0xce]);
const PUBLISH = { ticket: 0, exchange: '', routingKey: 'q', mandatory: false, immediate: false };
const DECLARE = {
  ticket: 0,
  queue: 'q',
  passive: false,
  durable: false,
  exclusive: false,
  autoDelete: false,
  nowait: false,
  arguments: {},
};
const close = (name: 'ChannelClose' | 'ConnectionClose', channel: number, code: number, text: string) =>
  method(name, channel, { replyCode: code, replyText: text, classId: 0, methodId: 0 });

const messagesOf = (items: WireItem[]) => items.filter((i): i is WireMessage => !isUndecoded(i));
/** What the trace shows of each item, for comparing two decodings. */
const shown = (items: WireItem[]) =>
  items.map((i) =>
    isUndecoded(i)
      ? { dir: i.dir, reason: i.reason, bytes: i.bytes.toString('hex') }
      : { ...i, bytes: i.bytes.toString('hex'), detail: undefined },
  );

function decode(parts: [TraceDir, Buffer][]): WireItem[] {
  const c: RecordedChunk[] = parts.map(([dir, bytes]) => ({ dir, bytes }));
  const items = decodeConnection(rabbitmqWire, c);
  assertAccounted(c, items);
  return items;
}

/** The fixture's chunks cut into pieces at `cuts` (fractions), in the same order. */
function resplit(source: RecordedChunk[], cuts: number[][]): RecordedChunk[] {
  return source.flatMap((c, i) => {
    const at = [...new Set((cuts[i % cuts.length] ?? []).map((f) => Math.floor(f * c.bytes.length)))].sort(
      (a, b) => a - b,
    );
    const out: RecordedChunk[] = [];
    let from = 0;
    for (const to of [...at, c.bytes.length]) {
      if (to > from) out.push({ dir: c.dir, bytes: c.bytes.subarray(from, to) });
      from = Math.max(from, to);
    }
    return out;
  });
}

describe('the pika recording', () => {
  const items = decodeConnection(rabbitmqWire, chunks);

  it('decodes into the messages pika and the broker exchanged, every byte accounted for', () => {
    expect(items.filter(isUndecoded)).toEqual([]);
    assertAccounted(chunks, items);
    const line = (m: WireMessage) =>
      `${m.dir} ${m.role}${m.key === undefined ? '' : ` ${m.key}`}${m.error ? ' error' : ''}: ${m.summary}`;
    expect(messagesOf(items).map(line)).toEqual([
      'send other: Protocol header AMQP 0-9-1',
      'recv request 0:server: Connection.Start 0-9 server="RabbitMQ 3.10.8" mechanisms="PLAIN AMQPLAIN"',
      'send reply 0:server: Connection.Start-Ok mechanism=PLAIN user="playground"',
      'recv request 0:server: Connection.Tune channel_max=2047 frame_max=131072 heartbeat=60',
      'send reply 0:server: Connection.Tune-Ok channel_max=2047 frame_max=4096 heartbeat=1',
      'send request 0: Connection.Open virtual_host="/"',
      'recv reply 0: Connection.Open-Ok',
      'send request 1: Channel.Open',
      'recv reply 1: Channel.Open-Ok',
      'send request 1: Exchange.Declare exchange="logs" type="fanout"',
      'recv reply 1: Exchange.Declare-Ok',
      'send request 1: Queue.Declare queue="hello"',
      'recv reply 1: Queue.Declare-Ok queue="hello" message_count=0 consumer_count=0',
      'send request 1: Queue.Bind queue="hello" exchange="logs" routing_key="hello"',
      'recv reply 1: Queue.Bind-Ok',
      'send request 1: Basic.Qos prefetch_count=1',
      'recv reply 1: Basic.Qos-Ok',
      'send other: Basic.Publish exchange="" routing_key="hello" (5 bytes)',
      `send request 1: Basic.Consume queue="hello" consumer_tag="${CTAG}"`,
      `recv reply 1: Basic.Consume-Ok consumer_tag="${CTAG}"`,
      `recv other: Basic.Deliver consumer_tag="${CTAG}" delivery_tag=1 exchange="" routing_key="hello" (5 bytes)`,
      'send other: Basic.Ack delivery_tag=1',
      `send request 1: Basic.Cancel consumer_tag="${CTAG}"`,
      `recv reply 1: Basic.Cancel-Ok consumer_tag="${CTAG}"`,
      'send other: Basic.Publish exchange="logs" routing_key="" (10000 bytes)',
      'send request 1: Basic.Get queue="hello"',
      'recv reply 1: Basic.Get-Ok delivery_tag=2 exchange="logs" routing_key="" message_count=0 (10000 bytes)',
      'send other: Basic.Ack delivery_tag=2',
      'send request 1: Basic.Get queue="hello"',
      'recv reply 1: Basic.Get-Empty',
      'send other: Heartbeat',
      'recv other: Heartbeat',
      'recv other: Heartbeat',
      'send other: Heartbeat',
      'recv other: Heartbeat',
      'send other: Heartbeat',
      'send request 1: Queue.Declare queue="helo" passive=true',
      "recv reply 1 error: Channel.Close 404 NOT_FOUND - no queue 'helo' in vhost '/'",
      'send other: Channel.Close-Ok',
      'send request 1/2: Channel.Open',
      'recv reply 1/2: Channel.Open-Ok',
      'send request 1/2: Queue.Declare queue="hello" durable=true',
      "recv reply 1/2 error: Channel.Close 406 PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'hello' in vhost '/': received 'true' but current is 'false'",
      'send other: Channel.Close-Ok',
      'send request 1/3: Channel.Open',
      'recv reply 1/3: Channel.Open-Ok',
      'send request 1/3: Confirm.Select',
      'recv reply 1/3: Confirm.Select-Ok',
      'send other: Basic.Publish exchange="" routing_key="hello" (9 bytes)',
      'recv other: Basic.Ack delivery_tag=1',
      'send request 1/3: Channel.Close 200 Normal shutdown',
      'recv reply 1/3: Channel.Close-Ok',
      'send request 0: Connection.Close 200 Normal shutdown',
      'recv reply 0: Connection.Close-Ok',
    ]);
  });

  it("keeps what explain() needs in detail, and never the login's secret", () => {
    const [declare, notFound] = messagesOf(items).filter((m) => /queue="helo"|404/.test(m.summary));
    expect(declare.detail).toMatchObject({
      method: 'Queue.Declare',
      channel: 1,
      fields: { queue: 'helo', passive: true },
    });
    expect(notFound.detail).toMatchObject({
      method: 'Channel.Close',
      channel: 1,
      replyCode: 404,
      replyText: "NOT_FOUND - no queue 'helo' in vhost '/'",
      failedMethod: 'Queue.Declare',
    });
    const startOk = messagesOf(items).find((m) => m.summary.startsWith('Connection.Start-Ok'))!;
    expect((startOk.detail as { fields: object }).fields).not.toHaveProperty('response');
    expect(startOk.masked).toEqual([[321, 353]]);
  });

  it('reads the same, one byte at a time', () => {
    const single = chunks.flatMap((c) => [...c.bytes].map((b) => ({ dir: c.dir, bytes: Buffer.from([b]) })));
    const items1 = decodeConnection(rabbitmqWire, single);
    assertAccounted(single, items1);
    expect(shown(items1)).toEqual(shown(items));
  });

  it('reads the same in any pieces', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }), { minLength: 1 }),
        (cuts) => {
          const pieces = resplit(chunks, cuts);
          const again = decodeConnection(rabbitmqWire, pieces);
          assertAccounted(pieces, again);
          expect(shown(again)).toEqual(shown(items));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('hands every byte back when the connection ends anywhere, or bytes are corrupted', () => {
    const total = chunks.reduce((n, c) => n + c.bytes.length, 0);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: total }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        (cut, flips) => {
          const bytes = Buffer.concat(chunks.map((c) => c.bytes));
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const cutChunks: RecordedChunk[] = [];
          let at = 0;
          for (const c of chunks) {
            const n = Math.min(c.bytes.length, cut - at);
            if (n <= 0) break;
            cutChunks.push({ dir: c.dir, bytes: bytes.subarray(at, at + n) });
            at += c.bytes.length;
          }
          const got = decodeConnection(rabbitmqWire, cutChunks);
          assertAccounted(cutChunks, got);
          if (flips.length === 0)
            expect(got.filter(isUndecoded).every((u) => /ended mid-frame/.test(u.reason))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('decodes quickly (the goal is 50 MB/s; a busy machine gets a lower bound)', () => {
    const total = chunks.reduce((n, c) => n + c.bytes.length, 0);
    for (let i = 0; i < 50; i++) decodeConnection(rabbitmqWire, chunks);
    const started = performance.now();
    let bytes = 0;
    while (performance.now() - started < 300) {
      decodeConnection(rabbitmqWire, chunks);
      bytes += total;
    }
    const rate = bytes / ((performance.now() - started) / 1000) / 1e6;
    // Measured ~90 MB/s on a quiet machine; the bound leaves room for a busy one.
    expect(rate).toBeGreaterThan(15);
  });
});

describe('random bytes', () => {
  it('never throw, and every byte comes back once, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom<TraceDir>('send', 'recv'), fc.uint8Array({ maxLength: 300 }))),
        (parts) => {
          decode(parts.map(([dir, b]) => [dir, Buffer.from(b)]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('among frames: valid frames around them still decode', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (junk) => {
        const items = decode([
          ['send', method('QueueDeclare', 1, DECLARE)],
          ['send', Buffer.from(junk)],
          ['send', HEARTBEAT],
          ['send', method('BasicQos', 1, { prefetchSize: 0, prefetchCount: 3, global: false })],
        ]);
        expect(messagesOf(items)[0].summary).toBe('Queue.Declare queue="q"');
        expect(messagesOf(items).at(-1)!.summary).toBe('Basic.Qos prefetch_count=3');
      }),
      { numRuns: 300 },
    );
  });
});

describe('frames the recording lacks', () => {
  it('skips garbage to the next frame boundary and says why', () => {
    const items = decode([
      [
        'send',
        Buffer.concat([
          Buffer.from('hello'),
          method('BasicQos', 1, { prefetchSize: 0, prefetchCount: 1, global: false }),
        ]),
      ],
      ['send', Buffer.concat([Buffer.from([1, 0, 1, 0, 0, 0, 4, 0, 0x3c, 0, 0x0a, 0x00]), HEARTBEAT])],
    ]);
    expect(items.map((i) => (isUndecoded(i) ? `raw ${i.bytes.length}: ${i.reason}` : i.summary))).toEqual([
      'raw 5: not an AMQP frame: frame type 104 is none of method (1), header (2), body (3), heartbeat (8)',
      'Basic.Qos prefetch_count=1',
      'raw 12: not an AMQP frame: the frame-end byte is 0x00, not 0xCE',
      'Heartbeat',
    ]);
  });

  it('shows a frame of an unknown method raw, and goes on', () => {
    const unknown = method('BasicQosOk', 1);
    unknown.writeUInt16BE(99, 9);
    const items = decode([['recv', Buffer.concat([unknown, method('BasicQosOk', 1)])]]);
    expect(items.map((i) => (isUndecoded(i) ? i.reason : i.summary))).toEqual([
      'an AMQP frame that does not read: unknown method 60/99 (class/method)',
      'Basic.Qos-Ok',
    ]);
  });

  it('ends a message whose frames another frame interrupts, and says so', () => {
    const items = decode([
      ['send', method('BasicPublish', 1, PUBLISH)],
      ['send', codec.encodeProperties(60, 1, 6, {})],
      ['send', frames.makeBodyFrame(1, Buffer.from('abc'))],
      ['send', HEARTBEAT],
      ['send', frames.makeBodyFrame(1, Buffer.from('def'))],
      ['send', method('BasicPublish', 2, PUBLISH)],
      ['send', codec.encodeProperties(60, 2, 0, { contentType: 'text/plain' })],
    ]);
    expect(items.map((i) => (isUndecoded(i) ? i.reason : i.summary))).toEqual([
      'Basic.Publish exchange="" routing_key="q" (6 bytes, only 3 came)',
      'Heartbeat',
      'Content body channel 1 (3 bytes), after no content header',
      'Basic.Publish exchange="" routing_key="q" (0 bytes)',
    ]);
  });

  it('masks an AMQPLAIN password and keeps the LOGIN', () => {
    const entry = (key: string, value: string) =>
      Buffer.concat([
        Buffer.from([key.length]),
        Buffer.from(key),
        Buffer.from('S'),
        u32(value.length),
        Buffer.from(value),
      ]);
    const response = Buffer.concat([entry('LOGIN', 'ada'), entry('PASSWORD', 's3cret')]);
    const startOk = method('ConnectionStartOk', 0, {
      clientProperties: {},
      mechanism: 'AMQPLAIN',
      response,
      locale: 'en_US',
    });
    const [m] = messagesOf(decode([['send', startOk]]));
    expect(m.summary).toBe('Connection.Start-Ok mechanism=AMQPLAIN user="ada"');
    expect(m.bytes.includes('s3cret')).toBe(false);
    expect(m.masked).toHaveLength(1);
    const [a, b] = m.masked![0];
    expect(startOk.subarray(a, b).toString()).toBe('s3cret');
  });

  it('masks a response it cannot read whole', () => {
    const startOk = method('ConnectionStartOk', 0, {
      clientProperties: {},
      mechanism: 'RABBIT-CR-DEMO',
      response: Buffer.from('opaque'),
      locale: 'en_US',
    });
    const [m] = messagesOf(decode([['send', startOk]]));
    expect(m.bytes.includes('opaque')).toBe(false);
    const response = m.tree[0].children!.find((n) => n.label === 'response')!;
    expect(response.secret).toBe(true);
  });

  it("pairs the broker's Connection.Close with the Connection.Open it refused", () => {
    const items = messagesOf(
      decode([
        ['send', method('ConnectionOpen', 0, { virtualHost: 'nope', capabilities: '', insist: false })],
        ['recv', close('ConnectionClose', 0, 530, 'NOT_ALLOWED - vhost nope not found')],
        ['send', method('ConnectionCloseOk', 0)],
      ]),
    );
    expect(items.map((m) => [m.role, m.key, m.error])).toEqual([
      ['request', '0', undefined],
      ['reply', '0', true],
      ['other', undefined, undefined],
    ]);
  });

  it("makes the broker's Channel.Close a request when nothing waits on the channel", () => {
    const items = messagesOf(
      decode([
        ['send', method('BasicPublish', 1, { ...PUBLISH, exchange: 'nox' })],
        ['send', codec.encodeProperties(60, 1, 0, {})],
        ['recv', close('ChannelClose', 1, 404, "NOT_FOUND - no exchange 'nox' in vhost '/'")],
        ['send', method('ChannelCloseOk', 1)],
        ['send', method('ChannelOpen', 1, { outOfBand: '' })],
        ['recv', method('ChannelOpenOk', 1, { channelId: Buffer.from('') })],
      ]),
    );
    expect(items.map((m) => [m.summary.split(' ')[0], m.role, m.key])).toEqual([
      ['Basic.Publish', 'other', undefined],
      ['Channel.Close', 'request', '1:server'],
      ['Channel.Close-Ok', 'reply', '1:server'],
      ['Channel.Open', 'request', '1/2'],
      ['Channel.Open-Ok', 'reply', '1/2'],
    ]);
  });

  it('does not wait for a reply to a method sent with no_wait', () => {
    const [m] = messagesOf(decode([['send', method('QueueDeclare', 1, { ...DECLARE, nowait: true })]]));
    expect([m.summary, m.role]).toEqual(['Queue.Declare queue="q" no_wait=true', 'other']);
  });
});

describe('the hints', () => {
  const facts = (code: number, text: string) => ({ code, text, channel: 1 });

  it('lists what the vhost has on a 404, closest first', () => {
    const f = facts(404, "NOT_FOUND - no queue 'helo' in vhost '/'");
    expect(explainAmqpError(f, { queues: ['tasks', 'hello'], exchanges: [] })).toBe(
      'no queue "helo" in vhost "/"; it has: hello, tasks',
    );
    expect(explainAmqpError(f, { queues: [], exchanges: [] })).toBe(
      'no queue "helo" in vhost "/", and it has no queues yet: declare it first',
    );
    expect(explainAmqpError(f)).toBe('no queue "helo" in vhost "/": declare it first, or check the name');
    const many = Array.from({ length: 9 }, (_, i) => `q${i}`);
    expect(explainAmqpError(f, { queues: many, exchanges: [] })).toMatch(/: q0, q1, q2, q3, q4, q5, … \(9 in all\)$/);
  });

  it('says which argument a 406 found different', () => {
    expect(
      explainAmqpError(
        facts(
          406,
          "PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received the value '10' of type 'signedint' but current is none",
        ),
      ),
    ).toBe(
      'queue "q" exists with no x-max-length, this declare asked for x-max-length=10: declare it with no x-max-length as it is, or delete it first (queue.delete), or use another name',
    );
    expect(
      explainAmqpError(
        facts(
          406,
          "PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'logs' in vhost '/': received 'fanout' but current is 'direct'",
        ),
      ),
    ).toMatch(/^exchange "logs" exists with type=direct, this declare asked for type=fanout: /);
  });

  it('explains a locked queue, an unknown tag, a reserved name; nothing for what it does not know', () => {
    expect(
      explainAmqpError(
        facts(
          405,
          "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'x' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.",
        ),
      ),
    ).toMatch(/^queue "x" is exclusive to the connection that declared it/);
    expect(explainAmqpError(facts(406, 'PRECONDITION_FAILED - unknown delivery tag 99'))).toMatch(/tag 99/);
    expect(
      explainAmqpError(
        facts(406, "PRECONDITION_FAILED - cannot declare queue 'x': queue limit in vhost 'ada' (20) is reached"),
      ),
    ).toBe('vhost "ada" may hold 20 queues and has them all: delete one it no longer needs first');
    expect(
      explainAmqpError(facts(403, "ACCESS_REFUSED - queue name 'amq.x' contains reserved prefix 'amq.*'")),
    ).toMatch(/"amq\."/);
    expect(explainAmqpError(facts(541, 'INTERNAL_ERROR'))).toBeNull();
  });

  it("words the terminal's hint from amqplib's error", () => {
    const err = Object.assign(
      new Error(`Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - no queue 'x' in vhost '/'"`),
      { code: 404, classId: 50, methodId: 10 },
    );
    expect(amqpTerminalHint(err, 1, 1)).toBe(
      'no queue "x" in vhost "/": declare it first, or check the name; the server closed channel 1 after this error; the terminal opened channel 1 again for your next command',
    );
    expect(amqpTerminalHint(undefined, 1, 2)).toBe(
      'the server closed channel 1 after this error; the terminal opened channel 2 for your next command',
    );
  });
});

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
