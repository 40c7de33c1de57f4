// The AMQP decoder (wire.ts) on real traffic: Debian's pika 1.2.0 (/usr/bin/python3, the client the
// runs use) talks to the test run's private broker through recordWire, and what it sent and got is
// decoded as the trace would. Then explain() and the terminal's hints against the same live broker.
// WIRE_FIXTURE_WRITE=1 saves the recording as fixtures/wire-pika.json for the unit tests
// (wire.test.ts), with the queue names "hello" / "helo" and the exchange "logs".
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { CapturedOutput } from '../../testing/capture-output.ts';
import { testEndpoint } from '../../testing/endpoints.ts';
import {
  assertAccounted,
  decodeConnection,
  recordWire,
  toRecording,
  type RecordedChunk,
} from '../../testing/wire-recorder.ts';
import { isUndecoded, type WireItem, type WireMessage } from '../wire-types.ts';
import { rabbitmq } from './index.ts';
import { rabbitmqWire } from './wire.ts';

const endpoint = testEndpoint('rabbitmq');
const admin = inject('serviceAdmins').rabbitmq;
const FIXTURE = new URL('./fixtures/wire-pika.json', import.meta.url);
const writing = process.env.WIRE_FIXTURE_WRITE === '1';
const id = randomUUID().slice(0, 8);
const names = writing
  ? { queue: 'hello', missing: 'helo', exchange: 'logs' }
  : { queue: `wire.${id}.hello`, missing: `wire.${id}.helo`, exchange: `wire.${id}.logs` };

/** frame_max 4096 (pika's least) makes the 10,000-byte body three body frames; heartbeat 1 s shows heartbeats. */
const PIKA_SCRIPT = `
import sys, pika
url, q, missing, x = sys.argv[1:5]
params = pika.URLParameters(url)
params.frame_max = 4096
params.heartbeat = 1
params.client_properties = {'connection_name': 'wire test'}
conn = pika.BlockingConnection(params)
ch = conn.channel()
ch.exchange_declare(exchange=x, exchange_type='fanout')
ch.queue_declare(queue=q)
ch.queue_bind(queue=q, exchange=x)
ch.basic_qos(prefetch_count=1)
ch.basic_publish(exchange='', routing_key=q, body=b'hello',
                 properties=pika.BasicProperties(delivery_mode=2, content_type='text/plain', headers={'lesson': 'wire'}))
for method, props, body in ch.consume(q, inactivity_timeout=5):
    ch.basic_ack(method.delivery_tag)
    break
ch.cancel()
ch.basic_publish(exchange=x, routing_key='', body=b'x' * 10000)
method, props, body = ch.basic_get(q)
ch.basic_ack(method.delivery_tag)
ch.basic_get(q)
conn.sleep(1.6)
try:
    ch.queue_declare(queue=missing, passive=True)
except pika.exceptions.ChannelClosedByBroker as e:
    print('404', e)
ch = conn.channel()
try:
    ch.queue_declare(queue=q, durable=True)
except pika.exceptions.ChannelClosedByBroker as e:
    print('406', e)
ch = conn.channel()
ch.confirm_delivery()
ch.basic_publish(exchange='', routing_key=q, body=b'confirmed')
conn.close()
`;

let chunks: RecordedChunk[] = [];
let items: WireItem[] = [];
let messages: WireMessage[] = [];
let password = '';

function urlThrough(port: number): string {
  const url = new URL(endpoint.url);
  url.host = `127.0.0.1:${port}`;
  return url.toString();
}

/** Overwrites `secret` in the client's bytes (same length), keeping the chunks' boundaries. */
function scrub(recorded: RecordedChunk[], secret: string): RecordedChunk[] {
  const sent = Buffer.concat(recorded.filter((c) => c.dir === 'send').map((c) => c.bytes));
  const needle = Buffer.from(secret);
  for (let i = sent.indexOf(needle); i >= 0; i = sent.indexOf(needle, i + 1)) sent.fill(0x2a, i, i + needle.length);
  let at = 0;
  return recorded.map((c) => {
    if (c.dir !== 'send') return c;
    const bytes = Buffer.from(sent.subarray(at, at + c.bytes.length));
    at += c.bytes.length;
    return { dir: c.dir, bytes };
  });
}

