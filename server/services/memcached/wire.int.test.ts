// The memcached decoder on real traffic: python-memcached (Debian's, as a snippet run uses it)
// talks to the test run's memcached through recordWire — set_multi/get_multi, gets/cas, delete,
// incr, stats — and a raw socket sends what no client library does: the meta commands, a data
// line longer and one shorter than declared, a command in upper case. What they said is decoded;
// explain() and the terminal's hint are checked against what memcached answered.
// RECORD_MEMCACHED_WIRE=1 saves the recording as the unit tests' fixture
// (fixtures/wire-python-memcached.json).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CapturedOutput } from '../../testing/capture-output.ts';
import { testEndpoint } from '../../testing/endpoints.ts';
import {
  type RecordedChunk,
  assertAccounted,
  decodeConnection,
  recordWire,
  toRecording,
} from '../../testing/wire-recorder.ts';
import { parseHostPort } from '../net-util.ts';
import { type WireItem, type WireMessage, isUndecoded } from '../wire-types.ts';
import { memcached } from './index.ts';
import { MEMCACHED_REPLIES } from './terminal.ts';
import { memcachedWire } from './wire.ts';

const endpoint = testEndpoint('memcached');
const { host, port } = parseHostPort(endpoint.address, 'memcached');
const PYTHON = '/usr/bin/python3';
const FIXTURE = new URL('./fixtures/wire-python-memcached.json', import.meta.url);

const SCRIPT = `
import sys, memcache
mc = memcache.Client(['127.0.0.1:' + sys.argv[1]], cache_cas=True)
mc.set_multi({'wire:user:1': 'Ada!!', 'wire:user:2': 'Grace', 'wire:n': 41})
print('get_multi', sorted(mc.get_multi(['wire:user:1', 'wire:user:2', 'wire:n', 'wire:none']).items()))
print('gets', mc.gets('wire:user:1'))
print('cas', mc.cas('wire:user:1', 'Ada Lovelace'))
print('incr', mc.incr('wire:n'))
print('delete', mc.delete('wire:user:2'))
print('miss', mc.get('wire:user:2'))
mc.set('wire:big', 'x' * 8000)
print('big', len(mc.get('wire:big')))
print('add', mc.add('wire:user:1', 'again'))
print('append', mc.append('wire:user:1', ' (1815)'))
print('utf8', mc.set('wire:utf8', 'héllo 日本'), mc.get('wire:utf8'))
print('touch', mc.touch('wire:n', 100))
print('stats', len(mc.get_stats()[0][1]))
mc.disconnect_all()
print('python-memcached', memcache.__version__)
`;

/** What the raw socket sends, each step with the end of memcached's answer to it. */
const RAW: [string, RegExp][] = [
  ['ms wire:meta 5 T60 F7\r\nhello\r\n', /HD\r\n$/],
  ['mg wire:meta v f t k s\r\n', /hello\r\n$/],
  ['mg wire:missing v\r\n', /EN\r\n$/],
  // Quiet: the miss says nothing, the hit answers, mn marks the end.
  ['mg wire:missing v q\r\nmg wire:meta v q k O42\r\nmn\r\n', /MN\r\n$/],
  ['ma wire:counter N0 J10 v\r\n', /10\r\n$/],
  ['ma wire:counter MD D3 v\r\n', /7\r\n$/],
  ['md wire:meta q\r\nmd wire:meta\r\nmn\r\n', /MN\r\n$/],
  ['me wire:counter\r\n', /\r\n$/],
  // Longer than declared: memcached reads 3 bytes and "lo" where \r\n belongs, then the rest as a command.
  ['set wire:bad 0 0 3\r\nhello\r\n', /ERROR\r\n$/],
  // Shorter: the line end is data, memcached waits for one more byte…
  ['set wire:bad 0 0 6\r\nshort\r\n', /^$/],
  // …which the next line brings, and the rest of it is a (blank) command.
  ['x\r\n', /ERROR\r\n$/],
  ['get wire:meta wire:counter\r\n', /END\r\n$/],
  ['SET wire:k 0 0 1\r\n', /ERROR\r\n$/],
  ['version\r\n', /VERSION .*\r\n$/],
  ['delete wire:counter noreply\r\nmn\r\n', /MN\r\n$/],
  ['quit\r\n', /^$/],
];

