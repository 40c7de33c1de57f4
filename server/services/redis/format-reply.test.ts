// Expected texts are redis-cli 7.0.15's own output (`redis-cli --no-raw`) for the same replies.
import { describe, expect, it } from 'vitest';
import { type FormatMode, ReplyFormatter, rawView, repr, wantsRawOutput } from './format-reply.ts';
import { RespReader } from './resp.ts';

/** Formats the replies in `input`, fed in chunks of `chunkSize` bytes. */
function format(input: string, mode: FormatMode = 'tty', chunkSize = Infinity): string {
  let out = '';
  const formatter = new ReplyFormatter((text) => (out += text));
  formatter.mode = mode;
  const reader = new RespReader({
    replyStart: (t) => formatter.replyStart(t),
    aggregateStart: (t, n) => formatter.aggregateStart(t, n),
    aggregateEnd: () => formatter.aggregateEnd(),
    scalarStart: (t) => formatter.scalarStart(t),
    scalarData: (d) => formatter.scalarData(d),
    scalarEnd: () => formatter.scalarEnd(),
    nil: () => formatter.nil(),
    replyEnd: (info) => formatter.replyEnd(info),
  });
  const bytes = Buffer.from(input, 'latin1');
  const step = Math.min(chunkSize, bytes.length);
  for (let i = 0; i < bytes.length; i += step) reader.feed(bytes.subarray(i, i + step));
  return out;
}

const ints = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `:${from + i}\r\n`).join('');

describe('ReplyFormatter (tty)', () => {
  it.each([
    ['a status', '+OK\r\n', 'OK\n'],
    ['an error', '-ERR unknown command\r\n', '(error) ERR unknown command\n'],
    ['an integer', ':2\r\n', '(integer) 2\n'],
    ['a bulk string', '$3\r\nbar\r\n', '"bar"\n'],
    ['an empty bulk string', '$0\r\n\r\n', '""\n'],
    ['a nil', '$-1\r\n', '(nil)\n'],
    ['a nil array', '*-1\r\n', '(nil)\n'],
    ['an empty array', '*0\r\n', '(empty array)\n'],
    ['a list', '*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n', '1) "a"\n2) "b"\n3) "c"\n'],
  ])('%s', (_what, input, expected) => {
    expect(format(input)).toBe(expected);
  });

  it('escapes a bulk string as sdscatrepr does', () => {
    const value = 'q"\\\t\r\x07\x08\x7f\xc3\xa9 \n\x00';
    expect(format(`$${value.length}\r\n${value}\r\n`)).toBe('"q\\"\\\\\\t\\r\\a\\b\\x7f\\xc3\\xa9 \\n\\x00"\n');
  });

  it('escapes control characters where redis-cli prints text as it is, cut anywhere', () => {
    // EVAL "return redis.error_reply('\27]52;c;aGk=\7')" 0, a status reply, a RESP3 verbatim string.
    const input = '-\x1b]52;c;aGk=\x07\r\n+\x9b31mOK\r\n=12\r\ntxt:a\x1b[2J\nb\x07\r\n';
    const expected = '(error) \\x1b]52;c;aGk=\\x07\n\\x9b31mOK\na\\x1b[2J\nb\\x07\n';
    for (const size of [1, 2, 3, Infinity]) expect(format(input, 'tty', size)).toBe(expected);
    expect(format('$10\r\na\x1b[Hb\r\nc\rd\r\n', 'raw')).toBe('a\\x1b[Hb\r\nc\\x0dd\n');
  });

  it('indents nested arrays as redis-cli does', () => {
    // EVAL "return {1,2,3,4,5,6,7,8,9,{'a',{'b','c'}},11,{}}" 0
    const input = '*12\r\n' + ints(1, 9) + '*2\r\n$1\r\na\r\n*2\r\n$1\r\nb\r\n$1\r\nc\r\n:11\r\n*0\r\n';
    expect(format(input)).toBe(
      [
        ' 1) (integer) 1',
        ' 2) (integer) 2',
        ' 3) (integer) 3',
        ' 4) (integer) 4',
        ' 5) (integer) 5',
        ' 6) (integer) 6',
        ' 7) (integer) 7',
        ' 8) (integer) 8',
        ' 9) (integer) 9',
        '10) 1) "a"',
        '    2) 1) "b"',
        '       2) "c"',
        '11) (integer) 11',
        '12) (empty array)',
        '',
      ].join('\n'),
    );
  });

  it("pads a nested array's numbers to its own widest index", () => {
    // EVAL "return {{1,2,3,4,5,6,7,8,9,10},'x'}" 0
    const input = '*2\r\n*10\r\n' + ints(1, 10) + '$1\r\nx\r\n';
    expect(format(input)).toBe(
      [
        '1)  1) (integer) 1',
        '    2) (integer) 2',
        '    3) (integer) 3',
        '    4) (integer) 4',
        '    5) (integer) 5',
        '    6) (integer) 6',
        '    7) (integer) 7',
        '    8) (integer) 8',
        '    9) (integer) 9',
        '   10) (integer) 10',
        '2) "x"',
        '',
      ].join('\n'),
    );
  });

  it('shows errors, statuses and nils inside arrays', () => {
    // EVAL "return {1, redis.error_reply('E x'), redis.status_reply('FINE'), false}" 0
    expect(format('*4\r\n:1\r\n-E x\r\n+FINE\r\n$-1\r\n')).toBe('1) (integer) 1\n2) (error) E x\n3) FINE\n4) (nil)\n');
  });

  it('formats RESP3 maps with nested values on their own lines', () => {
    // EVAL "return {map={a={}, b={1,2}, c='x'}}" 0 after HELLO 3
    const input = '%3\r\n$1\r\na\r\n*0\r\n$1\r\nc\r\n$1\r\nx\r\n$1\r\nb\r\n*2\r\n:1\r\n:2\r\n';
    expect(format(input)).toBe(
      '1# "a" => (empty array)\n2# "c" => "x"\n3# "b" => \n   1) (integer) 1\n   2) (integer) 2\n',
    );
  });

  it('formats the other RESP3 types', () => {
    expect(format('%0\r\n~2\r\n+a\r\n+b\r\n,3.5\r\n#t\r\n#f\r\n_\r\n=9\r\ntxt:a\nb c\r\n')).toBe(
      '(empty hash)\n1~ a\n2~ b\n(double) 3.5\n(true)\n(false)\n(nil)\na\nb c\n',
    );
  });

  it('writes the same text however the reply is chunked', () => {
    const input = '*3\r\n$5\r\nh\xe9llo\r\n*2\r\n+OK\r\n-ERR x\r\n%1\r\n+k\r\n*1\r\n:1\r\n';
    const whole = format(input);
    for (const size of [1, 2, 5]) expect(format(input, 'tty', size)).toBe(whole);
    expect(whole).toBe('1) "h\\xe9llo"\n2) 1) OK\n   2) (error) ERR x\n3) 1# k => \n      1) (integer) 1\n');
  });
});