beforeAll(async () => {
  const [host, port] = endpoint.address.split(':');
  const recorder = await recordWire(host, Number(port));
  try {
    const { stdout } = await promisify(execFile)(
      '/usr/bin/python3',
      ['-c', PIKA_SCRIPT, urlThrough(recorder.port), names.queue, names.missing, names.exchange],
      { timeout: 20_000 },
    );
    expect(stdout).toMatch(/^404 .*NOT_FOUND[\s\S]*406 .*PRECONDITION_FAILED/);
  } finally {
    await recorder.close();
  }
  expect(recorder.conns).toHaveLength(1);
  chunks = recorder.conns[0];
  password = decodeURIComponent(new URL(endpoint.url).password);
  items = decodeConnection(rabbitmqWire, chunks);
  messages = items.filter((i): i is WireMessage => !isUndecoded(i));
  if (writing) {
    const { version } = await rabbitmq.probe(endpoint);
    const recording = toRecording(
      'rabbitmq',
      `Debian's pika 1.2.0 (/usr/bin/python3; frame_max 4096, heartbeat 1 s) against RabbitMQ ${version}, through recordWire in server/services/rabbitmq/wire.int.test.ts (WIRE_FIXTURE_WRITE=1); the login's password overwritten with "*" in the client's bytes before saving`,
      [scrub(chunks, password)],
    );
    fs.mkdirSync(new URL('.', FIXTURE), { recursive: true });
    fs.writeFileSync(FIXTURE, `${JSON.stringify(recording, null, 1)}\n`);
  }
}, 30_000);

const summaries = () => messages.filter((m) => m.summary !== 'Heartbeat').map((m) => m.summary);
const find = (prefix: string) => messages.filter((m) => m.summary.startsWith(prefix));
const q = (s: string) => JSON.stringify(s);

/** The trace's pairing (server/wire/trace.ts): a reply answers the oldest request waiting on its key. */
function pairs(all: WireMessage[]): { pairs: [WireMessage, WireMessage][]; unanswered: WireMessage[] } {
  const waiting = new Map<string, WireMessage[]>();
  const found: [WireMessage, WireMessage][] = [];
  for (const m of all) {
    const key = m.key ?? '';
    if (m.role === 'request') waiting.set(key, [...(waiting.get(key) ?? []), m]);
    if (m.role === 'reply') {
      const request = waiting.get(key)?.shift();
      if (request) found.push([request, m]);
    }
  }
  return { pairs: found, unanswered: [...waiting.values()].flat() };
}

