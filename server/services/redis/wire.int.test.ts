// The Redis decoder on real traffic: redis-py 4.3.4 (Debian's, as a snippet run uses it) talks
// RESP2 to the test run's Redis through recordWire — commands, a pipeline, a transaction,
// pub/sub, a WRONGTYPE error, AUTH — and a raw socket speaks RESP3 after HELLO 3 (redis-py 4.3
// cannot) and types inline commands, as telnet would. What they said is decoded; explain() and
// the terminal's hint are asked of the live server. RECORD_REDIS_WIRE=1 saves the recording as
// the unit tests' fixture (fixtures/wire-redis-py.json).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturedOutput } from '../../testing/capture-output.ts';
import { testEndpoint } from '../../testing/endpoints.ts';
import {
  type RecordedChunk,
  assertAccounted,
  decodeConnection,
  recordWire,
  toRecording,
} from '../../testing/wire-recorder.ts';
import { type WireItem, type WireMessage, isUndecoded } from '../wire-types.ts';
import { redis } from './index.ts';
import { openRedis } from './own-client.ts';
import { parseRedisUrl } from './redis-url.ts';
import { RespReader } from './resp.ts';
import { redisWire } from './wire.ts';

const endpoint = testEndpoint('redis');
const target = parseRedisUrl(endpoint.url);
const PYTHON = '/usr/bin/python3';
const FIXTURE = new URL('./fixtures/wire-redis-py.json', import.meta.url);
/** Fixed key names, so the fixture's summaries stay the same from one recording to the next. */
const P = 'wire:';

const BASICS = `
import sys, redis
r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]), client_name='wire-demo')
k = lambda name: 'wire:' + name
r.delete(k('user:1'), k('user:2'), k('list'), k('tags'), k('board'), k('n'), k('bin'), k('big'), k('p1'), k('p2'), k('p3'), k('t'))
r.set(k('user:1'), 'Ada')
r.get(k('user:1'))
r.hset(k('user:2'), mapping={'name': 'Grace', 'lang': 'COBOL'})
r.hgetall(k('user:2'))
r.rpush(k('list'), 'a', 'b', 'c')
r.lrange(k('list'), 0, -1)
r.sadd(k('tags'), 'x', 'y')
r.smembers(k('tags'))
r.zadd(k('board'), {'ada': 10, 'bob': 7.5})
r.zrange(k('board'), 0, -1, withscores=True)
r.incr(k('n'))
r.expire(k('n'), 100)
r.ttl(k('n'))
r.mget(k('user:1'), k('nothing'))
r.set(k('bin'), bytes(range(256)))
r.get(k('bin'))
r.set(k('big'), 'x' * 16000)
r.get(k('big'))
p = r.pipeline(transaction=False)
p.set(k('p1'), 'one')
p.incr(k('p2'))
p.get(k('p1'))
p.lpush(k('p3'), 'z')
p.exists(k('p1'), k('nope'))
print('pipeline', p.execute())
t = r.pipeline()
t.incr(k('t'))
t.get(k('t'))
print('transaction', t.execute())
try:
    r.get(k('user:2'))
except redis.ResponseError as e:
    print('error', e)
try:
    r.execute_command('AUTH', 'not-the-password')
except redis.ResponseError as e:
    print('error', e)
r.execute_command('AUTH', 'default', 'hunter2')
print('redis-py', redis.__version__)
`;

const PUBSUB = `
import sys, time, redis
r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]))
p = r.pubsub()
def wait(n):
    got = []
    deadline = time.time() + 5
    while len(got) < n and time.time() < deadline:
        m = p.get_message(timeout=0.5)
        if m: got.append(m)
    return got
p.subscribe('wire:news', 'wire:sport')
wait(2)
p.psubscribe('wire:n*')
wait(1)
r.publish('wire:news', 'hello')
r.publish('wire:sport', 'goal')
print('messages', len(wait(3)))
p.ping()
wait(1)
p.unsubscribe()
p.punsubscribe()
print('unsubscribed', len(wait(3)))
p.close()
`;

async function python(script: string, port: number): Promise<string> {
  const { stdout } = await promisify(execFile)(PYTHON, ['-c', script, String(port)], { timeout: 30_000 });
  return stdout;
}

