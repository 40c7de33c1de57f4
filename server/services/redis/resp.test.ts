import { describe, expect, it } from 'vitest';
import {
  MAX_NESTING_DEPTH,
  type ReplyInfo,
  type RespEvents,
  RespProtocolError,
  RespReader,
  encodeCommand,
} from './resp.ts';
import { type RespValue, ValueBuilder } from './reply-value.ts';

/** Parses `input` fed in pieces of `chunkSize` bytes; answers each reply's value and info. */
function parse(input: string | Buffer, chunkSize = Infinity, maxRawBytes?: number) {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const builder = new ValueBuilder();
  const replies: Array<{ value: RespValue; info: ReplyInfo }> = [];
  const events: RespEvents = {
    replyStart: (t) => builder.replyStart(t),
    aggregateStart: (t) => builder.aggregateStart(t),
    aggregateEnd: () => builder.aggregateEnd(),
    scalarStart: (t) => builder.scalarStart(t),
    scalarData: (d) => builder.scalarData(d),
    scalarEnd: () => builder.scalarEnd(),
    nil: () => builder.nil(),
    replyEnd: (info) => replies.push({ value: builder.take(), info }),
  };
  const reader = new RespReader(events, { maxRawBytes });
  const step = Math.min(chunkSize, bytes.length || 1);
  for (let i = 0; i < bytes.length; i += step) reader.feed(bytes.subarray(i, i + step));
  return replies;
}

/** A value as plain data, for comparisons. */
function plain(value: RespValue): unknown {
  if (value.kind === 'nil') return null;
  if (value.kind === 'aggregate') return { [value.type]: value.items.map(plain) };
  return `${value.type}${value.data.toString('latin1')}`;
}

const NESTED = '*3\r\n:1\r\n*2\r\n$3\r\nfoo\r\n*1\r\n+OK\r\n*0\r\n';

describe('RespReader', () => {
  it('reads every RESP2 type', () => {
    const replies = parse('+OK\r\n-ERR bad\r\n:42\r\n$3\r\nbar\r\n$0\r\n\r\n$-1\r\n*-1\r\n' + NESTED);
    expect(replies.map((r) => plain(r.value))).toEqual([
      '+OK',
      '-ERR bad',
      ':42',
      '$bar',
      '$',
      null,
      null,
      { '*': [':1', { '*': ['$foo', { '*': ['+OK'] }] }, { '*': [] }] },
    ]);
    expect(replies.map((r) => [r.info.type, r.info.isNil])).toEqual([
      ['+', false],
      ['-', false],
      [':', false],
      ['$', false],
      ['$', false],
      ['$', true],
      ['*', true],
      ['*', false],
    ]);
  });

  it('gives the same replies however the input is chunked', () => {
    const input = NESTED + '$5\r\nhel\r\n\r\n' + '+PONG\r\n';
    const whole = parse(input).map((r) => plain(r.value));
    for (const size of [1, 2, 3, 5, 7]) expect(parse(input, size).map((r) => plain(r.value))).toEqual(whole);
    expect(whole[1]).toBe('$hel\r\n');
  });

  it('streams a large bulk string across many chunks', () => {
    const payload = Buffer.alloc(300_000, 'x');
    const input = Buffer.concat([Buffer.from(`$${payload.length}\r\n`), payload, Buffer.from('\r\n:1\r\n')]);
    const replies = parse(input, 16 * 1024);
    expect(replies).toHaveLength(2);
    const first = replies[0].value;
    expect(first.kind === 'scalar' && first.data.equals(payload)).toBe(true);
    expect(replies[0].info.rawLength).toBe(input.length - 4);
  });

  it("keeps each reply's exact bytes, up to the limit", () => {
    const [a, b] = parse('*2\r\n$3\r\nfoo\r\n:7\r\n+OK\r\n', 3);
    expect(a.info.raw.toString()).toBe('*2\r\n$3\r\nfoo\r\n:7\r\n');
    expect(b.info.raw.toString()).toBe('+OK\r\n');
    const [cut] = parse('$10\r\n0123456789\r\n', 4, 8);
    expect(cut.info.raw.toString()).toBe('$10\r\n012');
    expect(cut.info.rawLength).toBe(17);
  });

  it('reads RESP3 maps, sets, pushes, doubles, booleans, nulls and verbatim strings', () => {
    const replies = parse(
      '%1\r\n+a\r\n~1\r\n,1.5\r\n>2\r\n$7\r\nmessage\r\n#t\r\n_\r\n=8\r\ntxt:hiya\r\n(123\r\n!3\r\nERR\r\n',
    );
    expect(replies.map((r) => plain(r.value))).toEqual([
      { '%': ['+a', { '~': [',1.5'] }] },
      { '>': ['$message', '#t'] },
      null,
      '=txt:hiya',
      '(123',
      '!ERR',
    ]);
  });

  it('skips RESP3 attributes, which annotate the value after them', () => {
    const replies = parse('|1\r\n+ttl\r\n:3\r\n*2\r\n|1\r\n+k\r\n+v\r\n:1\r\n:2\r\n');
    expect(replies.map((r) => plain(r.value))).toEqual([{ '*': [':1', ':2'] }]);
  });

  it.each([
    ['an unknown type byte', '?what\r\n', /got "\?" as reply type byte/],
    ['a bad length', '$abc\r\n', /bad length/],
    ['a bulk string without its CRLF', '$3\r\nfooXX', /CRLF/],
    ['CR without LF', '+OK\rX', /LF/],
    ['-1 where it means nothing', '%-1\r\n', /bad length -1/],
  ])('throws a protocol error on %s', (_what, input, message) => {
    expect(() => parse(input)).toThrow(RespProtocolError);
    expect(() => parse(input)).toThrow(message);
  });

  it('refuses nesting deeper than the limit', () => {
    expect(() => parse('*1\r\n'.repeat(MAX_NESTING_DEPTH + 1) + ':1\r\n')).toThrow(/nesting/);
    expect(parse('*1\r\n'.repeat(MAX_NESTING_DEPTH) + ':1\r\n')).toHaveLength(1);
  });
});

describe('encodeCommand', () => {
  it('sends arguments as an array of bulk strings, bytes unchanged', () => {
    expect(encodeCommand(['SET', 'k', Buffer.from([0, 0xff])]).toString('latin1')).toBe(
      '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n\x00\xff\r\n',
    );
  });
});
