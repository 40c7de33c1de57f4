// The Redis decoder without a server: the recorded fixture (fixtures/wire-redis-py.json, made by
// wire.int.test.ts), hand-written edge cases (RESP3 attributes, garbage, passwords, pub/sub
// pairing, CLIENT REPLY), and properties over random input: nothing throws, every byte comes back
// exactly once, and however the bytes are cut into chunks the messages are the same.
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
import { redisWire } from './wire.ts';
import { wrongTypeHint } from './wire-explain.ts';

const conns = readRecording(new URL('./fixtures/wire-redis-py.json', import.meta.url));

const send = sendChunk;
const recv = recvChunk;

const decode = (...chunks: RecordedChunk[]): WireItem[] => decodeChecked(redisWire, chunks);

const messages = messagesOf;
const lines = itemLines;

const view = itemView;

/** A command as a client sends it. */
function resp(...args: (string | Buffer)[]): Buffer {
  const parts = args.map((a) => (typeof a === 'string' ? Buffer.from(a) : a));
  return Buffer.concat([
    Buffer.from(`*${parts.length}\r\n`),
    ...parts.flatMap((p) => [Buffer.from(`$${p.length}\r\n`), p, Buffer.from('\r\n')]),
  ]);
}

describe('the recorded traffic (redis-py, a raw RESP3 socket)', () => {
  it('decodes whole: no undecoded bytes, every byte accounted', () => {
    expect(conns.length).toBeGreaterThanOrEqual(4);
    for (const conn of conns) expect(decode(...conn).filter(isUndecoded)).toEqual([]);
  });

  it('says what was sent and answered', () => {
    const first = lines(decode(...conns[0]));
    expect(first.slice(0, 2)).toEqual(['send request CLIENT SETNAME wire-demo', 'recv reply OK']);
    expect(first).toContain('send request SET wire:user:1 "Ada"');
    expect(first).toContain('recv reply array of 3: "a", "b", "c"');
    expect(first).toContain('send request ZRANGE wire:board 0 -1 WITHSCORES');
    expect(first).toContain('recv reply (error) WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(first).toContain('send request AUTH default (hidden)');
    const resp3 = lines(decode(...conns[3]));
    expect(resp3).toContain('recv reply map of 2: "name" => "Ada", "lang" => "en"');
    expect(resp3).toContain('recv other invalidate: wire:tracked');
    expect(resp3).toContain('recv reply (big number) 123456789012345678901234567890');
  });

  it('gives every byte range of a tree inside its message', () => {
    for (const conn of conns) {
      for (const m of messages(decode(...conn))) {
        const walk = (nodes: typeof m.tree) => {
          for (const n of nodes) {
            if (n.at) expect(n.at[0] >= 0 && n.at[0] <= n.at[1] && n.at[1] <= m.bytes.length).toBe(true);
            walk(n.children ?? []);
          }
        };
        walk(m.tree);
      }
    }
  });

  it('decodes the same fed byte by byte as fed whole', () => {
    for (const conn of conns) {
      expect(view(decode(...recut(conn, byteByByte)))).toEqual(view(decode(...conn)));
    }
  });
});

describe('RESP edge cases', () => {
  it('RESP3 attributes annotate the value after them, at the top and inside aggregates', () => {
    const items = messages(
      decode(send('*1\r\n$4\r\nPING\r\n'), recv('|1\r\n+ttl\r\n:3\r\n*2\r\n|1\r\n+a\r\n#t\r\n,1.5\r\n:2\r\n')),
    );
    expect(items[1].summary).toBe('array of 2: 1.5, 2 (with attributes)');
    expect(items[1].tree.map((n) => n.label)).toEqual(['attribute', 'array']);
    expect(items[1].tree[1].children!.map((n) => n.label)).toEqual(['1) attribute', '1) double', '2) integer']);
  });

  it('nulls, empty aggregates, booleans, blob errors, verbatim strings', () => {
    const replies = messages(
      decode(
        send(Buffer.concat(Array.from({ length: 8 }, () => resp('X')))),
        recv('$-1\r\n*-1\r\n_\r\n*0\r\n%0\r\n#f\r\n!5\r\nOOPS!\r\n=8\r\nmkd:# hi\r\n'),
      ),
    ).filter((m) => m.dir === 'recv');
    expect(replies.map((m) => m.summary)).toEqual([
      '(nil)',
      '(nil)',
      '(nil)',
      '(empty array)',
      '(empty map)',
      '(false)',
      '(error) OOPS!',
      '"# hi"',
    ]);
    expect(replies[6].error).toBe(true);
    expect(replies[7].tree[0].label).toBe('verbatim string (mkd)');
  });

  it('bytes that are not RESP come back undecoded, and reading starts again at the next line', () => {
    const items = decode(
      send(Buffer.concat([resp('GET', 'a'), resp('GET', 'b'), resp('GET', 'c')])),
      recv('hello\r\n$3\r\nfooXX\r\n+OK\r\n'),
    );
    expect(lines(items).slice(3)).toEqual([
      'recv undecoded: "h" does not start a RESP value',
      'recv undecoded: a string of 3 bytes must be followed by \\r\\n',
      'recv reply OK',
    ]);
  });

  it('a command holding something else than bulk strings is what Redis refuses', () => {
    const items = decode(send('*2\r\n$4\r\nECHO\r\n:5\r\n'), send(resp('PING')));
    expect(lines(items)).toEqual([
      'send undecoded: expected "$" (a bulk string) in a command, got ":"; Redis answers a protocol error and closes the connection',
      'send request PING',
    ]);
  });

  it('a connection that ends mid-message gives the rest back undecoded', () => {
    const items = decode(send('*2\r\n$3\r\nGET\r\n$5\r\nab'));
    expect(lines(items)).toEqual(['send undecoded: the connection ended mid-message']);
  });

  it('lengths that are not numbers, too long and too deep are refused', () => {
    expect(lines(decode(recv('$abc\r\n+OK\r\n')))).toEqual([
      'recv undecoded: "abc" after "$" is not a length',
      'recv other OK',
    ]);
    expect(lines(decode(recv(`$${'9'.repeat(40)}\r\n`)))[0]).toMatch(/length line longer than 32 bytes/);
    expect(lines(decode(recv('*1\r\n'.repeat(200) + ':1\r\n')))[0]).toMatch(/nested deeper than 128/);
    expect(lines(decode(recv(':1x\r\n#maybe\r\n_x\r\n')))).toEqual([
      'recv undecoded: "1x" after ":" is not an integer',
      'recv undecoded: a RESP3 boolean must be "t" or "f", not "maybe"',
      'recv undecoded: a RESP3 null ("_") with content',
    ]);
  });

  it('keeps the first elements of a big aggregate and counts the rest', () => {
    const reply = `*1000\r\n${':7\r\n'.repeat(1000)}`;
    const [m] = messages(decode(recv(reply)));
    expect(m.summary).toBe('array of 1000: 7, 7, 7, 7, 7, 7, 7, 7 … (1000 in all)');
    expect(m.tree[0].children).toHaveLength(101);
    expect(m.tree[0].children!.at(-1)!.label).toBe('… 900 more elements');
  });
});

describe('inline commands', () => {
  it('are split as Redis splits them, quotes and escapes included', () => {
    const [m] = messages(decode(send('SET "a key" \'it\\\'s\' "\\x41\\n"\r\n')));
    expect(m.summary).toBe('SET "a key" "it\'s" "A\\n"');
    expect(m.tree.map((n) => m.bytes.subarray(...n.at!).toString())).toEqual([
      'SET',
      '"a key"',
      "'it\\'s'",
      '"\\x41\\n"',
    ]);
  });

  it('unbalanced quotes are what Redis refuses; a blank line is ignored', () => {
    expect(lines(decode(send('GET "a\r\n\r\nPING\r\n')))).toEqual([
      'send undecoded: unbalanced quotes in an inline command; Redis refuses it and closes the connection',
      'send other (blank line: Redis ignores it)',
      'send request PING',
    ]);
  });

  it('an inline line longer than Redis takes is refused', () => {
    const items = decode(send(`SET k ${'v'.repeat(70_000)}\r\n`), send('PING\r\n'));
    expect(lines(items)).toEqual([
      'send undecoded: an inline command longer than 64 KB; Redis refuses it and closes the connection',
      'send request PING',
    ]);
  });
});

describe('passwords', () => {
  const masked = (bytes: Buffer | string) => {
    const [m] = messages(decode(send(bytes)));
    return { summary: m.summary, text: m.bytes.toString(), masked: m.masked, detail: m.detail };
  };

  it('AUTH, HELLO … AUTH, CONFIG SET requirepass, ACL SETUSER, MIGRATE AUTH: overwritten, same length', () => {
    expect(masked(resp('AUTH', 'sesame'))).toMatchObject({
      summary: 'AUTH (hidden)',
      text: resp('AUTH', '******').toString(),
      masked: [[18, 24]],
    });
    expect(masked(resp('AUTH', 'ada', 'sesame')).text).toBe(resp('AUTH', 'ada', '******').toString());
    expect(masked(resp('hello', '3', 'auth', 'ada', 'sesame', 'setname', 'x')).summary).toBe(
      'HELLO 3 auth ada (hidden) setname x',
    );
    expect(masked(resp('CONFIG', 'SET', 'requirepass', 'sesame', 'maxmemory', '1mb')).text).toBe(
      resp('CONFIG', 'SET', 'requirepass', '******', 'maxmemory', '1mb').toString(),
    );
    expect(masked(resp('ACL', 'SETUSER', 'ada', 'on', '>sesame')).text).toBe(
      resp('ACL', 'SETUSER', 'ada', 'on', '*******').toString(),
    );
    const migrate = resp('MIGRATE', 'h', '1', 'k', '0', '100', 'AUTH2', 'ada', 'sesame');
    expect(masked(migrate).text).not.toContain('sesame');
    expect(masked('AUTH "se same"\r\n')).toMatchObject({ summary: 'AUTH (hidden)', text: 'AUTH *********\r\n' });
    expect(JSON.stringify(masked(resp('AUTH', 'ada', 'sesame')).detail)).not.toContain('sesame');
  });

  it('fed byte by byte, a password is overwritten all the same', () => {
    const bytes = resp('AUTH', 'ada', 'sesame');
    const [m] = messages(decode(...byteByByte(bytes).map((b) => send(b))));
    expect(m.bytes.toString()).toBe(resp('AUTH', 'ada', '******').toString());
  });

  it('leaves the caller’s chunk as it was', () => {
    const chunk = resp('AUTH', 'sesame');
    decode(send(chunk));
    redisWire.decoder().feed('send', chunk);
    expect(chunk.toString()).toContain('sesame');
  });
});

describe('what answers what', () => {
  it('SUBSCRIBE a b c: the first confirmation answers it, the others do not; messages never do', () => {
    const items = decode(
      send(resp('SUBSCRIBE', 'a', 'b', 'c')),
      recv('*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n'),
      recv('*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:3\r\n*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n'),
      send(resp('UNSUBSCRIBE')),
      recv('*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:2\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n'),
      recv('*3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n'),
      send(resp('LRANGE', 'l', '0', '-1')),
      // Not subscribed any more: an array that starts with "message" is an ordinary reply.
      recv('*3\r\n$7\r\nmessage\r\n$1\r\nx\r\n$1\r\ny\r\n'),
    );
    expect(lines(items)).toEqual([
      'send request SUBSCRIBE a b c',
      'recv reply subscribe a (1 subscription)',
      'recv other subscribe b (2 subscriptions)',
      'recv other subscribe c (3 subscriptions)',
      'recv other message on a: "hi"',
      'send request UNSUBSCRIBE',
      'recv reply unsubscribe b (2 subscriptions)',
      'recv other unsubscribe a (1 subscription)',
      'recv other unsubscribe c (0 subscriptions)',
      'send request LRANGE l 0 -1',
      'recv reply array of 3: "message", "x", "y"',
    ]);
  });

  it('UNSUBSCRIBE when nothing is subscribed is answered once', () => {
    const items = decode(
      send(resp('UNSUBSCRIBE')),
      send(resp('PING')),
      recv('*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n+PONG\r\n'),
    );
    expect(lines(items).slice(2)).toEqual(['recv reply unsubscribe (nil) (0 subscriptions)', 'recv reply PONG']);
  });

  it('CLIENT REPLY OFF and SKIP: what the server does not answer is not a request', () => {
    const items = decode(
      send(resp('CLIENT', 'REPLY', 'SKIP')),
      send(resp('SET', 'a', '1')),
      send(resp('GET', 'a')),
      send(resp('CLIENT', 'REPLY', 'OFF')),
      send(resp('SET', 'b', '2')),
      send(resp('CLIENT', 'REPLY', 'ON')),
      recv('$1\r\n1\r\n+OK\r\n'),
    );
    expect(messages(items).map((m) => m.role)).toEqual([
      'other',
      'other',
      'request',
      'other',
      'other',
      'request',
      'reply',
      'reply',
    ]);
  });

  it('MONITOR: its OK answers it, the feed after does not', () => {
    const items = decode(send(resp('MONITOR')), recv('+OK\r\n+1700000000.123456 [0 127.0.0.1:5000] "get" "k"\r\n'));
    expect(messages(items).map((m) => m.role)).toEqual(['request', 'reply', 'other']);
  });

  it('a reply nobody waits for is not an answer', () => {
    expect(messages(decode(recv('+OK\r\n')))[0].role).toBe('other');
  });

  it('remembers the database SELECT chose, for explain()', () => {
    const items = messages(decode(send(Buffer.concat([resp('SELECT', '3'), resp('GET', 'k')])), recv('+OK\r\n')));
    expect(items[1].detail).toEqual({ kind: 'redis-command', args: ['GET', 'k'], db: 3 });
    const failed = messages(
      decode(send(resp('SELECT', '99')), recv('-ERR DB index is out of range\r\n'), send(resp('GET', 'k'))),
    );
    expect(failed[2].detail).toMatchObject({ db: 0 });
  });
});

describe('the WRONGTYPE hint', () => {
  it('names the type and what reads it', () => {
    expect(wrongTypeHint('get', 'user:1', 'hash')).toBe(
      '"user:1" is a hash (GET works on strings); read it with HGET or HGETALL',
    );
    expect(wrongTypeHint('zadd', 'q', 'list')).toBe(
      '"q" is a list (ZADD works on sorted sets); read it with LRANGE or LPOP',
    );
    expect(wrongTypeHint('sort', 'k', 'zset')).toBe('"k" is a sorted set; read it with ZRANGE or ZSCORE');
    expect(wrongTypeHint('get', 'k', 'ReJSON-RL')).toBe('"k" holds a value of type ReJSON-RL (GET works on strings)');
  });

  it('explain() says nothing for other errors, nor without the request', async () => {
    const endpoint = { url: 'redis://127.0.0.1:1', address: '127.0.0.1:1' };
    const [request, reply] = messages(decode(send(resp('GET', 'k')), recv('-ERR nope\r\n')));
    expect(await redisWire.explain!({ endpoint, admin: null, request, reply })).toBeNull();
    expect(await redisWire.explain!({ endpoint, admin: null, reply })).toBeNull();
  });
});

describe('properties', () => {
  const allChunks = conns.flat();

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
          assertAccounted(chunks, decodeConnection(redisWire, chunks));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('RESP-looking noise (type bytes, CRLFs, lengths): nothing throws, every byte comes back once', () => {
    const token = fc.constantFrom(
      '*',
      '$',
      '%',
      '~',
      '>',
      '|',
      '+',
      '-',
      ':',
      ',',
      '#',
      '_',
      '=',
      '!',
      '(',
      '\r\n',
      '\r',
      '\n',
      '1',
      '2',
      '-1',
      '0',
      'x',
      'SET',
      ' ',
      '"',
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.array(token, { maxLength: 30 }))), (parts) => {
        const chunks = parts.map(([s, t]) => (s ? send(t.join('')) : recv(t.join(''))));
        assertAccounted(chunks, decodeConnection(redisWire, chunks));
      }),
      { numRuns: 500 },
    );
  });

  it('the recording cut anywhere decodes to the same messages, and cut short still accounts every byte', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: conns.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1 }),
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
          const bytes = conn.reduce((t, c) => t + c.bytes.length, 0);
          let left = cutAt % (bytes + 1);
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
    expect(allChunks.length).toBeGreaterThan(0);
  });

  it('random commands and replies: one request per command with its arguments, one reply each', () => {
    const arg = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
      fc.constantFrom('', '\r\n', '"', 'x'.repeat(2000)),
    );
    const reply = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('+OK\r\n', ':42\r\n', '$-1\r\n', '_\r\n', '-ERR no\r\n', ',1.5\r\n', '#t\r\n'),
        fc.string({ maxLength: 30 }).map((s) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`),
        fc
          .array(tie('value') as fc.Arbitrary<string>, { maxLength: 4 })
          .map((items) => `*${items.length}\r\n${items.join('')}`),
        fc
          .array(tie('value') as fc.Arbitrary<string>, { maxLength: 3 })
          .map((items) => `%${items.length}\r\n${items.map((i) => i + i).join('')}`),
      ),
    })).value;
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom('GET', 'SET', 'HSET', 'LPUSH', 'ECHO'), fc.array(arg, { maxLength: 4 }), reply),
          { maxLength: 20 },
        ),
        fc.integer({ min: 1, max: 50 }),
        (commands, size) => {
          const sent = Buffer.concat(commands.map(([name, args]) => resp(name, ...args)));
          const answered = Buffer.from(commands.map(([, , r]) => r).join(''));
          const split = (dir: 'send' | 'recv', b: Buffer) =>
            Array.from({ length: Math.ceil(b.length / size) }, (_, i) => ({
              dir,
              bytes: b.subarray(i * size, (i + 1) * size),
            }));
          const items = decode(...split('send', sent), ...split('recv', answered));
          expect(items.filter(isUndecoded)).toEqual([]);
          const requests = messages(items).filter((m) => m.role === 'request');
          expect(requests.length).toBe(commands.length);
          expect(messages(items).filter((m) => m.role === 'reply').length).toBe(commands.length);
          requests.forEach((m, i) => {
            const [name, args] = commands[i];
            const detail = m.detail as { args: (string | null)[] };
            expect(detail.args[0]).toBe(name);
            expect(detail.args.length).toBe(args.length + 1);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