describe('the AMQP decoder on pika traffic', () => {
  it('reads every byte, in frames it names', () => {
    expect(items.filter(isUndecoded)).toEqual([]);
    assertAccounted(chunks, items);
    const { queue, missing, exchange } = names;
    expect(summaries()).toEqual([
      'Protocol header AMQP 0-9-1',
      expect.stringMatching(
        /^Connection\.Start 0-9 server="RabbitMQ \d+\.\d+\.\d+" mechanisms="[A-Z -]*PLAIN[A-Z -]*"$/,
      ),
      expect.stringMatching(/^Connection\.Start-Ok mechanism=PLAIN user="[^"]+"$/),
      'Connection.Tune channel_max=2047 frame_max=131072 heartbeat=60',
      'Connection.Tune-Ok channel_max=2047 frame_max=4096 heartbeat=1',
      'Connection.Open virtual_host="/"',
      'Connection.Open-Ok',
      'Channel.Open',
      'Channel.Open-Ok',
      `Exchange.Declare exchange=${q(exchange)} type="fanout"`,
      'Exchange.Declare-Ok',
      `Queue.Declare queue=${q(queue)}`,
      `Queue.Declare-Ok queue=${q(queue)} message_count=0 consumer_count=0`,
      // pika binds with the queue's name when no routing key is given.
      `Queue.Bind queue=${q(queue)} exchange=${q(exchange)} routing_key=${q(queue)}`,
      'Queue.Bind-Ok',
      'Basic.Qos prefetch_count=1',
      'Basic.Qos-Ok',
      `Basic.Publish exchange="" routing_key=${q(queue)} (5 bytes)`,
      expect.stringMatching(new RegExp(`^Basic\\.Consume queue=${escape(q(queue))} consumer_tag="ctag1\\.[0-9a-f]+"$`)),
      expect.stringMatching(/^Basic\.Consume-Ok consumer_tag="ctag1\.[0-9a-f]+"$/),
      expect.stringMatching(
        new RegExp(
          `^Basic\\.Deliver consumer_tag="ctag1\\.[0-9a-f]+" delivery_tag=1 exchange="" routing_key=${escape(q(queue))} \\(5 bytes\\)$`,
        ),
      ),
      'Basic.Ack delivery_tag=1',
      expect.stringMatching(/^Basic\.Cancel consumer_tag="ctag1\.[0-9a-f]+"$/),
      expect.stringMatching(/^Basic\.Cancel-Ok consumer_tag="ctag1\.[0-9a-f]+"$/),
      `Basic.Publish exchange=${q(exchange)} routing_key="" (10000 bytes)`,
      `Basic.Get queue=${q(queue)}`,
      `Basic.Get-Ok delivery_tag=2 exchange=${q(exchange)} routing_key="" message_count=0 (10000 bytes)`,
      'Basic.Ack delivery_tag=2',
      `Basic.Get queue=${q(queue)}`,
      'Basic.Get-Empty',
      `Queue.Declare queue=${q(missing)} passive=true`,
      `Channel.Close 404 NOT_FOUND - no queue '${missing}' in vhost '/'`,
      'Channel.Close-Ok',
      'Channel.Open',
      'Channel.Open-Ok',
      `Queue.Declare queue=${q(queue)} durable=true`,
      `Channel.Close 406 PRECONDITION_FAILED - inequivalent arg 'durable' for queue '${queue}' in vhost '/': received 'true' but current is 'false'`,
      'Channel.Close-Ok',
      'Channel.Open',
      'Channel.Open-Ok',
      'Confirm.Select',
      'Confirm.Select-Ok',
      `Basic.Publish exchange="" routing_key=${q(queue)} (9 bytes)`,
      'Basic.Ack delivery_tag=1',
      // pika closes its open channels before the connection.
      'Channel.Close 200 Normal shutdown',
      'Channel.Close-Ok',
      'Connection.Close 200 Normal shutdown',
      'Connection.Close-Ok',
    ]);
  });

  it('keeps channel numbers, and Basic.Qos goes before Basic.Consume', () => {
    const channels = messages.filter((m) => m.summary.startsWith('Queue.Declare ')).map((m) => m.tree[0].children?.[0]);
    // pika numbers channels from 1 and takes the lowest free one: each new channel is channel 1 again.
    expect(channels.map((c) => [c?.label, c?.value])).toEqual([
      ['channel', '1'],
      ['channel', '1'],
      ['channel', '1'],
    ]);
    const at = (prefix: string) => messages.findIndex((m) => m.summary.startsWith(prefix));
    expect(at('Basic.Qos ')).toBeGreaterThan(0);
    expect(at('Basic.Qos ')).toBeLessThan(at('Basic.Consume '));
  });

  it('groups a message with its properties and body, one node per frame', () => {
    const [publish] = find('Basic.Publish exchange=""');
    expect(publish.role).toBe('other');
    expect(publish.tree.map((n) => n.label)).toEqual(['Basic.Publish', 'content header', 'content body', 'body']);
    const properties = publish.tree[1].children!.find((n) => n.label === 'properties')!;
    expect(properties.children!.map((n) => [n.label, n.value])).toEqual([
      ['content_type', '"text/plain"'],
      ['headers', '{1}'],
      ['delivery_mode', '2 (persistent)'],
    ]);
    expect(publish.tree[3]).toEqual({ label: 'body', value: '"hello"' });
    const [big] = find('Basic.Get-Ok');
    // 10,000 bytes in frames of at most 4096: three body frames.
    expect(big.tree.map((n) => n.label)).toEqual([
      'Basic.Get-Ok',
      'content header',
      'content body',
      'content body',
      'content body',
      'body',
    ]);
    expect(big.tree.at(-1)!.value).toBe(`"${'x'.repeat(256)}"… (10000 bytes)`);
    for (const node of big.tree.slice(0, -1)) {
      const [a, b] = node.at!;
      expect(big.bytes[a]).toBe(node.label === 'Basic.Get-Ok' ? 1 : node.label === 'content header' ? 2 : 3);
      expect(big.bytes[b - 1]).toBe(0xce);
    }
  });

  it("masks the login's password and keeps the user name", () => {
    const [startOk] = find('Connection.Start-Ok');
    expect(startOk.bytes.includes(Buffer.from(password))).toBe(false);
    expect(startOk.masked).toHaveLength(1);
    const [a, b] = startOk.masked![0];
    expect(b - a).toBe(Buffer.byteLength(password));
    expect(startOk.bytes.subarray(a, b).toString()).toBe('*'.repeat(b - a));
    const response = startOk.tree[0].children!.find((n) => n.label === 'response')!;
    expect(response.children!.find((n) => n.label === 'password')).toEqual({
      label: 'password',
      secret: true,
      at: [a, b],
    });
    expect(JSON.stringify(startOk.detail)).not.toContain(password);
  });

  it('pairs requests with replies the way the spec does', () => {
    const { pairs: found, unanswered } = pairs(messages);
    expect(unanswered).toEqual([]);
    const said = found.map(([req, rep]) => [req.summary.split(' ')[0], rep.summary.split(' ')[0], req.key]);
    expect(said).toEqual([
      ['Connection.Start', 'Connection.Start-Ok', '0:server'],
      ['Connection.Tune', 'Connection.Tune-Ok', '0:server'],
      ['Connection.Open', 'Connection.Open-Ok', '0'],
      ['Channel.Open', 'Channel.Open-Ok', '1'],
      ['Exchange.Declare', 'Exchange.Declare-Ok', '1'],
      ['Queue.Declare', 'Queue.Declare-Ok', '1'],
      ['Queue.Bind', 'Queue.Bind-Ok', '1'],
      ['Basic.Qos', 'Basic.Qos-Ok', '1'],
      ['Basic.Consume', 'Basic.Consume-Ok', '1'],
      ['Basic.Cancel', 'Basic.Cancel-Ok', '1'],
      ['Basic.Get', 'Basic.Get-Ok', '1'],
      ['Basic.Get', 'Basic.Get-Empty', '1'],
      // The broker's Channel.Close answers the request it refused; the client's Close-Ok pairs with nothing.
      ['Queue.Declare', 'Channel.Close', '1'],
      ['Channel.Open', 'Channel.Open-Ok', '1/2'],
      ['Queue.Declare', 'Channel.Close', '1/2'],
      ['Channel.Open', 'Channel.Open-Ok', '1/3'],
      ['Confirm.Select', 'Confirm.Select-Ok', '1/3'],
      ['Channel.Close', 'Channel.Close-Ok', '1/3'],
      ['Connection.Close', 'Connection.Close-Ok', '0'],
    ]);
    const closes = find('Channel.Close ');
    expect(closes.map((m) => [m.dir, m.role, m.error])).toEqual([
      ['recv', 'reply', true],
      ['recv', 'reply', true],
      ['send', 'request', undefined],
    ]);
    expect(find('Channel.Close-Ok').map((m) => m.role)).toEqual(['other', 'other', 'reply']);
    for (const prefix of ['Basic.Publish', 'Basic.Deliver', 'Basic.Ack', 'Heartbeat']) {
      expect(find(prefix).every((m) => m.role === 'other')).toBe(true);
    }
    expect(find('Connection.Close 200')[0].error).toBeUndefined();
  });
});