async function python(script: string, at: number): Promise<string> {
  const { stdout } = await promisify(execFile)(PYTHON, ['-c', script, String(at)], { timeout: 30_000 });
  return stdout;
}

/** A raw connection: sends each step and waits until what came back since matches its end. */
async function rawSession(at: number, steps: [string, RegExp][]): Promise<string[]> {
  const socket = net.connect({ host: '127.0.0.1', port: at });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  socket.on('data', (b: Buffer) => (received += b.toString('latin1')));
  const answers: string[] = [];
  try {
    for (const [bytes, end] of steps) {
      received = '';
      socket.write(bytes);
      const deadline = Date.now() + (end.source === '^$' ? 150 : 5000);
      while (end.source === '^$' ? Date.now() < deadline : !end.test(received)) {
        if (Date.now() > deadline)
          throw new Error(`no answer to ${JSON.stringify(bytes)}: ${JSON.stringify(received)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      answers.push(received);
    }
  } finally {
    socket.destroy();
  }
  return answers;
}

async function record(run: (at: number) => Promise<void>): Promise<RecordedChunk[][]> {
  const recorder = await recordWire(host, port);
  try {
    await run(recorder.port);
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    await recorder.close();
  }
  return recorder.conns;
}

const messages = (items: WireItem[]) => items.filter((i): i is WireMessage => !isUndecoded(i));

/** The trace's pairing: each reply answers the oldest request still waiting. */
function pairs(items: WireItem[]): [WireMessage, WireMessage][] {
  const waiting: WireMessage[] = [];
  const out: [WireMessage, WireMessage][] = [];
  for (const m of messages(items)) {
    if (m.role === 'request') waiting.push(m);
    if (m.role === 'reply') out.push([waiting.shift()!, m]);
  }
  return out;
}

const summaries = (items: WireItem[]) => pairs(items).map(([q, a]) => [q.summary, a.summary]);

let library: RecordedChunk[][] = [];
let raw: RecordedChunk[][] = [];
let scriptOut = '';
let rawAnswers: string[] = [];

beforeAll(async () => {
  library = await record(async (at) => {
    scriptOut = await python(SCRIPT, at);
  });
  raw = await record(async (at) => {
    rawAnswers = await rawSession(at, RAW);
  });
  if (process.env.RECORD_MEMCACHED_WIRE === '1') {
    const { version } = await memcached.probe(endpoint);
    const libVersion = /python-memcached (\S+)/.exec(scriptOut)?.[1] ?? '?';
    const recording = toRecording(
      'memcached',
      `python-memcached ${libVersion} (Debian's /usr/bin/python3), the script in wire.int.test.ts, then a raw ` +
        `socket (meta commands, bad data chunks) as in that test, against memcached ${version}; ` +
        'RECORD_MEMCACHED_WIRE=1 npx vitest run --project integration server/services/memcached/wire.int.test.ts',
      [...library, ...raw],
    );
    fs.mkdirSync(new URL('./fixtures/', import.meta.url), { recursive: true });
    fs.writeFileSync(FIXTURE, JSON.stringify(recording, null, 2) + '\n');
  }
}, 60_000);

describe('python-memcached', () => {
  it('every connection decodes whole, every byte accounted', () => {
    for (const conn of [...library, ...raw]) {
      const items = decodeConnection(memcachedWire, conn);
      expect(items.filter(isUndecoded)).toEqual([]);
      assertAccounted(conn, items);
    }
  });

  it('set_multi: the storage commands of one write, each with its data, each answered', () => {
    const conn = library[0];
    const index = conn.findIndex((c) => c.dir === 'send' && c.bytes.includes('wire:user:2'));
    const decoder = memcachedWire.decoder();
    const sent = messages(decoder.feed('send', conn[index].bytes));
    expect(sent.map((m) => m.summary).sort()).toEqual([
      'set wire:n flags=2 exptime=0 2 bytes "41"',
      'set wire:user:1 flags=16 exptime=0 5 bytes "Ada!!"',
      'set wire:user:2 flags=16 exptime=0 5 bytes "Grace"',
    ]);
    const set = sent.find((m) => m.summary.startsWith('set wire:user:1'))!;
    expect(set.tree.map((n) => [n.label, n.value])).toEqual([
      ['command', 'set'],
      ['key', 'wire:user:1'],
      ['flags', '16'],
      ['exptime', '0'],
      ['bytes', '5'],
      ['data', '"Ada!!"'],
      ['end of data', '"\\r\\n"'],
    ]);
    expect(set.bytes.subarray(...set.tree[5].at!).toString()).toBe('Ada!!');
  });

  it('get_multi: one request, one reply listing each VALUE', () => {
    expect(scriptOut).toContain("get_multi [('wire:n', 41), ('wire:user:1', 'Ada!!'), ('wire:user:2', 'Grace')]");
    const [request, reply] = pairs(decodeConnection(memcachedWire, library[0])).find(([q]) =>
      q.summary.startsWith('get wire:user:1 wire:user:2'),
    )!;
    expect(request.tree.map((n) => n.label)).toEqual(['command', 'key', 'key', 'key', 'key']);
    expect(reply.tree.map((n) => n.label)).toEqual(['VALUE', 'VALUE', 'VALUE', 'END']);
    expect(reply.summary).toMatch(/^VALUE wire:\S+ "[^"]*", wire:\S+ "[^"]*", wire:\S+ "[^"]*" \(3 values\)$/);
    expect(reply.tree[0].children!.map((n) => n.label)).toEqual(['key', 'flags', 'bytes', 'data']);
  });

  it('gets/cas, incr, delete, a miss, add, stats: each reply with its request', () => {
    const all = summaries(decodeConnection(memcachedWire, library[0]));
    const gets = all.find(([q]) => q === 'gets wire:user:1')!;
    expect(gets[1]).toMatch(/^VALUE wire:user:1 "Ada!!" cas=\d+$/);
    const cas = /cas=(\d+)/.exec(gets[1])![1];
    expect(all).toContainEqual([`cas wire:user:1 flags=16 exptime=0 12 bytes cas=${cas} "Ada Lovelace"`, 'STORED']);
    expect(all).toContainEqual(['incr wire:n 1', '42']);
    expect(all).toContainEqual(['delete wire:user:2', 'DELETED']);
    expect(all).toContainEqual(['get wire:user:2', 'END (no value)']);
    expect(all).toContainEqual(['add wire:user:1 flags=16 exptime=0 5 bytes "again"', 'NOT_STORED']);
    expect(all).toContainEqual(['touch wire:n 100', 'TOUCHED']);
    expect(all).toContainEqual(['get wire:utf8', 'VALUE wire:utf8 "héllo 日本"']);
    const stats = all.find(([q]) => q === 'stats')!;
    expect(stats[1]).toMatch(/^STAT pid \d+, STAT uptime \d+, .*, … \(\d+ lines\)$/);
    const big = all.find(([q]) => q.startsWith('set wire:big'))!;
    expect(big[0]).toBe(`set wire:big flags=16 exptime=0 8000 bytes "${'x'.repeat(40)}"… (8000 bytes)`);
  });
});

describe('a raw socket', () => {
  const items = () => decodeConnection(memcachedWire, raw[0]);

  it('the meta commands, their flags and their replies', () => {
    const all = summaries(items());
    expect(all).toContainEqual(['ms wire:meta 5 bytes T60 F7 "hello"', 'HD']);
    expect(all).toContainEqual([
      'mg wire:meta v f t k s',
      expect.stringMatching(/^VA 5 f7 t\d+ kwire:meta s5 "hello"$/),
    ]);
    expect(all).toContainEqual(['mg wire:missing v', 'EN']);
    expect(all).toContainEqual(['ma wire:counter N0 J10 v', 'VA 2 "10"']);
    expect(all).toContainEqual(['ma wire:counter MD D3 v', 'VA 1 "7"']);
    expect(all).toContainEqual(['md wire:meta', 'NF']);
    const mg = messages(items()).find((m) => m.summary === 'mg wire:meta v f t k s')!;
    expect(mg.tree.map((n) => n.label)).toEqual([
      'command',
      'key',
      'flag v: return the value',
      'flag f: return the client flags',
      'flag t: return the seconds left to live',
      'flag k: return the key',
      'flag s: return the size',
    ]);
  });

  it('quiet meta commands and noreply are not requests; mn pairs with MN', () => {
    const sequence = messages(items()).map((m) => `${m.dir} ${m.role} ${m.summary}`);
    const at = sequence.indexOf('send other mg wire:missing v q');
    expect(sequence.slice(at, at + 3)).toEqual([
      'send other mg wire:missing v q',
      'send other mg wire:meta v q k O42',
      'send request mn',
    ]);
    expect(sequence).toContain('recv other VA 5 kwire:meta O42 "hello"');
    expect(sequence).toContain('send other delete wire:counter noreply');
    expect(sequence).toContain('send other quit');
    // Everything asked was answered, nothing else.
    const roles = messages(items()).map((m) => m.role);
    expect(roles.filter((r) => r === 'request').length).toBe(roles.filter((r) => r === 'reply').length);
  });

  it('a data line longer than declared: CLIENT_ERROR for the set, ERROR for the rest of the line', () => {
    expect(rawAnswers[8]).toBe('CLIENT_ERROR bad data chunk\r\nERROR\r\n');
    const all = pairs(items());
    const at = all.findIndex(([q]) => q.summary.startsWith('set wire:bad flags=0 exptime=0 3 bytes'));
    const [set, error] = all[at];
    expect(set.summary).toBe('set wire:bad flags=0 exptime=0 3 bytes "hel" (bad data chunk: the data line had 5)');
    expect(set.detail).toMatchObject({ declared: 3, actual: 5 });
    expect(set.tree.at(-1)).toMatchObject({ label: 'end of data (must be \\r\\n)', value: '"lo"' });
    expect(error).toMatchObject({ summary: 'CLIENT_ERROR bad data chunk', error: true });
    const [rest, answer] = all[at + 1];
    expect([rest.summary, answer.summary]).toEqual(['(blank line)', 'ERROR']);
  });

  it('a data line shorter than declared: memcached waits, then refuses', () => {
    expect(rawAnswers[9]).toBe('');
    expect(rawAnswers[10]).toBe('CLIENT_ERROR bad data chunk\r\nERROR\r\n');
    const set = messages(items()).find((m) => m.summary.startsWith('set wire:bad flags=0 exptime=0 6 bytes'))!;
    expect(set.detail).toMatchObject({ declared: 6, actual: 5 });
  });
});

describe('explain() and the terminal', () => {
  const explain = async (request: WireMessage, reply: WireMessage) =>
    memcachedWire.explain!({ endpoint, admin: null, request, reply });

  it('bad data chunk: the declared size and the data line’s', async () => {
    const all = pairs(decodeConnection(memcachedWire, raw[0]));
    const hints = await Promise.all(all.filter(([, a]) => a.error).map(([q, a]) => explain(q, a)));
    expect(hints).toEqual([
      'set declared 3 bytes but the data line had 5: make the byte count 5',
      'memcached read what followed the 3 bytes set declared ("") as a new command',
      'set declared 6 bytes but the data line had 5: make the byte count 5',
      'memcached read what followed the 6 bytes set declared ("") as a new command',
      "memcached's commands are lower case: set",
    ]);
  });

  it('nothing to say for an error without its request', async () => {
    const [, reply] = pairs(decodeConnection(memcachedWire, raw[0])).find(([, a]) => a.error)!;
    expect(await memcachedWire.explain!({ endpoint, admin: null, reply })).toBeNull();
  });

  it('the terminal writes the hint under CLIENT_ERROR bad data chunk', async () => {
    const output = new CapturedOutput();
    const session = await memcached.openTerminal(endpoint, output);
    const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\n/g, '\n');
    try {
      await output.until((o) => o.prompts.length > 0);
      session.line('set wire:term 0 0 3');
      output.take();
      session.line('hello');
      await output.until((o) => plain(o.text).includes('ERROR\n'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(plain(output.take())).toBe(
        'CLIENT_ERROR bad data chunk\n' +
          '[hint: set declared 3 bytes but the data line had 5: make the byte count 5]\n' +
          'ERROR\n',
      );
      // A reply that is complete for a script typing into the terminal, hint and all.
      expect(MEMCACHED_REPLIES.complete('hello', 'CLIENT_ERROR bad data chunk\r\n\x1b[2m[hint: x]\x1b[22m\r\n')).toBe(
        true,
      );
    } finally {
      session.close();
    }
  });
});
