// The memcached decoder without a server: the recorded fixture (fixtures/wire-python-memcached.json,
// made by wire.int.test.ts), hand-written edge cases (data lines longer and shorter than declared,
// quiet meta commands, garbage, the binary protocol), the hints as plain functions, and properties
// over random input: nothing throws, every byte comes back exactly once, and however the bytes are
// cut into chunks the messages are the same.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type RecordedChunk,
  assertAccounted,
  byteByByte,
  decodeChecked,
  decodeConnection,
  itemLines,
  itemView,
  messagesOf,
  readRecording,
  recut,
  recvChunk,
  sendChunk,
} from '../../testing/wire-recorder.ts';
import { type WireItem, isUndecoded } from '../wire-types.ts';
import { memcachedWire } from './wire.ts';
import { type MemcachedCommandDetail, badChunkHint, explainError } from './wire-explain.ts';

const conns = readRecording(new URL('./fixtures/wire-python-memcached.json', import.meta.url));

const send = sendChunk;
const recv = recvChunk;

const decode = (...chunks: RecordedChunk[]): WireItem[] => decodeChecked(memcachedWire, chunks);

const messages = messagesOf;
const lines = itemLines;

const view = itemView;

describe('the recorded traffic (python-memcached, a raw socket)', () => {
  it('decodes whole: no undecoded bytes, every byte accounted', () => {
    expect(conns.length).toBe(2);
    for (const conn of conns) expect(decode(...conn).filter(isUndecoded)).toEqual([]);
  });

  it('says what was sent and answered', () => {
    const library = lines(decode(...conns[0]));
    expect(library.slice(0, 6)).toEqual([
      'send request set wire:user:1 flags=16 exptime=0 5 bytes "Ada!!"',
      'send request set wire:user:2 flags=16 exptime=0 5 bytes "Grace"',
      'send request set wire:n flags=2 exptime=0 2 bytes "41"',
      'recv reply STORED',
      'recv reply STORED',
      'recv reply STORED',
    ]);
    expect(library).toContain('recv reply VALUE wire:user:1 "Ada!!", wire:user:2 "Grace", wire:n "41" (3 values)');
    expect(library).toContain('send request incr wire:n 1');
    const raw = lines(decode(...conns[1]));
    expect(raw).toContain(
      'send request set wire:bad flags=0 exptime=0 3 bytes "hel" (bad data chunk: the data line had 5)',
    );
    expect(raw).toContain('recv other VA 5 kwire:meta O42 "hello"');
  });

  it('decodes the same fed byte by byte as fed whole', () => {
    for (const conn of conns) {
      expect(view(decode(...recut(conn, byteByByte)))).toEqual(view(decode(...conn)));
    }
  });
});