describe('explain() against the live broker', () => {
  const explain = (prefix: string) => {
    const reply = find(prefix)[0];
    const request = pairs(messages).pairs.find(([, r]) => r === reply)?.[0];
    return rabbitmqWire.explain!({ endpoint, admin, request, reply });
  };

  it('lists what the vhost has for a 404, closest name first, and says the channel is gone', async () => {
    const hint = await explain('Channel.Close 404');
    expect(hint).toMatch(
      new RegExp(`^no queue ${escape(q(names.missing))} in vhost "/"; it has: ${escape(names.queue)}(, |; )`),
    );
    expect(hint).toMatch(/; channel 1 is closed now: methods sent on it fail, open a new channel$/);
  });

  it('names the argument of a 406 and how to declare the queue as it is', async () => {
    expect(await explain('Channel.Close 406')).toBe(
      `queue ${q(names.queue)} exists with durable=false, this declare asked for durable=true: declare it with durable=false as it is, or delete it first (queue.delete), or use another name; channel 1 is closed now: methods sent on it fail, open a new channel`,
    );
  });

  it('has nothing to add to a normal close, and does not throw on nonsense', async () => {
    expect(await explain('Connection.Close 200')).toBeNull();
    const [reply] = find('Basic.Ack');
    expect(await rabbitmqWire.explain!({ endpoint, admin: { management: { url: 'nope' } }, reply })).toBeNull();
  });
});

describe("the terminal's hints", () => {
  const ANSI = /\x1b\[[0-9;]*m/g;
  const plain = (text: string) => text.replace(ANSI, '').replace(/\r\n/g, '\n');

  it('explains a 404 (what the vhost has) and a 406 under the error line, and says which channel the next command uses', async () => {
    const output = new CapturedOutput();
    const session = await rabbitmq.openTerminal(endpoint, output, admin);
    try {
      await output.until((o) => o.prompts.length > 0);
      const run = async (line: string) => plain(await output.run((l) => session.line(l), line));
      expect(await run(`queue.declare queue=${names.missing} passive=true`)).toMatch(
        new RegExp(
          `^404 NOT_FOUND - no queue '${escape(names.missing)}' in vhost '/'\n` +
            `\\[hint: no queue ${escape(q(names.missing))} in vhost "/"; it has: ${escape(names.queue)}(, [^;]*)?; ` +
            `the server closed channel 1 after this error; the terminal opened channel 1 again for your next command\\]\n$`,
        ),
      );
      expect(await run(`queue.declare queue=${names.queue} durable=true`)).toBe(
        `406 PRECONDITION_FAILED - inequivalent arg 'durable' for queue '${names.queue}' in vhost '/': received 'true' but current is 'false'\n` +
          `[hint: queue ${q(names.queue)} exists with durable=false, this declare asked for durable=true: declare it with durable=false as it is, or delete it first (queue.delete), or use another name; the server closed channel 1 after this error; the terminal opened channel 1 again for your next command]\n`,
      );
      expect(await run(`queue.declare queue=${names.queue} passive=true`)).toMatch(/^queue\.declare-ok /);
    } finally {
      session.close();
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