/** A command as RESP. */
function resp(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** A raw connection: sends each step's bytes and waits for that many replies (pushes included). */
async function rawSession(port: number, steps: [string, number][]): Promise<void> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let replies = 0;
  let wake = () => {};
  const noop = () => {};
  const reader = new RespReader({
    replyStart: noop,
    aggregateStart: noop,
    aggregateEnd: noop,
    scalarStart: noop,
    scalarData: noop,
    scalarEnd: noop,
    nil: noop,
    replyEnd: () => {
      replies++;
      wake();
    },
  });
  socket.on('data', (b: Buffer) => reader.feed(b));
  try {
    for (const [bytes, count] of steps) {
      const want = replies + count;
      socket.write(bytes);
      const deadline = Date.now() + 5000;
      while (replies < want) {
        if (Date.now() > deadline) throw new Error(`no reply to ${JSON.stringify(bytes)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
    }
  } finally {
    socket.end();
    await new Promise((resolve) => socket.once('close', resolve));
  }
}

/** Records what `run` says through a proxy; answers each connection's chunks. */
async function record(run: (port: number) => Promise<void>): Promise<RecordedChunk[][]> {
  const recorder = await recordWire(target.host, target.port);
  try {
    await run(recorder.port);
    // The last replies may still be on their way through the proxy.
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    await recorder.close();
  }
  return recorder.conns;
}

const messages = (items: WireItem[]) => items.filter((i): i is WireMessage => !isUndecoded(i));

/** The trace's pairing: each reply answers the oldest request still waiting. */
function pairs(items: WireItem[]): [string, string][] {
  const waiting: WireMessage[] = [];
  const out: [string, string][] = [];
  for (const m of messages(items)) {
    if (m.role === 'request') waiting.push(m);
    if (m.role === 'reply') out.push([waiting.shift()?.summary ?? '(none)', m.summary]);
  }
  return out;
}

let basics: RecordedChunk[][] = [];
let pubsub: RecordedChunk[][] = [];
let resp3: RecordedChunk[][] = [];
let basicsOut = '';
let pubsubOut = '';

beforeAll(async () => {
  basics = await record(async (port) => {
    basicsOut = await python(BASICS, port);
  });
  pubsub = await record(async (port) => {
    pubsubOut = await python(PUBSUB, port);
  });
  resp3 = await record((port) =>
    rawSession(port, [
      [resp('HELLO', '3', 'AUTH', 'default', 'wire-secret', 'SETNAME', 'wire-raw'), 1],
      [resp('HSET', `${P}h3`, 'name', 'Ada', 'lang', 'en'), 1],
      [resp('HGETALL', `${P}h3`), 1],
      [resp('SADD', `${P}s3`, 'x'), 1],
      [resp('SMEMBERS', `${P}s3`), 1],
      [resp('ZADD', `${P}z3`, '1.5', 'ada'), 1],
      [resp('ZSCORE', `${P}z3`, 'ada'), 1],
      [resp('EVAL', 'redis.setresp(3); return {map={ok=true}}', '0'), 1],
      [resp('EVAL', 'return {double=3.5}', '0'), 1],
      [resp('EVAL', "return {big_number='123456789012345678901234567890'}", '0'), 1],
      [resp('EVAL', "return {verbatim_string={format='txt', string='Hello'}}", '0'), 1],
      [resp('CLIENT', 'TRACKING', 'on'), 1],
      [resp('GET', `${P}tracked`), 1],
      // The invalidation push comes with (or before) SET's reply.
      [resp('SET', `${P}tracked`, '1'), 2],
      [resp('SUBSCRIBE', `${P}c3`, `${P}d3`), 2],
      [resp('PUBLISH', `${P}c3`, 'pushed'), 2],
      [resp('UNSUBSCRIBE'), 2],
      ['PING\r\nSET "wire:inline key" \'two words\'\r\nGET "wire:inline key"\r\n\r\n', 3],
      [resp('DEL', `${P}h3`, `${P}s3`, `${P}z3`, `${P}tracked`, `${P}inline key`), 1],
      [resp('HELLO', '2'), 1],
    ]),
  );

  if (process.env.RECORD_REDIS_WIRE === '1') {
    const { version } = await redis.probe(endpoint);
    const pyVersion = /redis-py (\S+)/.exec(basicsOut)?.[1] ?? '?';
    const recording = toRecording(
      'redis',
      `redis-py ${pyVersion} (Debian's /usr/bin/python3), the scripts in wire.int.test.ts, then a raw socket ` +
        `(RESP3 after HELLO 3, inline commands) as in that test, against redis-server ${version}; ` +
        'RECORD_REDIS_WIRE=1 npx vitest run --project integration server/services/redis/wire.int.test.ts',
      [...basics, ...pubsub, ...resp3],
    );
    fs.mkdirSync(new URL('./fixtures/', import.meta.url), { recursive: true });
    fs.writeFileSync(FIXTURE, JSON.stringify(recording, null, 2) + '\n');
  }
}, 60_000);

describe('redis-py (RESP2)', () => {
  it('every connection decodes whole, every byte accounted', () => {
    for (const conn of [...basics, ...pubsub, ...resp3]) {
      const items = decodeConnection(redisWire, conn);
      expect(items.filter(isUndecoded)).toEqual([]);
      assertAccounted(conn, items);
    }
  });

  it('commands and their replies, in the names people know', () => {
    expect(basicsOut).toContain("pipeline [True, 1, b'one', 1, 1]");
    const items = decodeConnection(redisWire, basics[0]);
    const all = pairs(items);
    expect(all).toContainEqual(['CLIENT SETNAME wire-demo', 'OK']);
    expect(all).toContainEqual([`SET ${P}user:1 "Ada"`, 'OK']);
    expect(all).toContainEqual([`GET ${P}user:1`, '"Ada"']);
    expect(all).toContainEqual([`HSET ${P}user:2 name "Grace" lang "COBOL"`, '(integer) 2']);
    expect(all).toContainEqual([`INCRBY ${P}n 1`, '(integer) 1']);
    expect(all).toContainEqual([`LRANGE ${P}list 0 -1`, 'array of 3: "a", "b", "c"']);
    expect(all).toContainEqual([`MGET ${P}user:1 ${P}nothing`, 'array of 2: "Ada", (nil)']);
    expect(all).toContainEqual([`EXEC`, 'array of 2: 1, "1"']);
    const big = messages(items).find((m) => m.summary.startsWith(`SET ${P}big`))!;
    expect(big.summary).toBe(`SET ${P}big "${'x'.repeat(40)}"… (16000 bytes)`);
    // Every request has its reply, and nothing is left over.
    const roles = messages(items).map((m) => m.role);
    expect(roles.filter((r) => r === 'request').length).toBe(roles.filter((r) => r === 'reply').length);
  });

  it('a pipeline arrives in one chunk and decodes to one request per command, each answered', () => {
    const conn = basics[0];
    const index = conn.findIndex((c) => c.dir === 'send' && c.bytes.includes('EXISTS'));
    const decoder = redisWire.decoder();
    for (const c of conn.slice(0, index)) decoder.feed(c.dir, c.bytes);
    const sent = messages(decoder.feed('send', conn[index].bytes));
    expect(sent.map((m) => m.summary)).toEqual([
      `SET ${P}p1 "one"`,
      `INCRBY ${P}p2 1`,
      `GET ${P}p1`,
      `LPUSH ${P}p3 "z"`,
      `EXISTS ${P}p1 ${P}nope`,
    ]);
    expect(sent.every((m) => m.role === 'request')).toBe(true);
    const replies: WireMessage[] = [];
    for (const c of conn.slice(index + 1)) {
      if (c.dir === 'recv' && replies.length < 5) replies.push(...messages(decoder.feed('recv', c.bytes)));
    }
    expect(replies.map((m) => [m.role, m.summary])).toEqual([
      ['reply', 'OK'],
      ['reply', '(integer) 1'],
      ['reply', '"one"'],
      ['reply', '(integer) 1'],
      ['reply', '(integer) 1'],
    ]);
  });

  it('WRONGTYPE is an error reply, paired with the GET; AUTH passwords are overwritten', () => {
    const items = messages(decodeConnection(redisWire, basics[0]));
    expect(pairs(items)).toContainEqual([
      `GET ${P}user:2`,
      '(error) WRONGTYPE Operation against a key holding the wrong kind of value',
    ]);
    expect(items.find((m) => m.summary.startsWith('(error) WRONGTYPE'))!.error).toBe(true);
    const auths = items.filter((m) => m.summary.startsWith('AUTH'));
    expect(auths.map((m) => m.summary)).toEqual(['AUTH (hidden)', 'AUTH default (hidden)']);
    for (const m of auths) {
      expect(m.bytes.toString()).not.toMatch(/not-the-password|hunter2/);
      expect(m.masked).toHaveLength(1);
      expect(m.tree.find((n) => n.secret)).toMatchObject({ label: 'password', secret: true });
    }
    expect(JSON.stringify(auths.map((m) => m.detail))).not.toMatch(/not-the-password|hunter2/);
  });

  it('pub/sub: the first confirmation answers SUBSCRIBE, messages are not answers', () => {
    expect(pubsubOut).toContain('messages 3');
    const conn = pubsub.find((c) => c.some((ch) => ch.bytes.includes('SUBSCRIBE')))!;
    const items = messages(decodeConnection(redisWire, conn));
    const sequence = items.map((m) => `${m.role} ${m.summary}`);
    // redis-py writes UNSUBSCRIBE and PUNSUBSCRIBE one after the other without reading between,
    // but as two writes: the server's first answers may come back before the second goes out.
    const punsubscribe = sequence.indexOf('request PUNSUBSCRIBE');
    expect(punsubscribe).toBeGreaterThan(sequence.indexOf('request UNSUBSCRIBE'));
    expect(punsubscribe).toBeLessThan(sequence.indexOf(`reply punsubscribe ${P}n* (0 subscriptions)`));
    expect(sequence.filter((_, i) => i !== punsubscribe)).toEqual([
      `request SUBSCRIBE ${P}news ${P}sport`,
      `reply subscribe ${P}news (1 subscription)`,
      `other subscribe ${P}sport (2 subscriptions)`,
      `request PSUBSCRIBE ${P}n*`,
      `reply psubscribe ${P}n* (3 subscriptions)`,
      `other message on ${P}news: "hello"`,
      `other pmessage on ${P}news (pattern ${P}n*): "hello"`,
      `other message on ${P}sport: "goal"`,
      'request PING ""',
      'reply array of 2: "pong", ""',
      'request UNSUBSCRIBE',
      // In the server's order, which is not the subscription order.
      expect.stringMatching(new RegExp(`^reply unsubscribe ${P}(news|sport) \\(2 subscriptions\\)$`)),
      expect.stringMatching(new RegExp(`^other unsubscribe ${P}(news|sport) \\(1 subscription\\)$`)),
      `reply punsubscribe ${P}n* (0 subscriptions)`,
    ]);
  });
});

describe('a raw socket (RESP3, inline)', () => {
  const items = () => messages(decodeConnection(redisWire, resp3[0]));

  it('HELLO 3 … AUTH: the password is overwritten, the reply is a map', () => {
    const [hello, reply] = items();
    expect(hello.summary).toBe('HELLO 3 AUTH default (hidden) SETNAME wire-raw');
    expect(hello.bytes.toString()).not.toContain('wire-secret');
    expect(hello.bytes.toString()).toContain('***********');
    expect(reply.summary).toMatch(/^map of 7: "server" => "redis", "version" => "\d/);
  });

  it('RESP3 types by name', () => {
    const summaries = pairs(items());
    expect(summaries).toContainEqual([`HGETALL ${P}h3`, 'map of 2: "name" => "Ada", "lang" => "en"']);
    expect(summaries).toContainEqual([`SMEMBERS ${P}s3`, 'set of 1: "x"']);
    expect(summaries).toContainEqual([`ZSCORE ${P}z3 "ada"`, '(double) 1.5']);
    const find = (prefix: string) => items().find((m) => m.role === 'reply' && m.summary.startsWith(prefix));
    expect(find('map of 1: "ok"')?.summary).toBe('map of 1: "ok" => true');
    expect(find('(double) 3.5')).toBeDefined();
    expect(find('(big number)')?.summary).toBe('(big number) 123456789012345678901234567890');
    expect(find('"Hello"')?.tree[0]).toMatchObject({ label: 'verbatim string (txt)', value: '"Hello"' });
  });

  it('pushes are not answers: invalidations, subscribe confirmations past the first, messages', () => {
    const sequence = items().map((m) => `${m.role} ${m.summary}`);
    expect(sequence).toContain(`other invalidate: ${P}tracked`);
    const start = sequence.indexOf(`request SUBSCRIBE ${P}c3 ${P}d3`);
    expect(sequence.slice(start, start + 3)).toEqual([
      `request SUBSCRIBE ${P}c3 ${P}d3`,
      `reply subscribe ${P}c3 (1 subscription)`,
      `other subscribe ${P}d3 (2 subscriptions)`,
    ]);
    expect(sequence).toContain(`other message on ${P}c3: "pushed"`);
  });

  it('inline commands, as telnet sends them', () => {
    expect(pairs(items())).toEqual(
      expect.arrayContaining([
        ['PING', 'PONG'],
        [`SET "${P}inline key" "two words"`, 'OK'],
        [`GET "${P}inline key"`, '"two words"'],
      ]),
    );
    expect(items().some((m) => m.summary === '(blank line: Redis ignores it)' && m.role === 'other')).toBe(true);
  });
});

describe('explain() and the terminal, against the live server', () => {
  const key = `int:${randomUUID()}:user`;
  let client: Awaited<ReturnType<typeof openRedis>>;

  beforeAll(async () => {
    client = await openRedis(endpoint, 'wire-test');
    await client.hset(key, 'name', 'Ada');
  });

  afterAll(async () => {
    await client.del(key);
    client.disconnect();
  });

  /** A GET of `key` and its WRONGTYPE reply, as decoded. */
  function wrongType(args: string[]): { request: WireMessage; reply: WireMessage } {
    const decoder = redisWire.decoder();
    const [request] = decoder.feed('send', Buffer.from(resp(...args))) as WireMessage[];
    const [reply] = decoder.feed(
      'recv',
      Buffer.from('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'),
    ) as WireMessage[];
    return { request, reply };
  }

  it('WRONGTYPE: says what the key really is and what reads it', async () => {
    const hint = await redisWire.explain!({ endpoint, admin: null, ...wrongType(['GET', key]) });
    expect(hint).toBe(`"${key}" is a hash (GET works on strings); read it with HGET or HGETALL`);
    const push = await redisWire.explain!({ endpoint, admin: null, ...wrongType(['LPUSH', key, 'x']) });
    expect(push).toBe(`"${key}" is a hash (LPUSH works on lists); read it with HGET or HGETALL`);
  });

  it('nothing to say without the request, or when the server is not there', async () => {
    const { reply } = wrongType(['GET', key]);
    expect(await redisWire.explain!({ endpoint, admin: null, reply })).toBeNull();
    const nobody = { url: 'redis://127.0.0.1:1', address: '127.0.0.1:1' };
    expect(await redisWire.explain!({ endpoint: nobody, admin: null, ...wrongType(['GET', key]) })).toBeNull();
  });

  it('the terminal writes the same hint under the error, before the prompt', async () => {
    const output = new CapturedOutput();
    const session = await redis.openTerminal(endpoint, output);
    try {
      await output.until((o) => o.prompts.length > 0);
      const text = await output.run((l) => session.line(l), `GET ${key}`);
      expect(text.replace(/\x1b\[[0-9;]*m/g, '')).toBe(
        '(error) WRONGTYPE Operation against a key holding the wrong kind of value\r\n' +
          `[hint: "${key}" is a hash (GET works on strings); read it with HGET or HGETALL]\r\n`,
      );
      // Other errors get no hint.
      const other = await output.run((l) => session.line(l), 'NOSUCHCOMMAND');
      expect(other).not.toContain('hint');
    } finally {
      session.close();
    }
  });
});