describe('storage commands and their data', () => {
  it('a data block holding \\r\\n is data: only its declared length counts', () => {
    const [m] = messages(decode(send('set k 0 0 7\r\na\r\nb\r\nc\r\n')));
    expect(m.summary).toBe('set k flags=0 exptime=0 7 bytes "a\\r\\nb\\r\\nc"');
    expect(m.detail).toMatchObject({ declared: 7, actual: 7 });
  });

  it('longer than declared: the block memcached reads, then the rest as a command', () => {
    const items = decode(send('set k 0 0 3\r\nhelloworld\r\n'), recv('CLIENT_ERROR bad data chunk\r\nERROR\r\n'));
    expect(lines(items)).toEqual([
      'send request set k flags=0 exptime=0 3 bytes "hel" (bad data chunk: the data line had 10)',
      'send request world',
      'recv reply CLIENT_ERROR bad data chunk',
      'recv reply ERROR',
    ]);
    const [set, rest] = messages(items);
    expect(set.bytes.toString()).toBe('set k 0 0 3\r\nhello');
    expect(rest.detail).toMatchObject({ spill: { command: 'set', declared: 3 } });
  });

  it('one byte longer: the data line’s \\r is where \\n belongs', () => {
    const [set] = messages(decode(send('set k 0 0 5\r\nabcdef\r\n')));
    expect(set.detail).toMatchObject({ declared: 5, actual: 6 });
  });

  it('one byte shorter: the \\r\\n is data, and the next line brings the byte that breaks it', () => {
    const items = decode(send('ms k 6\r\nshort\r\n'), send('x\r\n'));
    expect(lines(items)).toEqual([
      'send request ms k 6 bytes "short\\r" (bad data chunk: the data line had 5)',
      'send request (blank line)',
    ]);
  });

  it('shorter by more: memcached reads on through the next lines', () => {
    const [set] = messages(decode(send('set k 0 0 10\r\nshort\r\n'), send('abcdefgh\r\n')));
    expect(set.detail).toMatchObject({ declared: 10, actual: 15 });
  });

  it('a storage line memcached refuses opens no block; noreply and quit are not answered', () => {
    const items = decode(
      send('set k 0 0 -1\r\nabc\r\nset k 0 0 2 noreply\r\nab\r\ncas k 0 0 2\r\nquit\r\n'),
      recv('CLIENT_ERROR bad command line format\r\nERROR\r\nERROR\r\n'),
    );
    expect(lines(items)).toEqual([
      'send request set k 0 0 -1',
      'send request abc',
      'send other set k flags=0 exptime=0 2 bytes noreply "ab"',
      'send request cas k 0 0 2',
      'send other quit',
      'recv reply CLIENT_ERROR bad command line format',
      'recv reply ERROR',
      'recv reply ERROR',
    ]);
  });

  it('a connection that ends waiting for the rest of a data line gives the command and the rest', () => {
    const items = decode(send('set k 0 0 3\r\nhellowor'));
    expect(lines(items)).toEqual([
      'send request set k flags=0 exptime=0 3 bytes "hel" (bad data chunk)',
      'send undecoded: the connection ended mid-message',
    ]);
    expect(lines(decode(send('set k 0 0 3\r\nhello')))).toEqual([
      'send request set k flags=0 exptime=0 3 bytes "hel" (bad data chunk)',
    ]);
  });
});

describe('replies', () => {
  it('a get’s VALUEs and END are one reply; a stats’ STAT lines too; stats reset is one line', () => {
    const items = decode(
      send('get a b c\r\nstats\r\nstats reset\r\nstats detail dump\r\n'),
      recv('VALUE a 0 1\r\n1\r\nVALUE b 5 2 99\r\nEN\r\nEND\r\nSTAT pid 1\r\nSTAT uptime 2\r\nEND\r\n'),
      recv('RESET\r\nPREFIX k get 1 hit 1 set 1 del 0\r\nEND\r\n'),
    );
    const replies = messages(items).filter((m) => m.dir === 'recv');
    expect(replies.map((m) => m.summary)).toEqual([
      'VALUE a "1", b "EN" cas=99 (2 values)',
      'STAT pid 1, STAT uptime 2 (2 lines)',
      'RESET',
      'PREFIX k get 1 hit 1 set 1 del 0 (1 line)',
    ]);
    expect(replies[0].tree.map((n) => n.label)).toEqual(['VALUE', 'VALUE', 'END']);
    expect(replies[0].tree[1].children!.map((n) => [n.label, n.value])).toEqual([
      ['key', 'b'],
      ['flags', '5'],
      ['bytes', '2'],
      ['cas unique', '99'],
      ['data', '"EN"'],
    ]);
  });

  it('an error in the middle of a get ends it', () => {
    const items = decode(
      send('get a b\r\n'),
      recv('VALUE a 0 1\r\n1\r\nSERVER_ERROR out of memory writing get response\r\n'),
    );
    const [, reply] = messages(items);
    expect(reply).toMatchObject({ role: 'reply', error: true });
  });

  it('a data block not followed by \\r\\n, and lines memcached does not send, are undecoded', () => {
    const items = decode(
      send('get a\r\nversion\r\n'),
      recv('VALUE a 0 1\r\n12\r\n'),
      recv('\x01\x02\r\nVERSION 1.6\r\n'),
    );
    expect(lines(items).slice(2)).toEqual([
      'recv undecoded: a data block of 1 bytes not followed by \\r\\n',
      'recv undecoded: not a line memcached sends',
      'recv reply VERSION 1.6',
    ]);
  });

  it('a line longer than 64 KB is undecoded up to its end', () => {
    const items = decode(send(`get ${'k'.repeat(70_000)}\r\nversion\r\n`));
    expect(lines(items)).toEqual(['send undecoded: a line longer than 64 KB', 'send request version']);
  });

  it('replies nobody asked for (watch’s feed) are not answers', () => {
    const items = decode(send('watch\r\n'), recv('OK\r\nts=1.2 gid=1 type=item_get key=a status=not_found\r\n'));
    expect(messages(items).map((m) => m.role)).toEqual(['request', 'reply', 'other']);
  });

  it('the binary protocol is shown raw', () => {
    const items = decode(send(Buffer.from([0x80, 0x01, 0, 3])), recv(Buffer.from([0x81, 0x01])));
    expect(lines(items)).toEqual([
      "send undecoded: memcached's binary protocol, not decoded here",
      "recv undecoded: memcached's binary protocol, not decoded here",
    ]);
  });
});