describe('ReplyFormatter (raw, for INFO and friends)', () => {
  it('prints text as it is', () => {
    const text = '# Keyspace\r\ndb0:k=1\r\n';
    expect(format(`$${text.length}\r\n${text}\r\n`, 'raw')).toBe(text);
  });

  it('ends text that lacks a final newline with one, and prints nothing for nil', () => {
    expect(format('$2\r\nab\r\n', 'raw')).toBe('ab\n');
    expect(format('$-1\r\n', 'raw')).toBe('');
  });

  it('prints errors without "(error)" and arrays one element per line', () => {
    expect(format('-ERR no\r\n', 'raw')).toBe('ERR no\n');
    expect(format('*2\r\n$1\r\na\r\n:2\r\n', 'raw')).toBe('a\n2\n');
  });
});

describe('wantsRawOutput', () => {
  it("matches redis-cli's list of verbatim commands", () => {
    expect(wantsRawOutput(['INFO'])).toBe(true);
    expect(wantsRawOutput(['info', 'server'])).toBe(true);
    expect(wantsRawOutput(['CLIENT', 'LIST'])).toBe(true);
    expect(wantsRawOutput(['client', 'id'])).toBe(false);
    expect(wantsRawOutput(['LATENCY', 'DOCTOR'])).toBe(true);
    expect(wantsRawOutput(['GET', 'info'])).toBe(false);
  });
});

describe('repr and rawView', () => {
  it('quotes like sdscatrepr', () => {
    expect(repr(Buffer.from('a"b\\\r\n\x01'))).toBe('"a\\"b\\\\\\r\\n\\x01"');
  });

  it("shows a reply's bytes one CRLF-terminated piece per line", () => {
    const raw = Buffer.from('*2\r\n$3\r\nfoo\r\n$-1\r\n');
    expect(rawView({ raw, rawLength: raw.length })).toBe('"*2\\r\\n"\n"$3\\r\\n"\n"foo\\r\\n"\n"$-1\\r\\n"\n');
  });

  it('says how much of a long reply was not kept', () => {
    expect(rawView({ raw: Buffer.from('$10\r\n01'), rawLength: 17 })).toBe(
      '"$10\\r\\n"\n"01"\n… 10 more bytes (17 in all) not kept\n',
    );
  });
});