describe('quiet meta commands', () => {
  it('a hit answers its quiet mg; misses stay silent; mn answers mn', () => {
    const items = decode(send('mg a v q\r\nmg b v q\r\nmg c v q\r\nmn\r\n'), recv('VA 1\r\nB\r\nMN\r\n'));
    expect(lines(items).slice(4)).toEqual(['recv other VA 1 "B"', 'recv reply MN']);
  });

  it('opaque and key tell whose answer it is', () => {
    const items = decode(send('mg a v q O1\r\nmg b v O2\r\nmn\r\n'), recv('EN O2\r\nMN\r\n'));
    expect(
      messages(items)
        .filter((m) => m.dir === 'recv')
        .map((m) => `${m.role} ${m.summary}`),
    ).toEqual(['reply EN O2', 'reply MN']);
  });

  it('a reply both could have sent goes to the command that must answer, so no request waits forever', () => {
    const items = decode(send('md a q\r\nmd a\r\nmn\r\n'), recv('NF\r\nMN\r\n'));
    const pairs: string[] = [];
    const waiting: string[] = [];
    for (const m of messages(items)) {
      if (m.role === 'request') waiting.push(m.summary);
      if (m.role === 'reply') pairs.push(`${waiting.shift()} -> ${m.summary}`);
    }
    expect(pairs).toEqual(['md a -> NF', 'mn -> MN']);
  });
});

describe('the hints', () => {
  const detail = (d: Partial<MemcachedCommandDetail>): MemcachedCommandDetail => ({
    kind: 'memcached-command',
    command: 'set',
    words: ['set', 'k', '0', '0', '5'],
    ...d,
  });

  it('bad data chunk: declared and actual, and where the size goes', () => {
    expect(badChunkHint('set', 5, 7)).toBe('set declared 5 bytes but the data line had 7: make the byte count 7');
    expect(badChunkHint('ms', 1, 3)).toBe('ms declared 1 byte but the data line had 3: make the size after the key 3');
    expect(badChunkHint('cas', 5, null)).toMatch(
      /^cas declared 5 bytes but no \\r\\n came right after them: count the data again$/,
    );
    expect(explainError('CLIENT_ERROR bad data chunk', detail({ declared: 5, actual: 7 }))).toBe(
      badChunkHint('set', 5, 7),
    );
  });

  it('ERROR: after a too-long data line, and for a command in upper case', () => {
    expect(
      explainError('ERROR', detail({ command: 'lo', words: ['lo'], spill: { command: 'set', declared: 3 } })),
    ).toBe('memcached read what followed the 3 bytes set declared ("lo") as a new command');
    expect(explainError('ERROR', detail({ command: 'GET', words: ['GET', 'k'] }))).toBe(
      "memcached's commands are lower case: get",
    );
    expect(explainError('ERROR', detail({ command: 'nope', words: ['nope'] }))).toBeNull();
    expect(explainError('SERVER_ERROR out of memory', detail({}))).toBeNull();
  });
});

describe('properties', () => {
  it('random bytes: nothing throws, every byte comes back once', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dir: fc.constantFrom('send' as const, 'recv' as const),
            bytes: fc.uint8Array({ maxLength: 64 }),
          }),
        ),
        (raw) => {
          const chunks = raw.map((c) => ({ dir: c.dir, bytes: Buffer.from(c.bytes) }));
          assertAccounted(chunks, decodeConnection(memcachedWire, chunks));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('protocol-looking noise: nothing throws, every byte comes back once', () => {
    const token = fc.constantFrom(
      'set ',
      'get ',
      'VALUE ',
      'VA ',
      'k ',
      '0 ',
      '3 ',
      '1',
      'q ',
      'mg ',
      'ms ',
      'END',
      'STAT ',
      'noreply',
      '\r\n',
      '\n',
      '\r',
      'abc',
      ' ',
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.array(token, { maxLength: 30 }))), (parts) => {
        const chunks = parts.map(([s, t]) => (s ? send(t.join('')) : recv(t.join(''))));
        assertAccounted(chunks, decodeConnection(memcachedWire, chunks));
      }),
      { numRuns: 500 },
    );
  });

  it('the recording cut anywhere decodes to the same messages, and cut short still accounts every byte', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: conns.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 2048 }), { minLength: 1 }),
        fc.nat(),
        (n, sizes, cutAt) => {
          const conn = conns[n];
          let i = 0;
          const cut = (bytes: Buffer) => {
            const out: Buffer[] = [];
            for (let p = 0; p < bytes.length;) {
              const size = sizes[i++ % sizes.length];
              out.push(bytes.subarray(p, p + size));
              p += size;
            }
            return out;
          };
          expect(view(decode(...recut(conn, cut)))).toEqual(view(decode(...conn)));
          let left = cutAt % (conn.reduce((t, c) => t + c.bytes.length, 0) + 1);
          const truncated: RecordedChunk[] = [];
          for (const c of conn) {
            if (left <= 0) break;
            truncated.push({ dir: c.dir, bytes: c.bytes.subarray(0, left) });
            left -= c.bytes.length;
          }
          decode(...truncated);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('random commands with their replies: each request answered, data as declared', () => {
    const key = fc.stringMatching(/^[a-z0-9:_]{1,20}$/);
    const data = fc.uint8Array({ maxLength: 60 }).map((a) => Buffer.from(a));
    const command = fc.oneof(
      fc.tuple(fc.constantFrom('set', 'add', 'replace', 'append', 'prepend'), key, data).map(([name, k, d]) => ({
        sent: Buffer.concat([Buffer.from(`${name} ${k} 0 0 ${d.length}\r\n`), d, Buffer.from('\r\n')]),
        answer: 'STORED\r\n',
        declared: d.length as number | undefined,
      })),
      fc.tuple(fc.array(key, { minLength: 1, maxLength: 4 }), data).map(([keys, d]) => ({
        sent: Buffer.from(`get ${keys.join(' ')}\r\n`),
        answer: Buffer.concat([
          Buffer.from(`VALUE ${keys[0]} 0 ${d.length}\r\n`),
          d,
          Buffer.from('\r\nEND\r\n'),
        ]).toString('latin1'),
        declared: undefined,
      })),
      fc.tuple(fc.constantFrom('delete', 'incr x', 'touch y'), key).map(([name, k]) => ({
        sent: Buffer.from(`${name.split(' ')[0]} ${k}${name.includes(' ') ? ' 1' : ''}\r\n`),
        answer: 'NOT_FOUND\r\n',
        declared: undefined,
      })),
      fc.tuple(key, data).map(([k, d]) => ({
        sent: Buffer.concat([Buffer.from(`ms ${k} ${d.length} T0\r\n`), d, Buffer.from('\r\n')]),
        answer: 'HD\r\n',
        declared: d.length as number | undefined,
      })),
      fc.constant({
        sent: Buffer.from('stats\r\n'),
        answer: 'STAT pid 1\r\nSTAT uptime 2\r\nEND\r\n',
        declared: undefined,
      }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 20 }), fc.integer({ min: 1, max: 40 }), (commands, size) => {
        const split = (dir: 'send' | 'recv', b: Buffer) =>
          Array.from({ length: Math.ceil(b.length / size) }, (_, i) => ({
            dir,
            bytes: b.subarray(i * size, (i + 1) * size),
          }));
        const items = decode(
          ...split('send', Buffer.concat(commands.map((c) => c.sent))),
          ...split('recv', Buffer.from(commands.map((c) => c.answer).join(''), 'latin1')),
        );
        expect(items.filter(isUndecoded)).toEqual([]);
        const requests = messages(items).filter((m) => m.role === 'request');
        expect(requests.length).toBe(commands.length);
        expect(messages(items).filter((m) => m.role === 'reply').length).toBe(commands.length);
        requests.forEach((m, i) => {
          expect((m.detail as MemcachedCommandDetail).declared).toBe(commands[i].declared);
          if (commands[i].declared !== undefined) expect(m.detail).toMatchObject({ actual: commands[i].declared });
        });
      }),
      { numRuns: 300 },
    );
  });
});
