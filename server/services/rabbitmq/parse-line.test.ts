import { describe, expect, it } from 'vitest';
import { LineError, parseLine, tokenize, type ParsedLine } from './parse-line.ts';

type MethodLine = Extract<ParsedLine, { kind: 'method' }>;

function method(line: string): MethodLine {
  const parsed = parseLine(line);
  if (parsed.kind !== 'method') throw new Error(`not a method line: ${line}`);
  return parsed;
}

/** The LineError message a line gets; fails the test if the line parses. */
function error(line: string): string {
  try {
    parseLine(line);
  } catch (err) {
    expect(err).toBeInstanceOf(LineError);
    return (err as Error).message;
  }
  throw new Error(`expected an error for ${JSON.stringify(line)}`);
}

/** Values of the words after the first, as text. */
function values(line: string): Array<string | null> {
  return tokenize(line)
    .slice(1)
    .map((w) => w.value?.text ?? null);
}

describe('tokenize', () => {
  it('splits words on runs of spaces and tabs and finds key=value', () => {
    expect(tokenize('  queue.declare \t queue=hello  durable=true ')).toEqual([
      { key: 'queue.declare', value: null },
      expect.objectContaining({ key: 'queue', value: expect.objectContaining({ text: 'hello' }) }),
      expect.objectContaining({ key: 'durable', value: expect.objectContaining({ text: 'true' }) }),
    ]);
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' \t ')).toEqual([]);
  });

  it('reads an empty value after a bare =', () => {
    expect(values('m exchange= routing_key=x')).toEqual(['', 'x']);
  });

  it('reads double and single quotes, joined to neighbouring text as in a shell', () => {
    expect(values('m body="Hello World!" b=\'it is\' c=a"b c"d')).toEqual(['Hello World!', 'it is', 'ab cd']);
    expect(values('m a="" b=\'\'')).toEqual(['', '']);
  });

  it('splits at the first = only', () => {
    expect(values('m a=b=c')).toEqual(['b=c']);
  });

  it('reads backslash escapes inside and outside quotes', () => {
    expect(values('m a="x\\ny\\tz\\r\\0" b=\'\\\'q\\\'\' c=one\\ two d="\\"\\\\"')).toEqual([
      'x\ny\tz\r\0',
      "'q'",
      'one two',
      '"\\',
    ]);
    expect(values('m a="\\u00e9\\u{1F600}"')).toEqual(['é😀']);
  });

  it('reads \\xHH as one raw byte in the bytes, and a Latin-1 character in the text', () => {
    const [, word] = tokenize('m body="\\xff\\x00é"');
    expect(word.value!.bytes).toEqual(Buffer.from([0xff, 0x00, 0xc3, 0xa9]));
    expect(word.value!.text).toBe('\xff\x00é');
  });

  it('reads a bracketed JSON value whole, spaces and quotes included', () => {
    expect(values('m arguments={"x-max-length": 10, "x-queue-mode": "lazy"} next=1')).toEqual([
      '{"x-max-length": 10, "x-queue-mode": "lazy"}',
      '1',
    ]);
    expect(values('m a={"s":"} { ]"} b=[1, [2]]')).toEqual(['{"s":"} { ]"}', '[1, [2]]']);
    expect(values('m a={"q":"say \\"hi\\""}')).toEqual(['{"q":"say \\"hi\\""}']);
  });

  it('takes a quoted { as text, not as the start of JSON', () => {
    expect(values('m a="{" b=\'{x\'')).toEqual(['{', '{x']);
  });

  it('marks words without = as bare', () => {
    expect(tokenize('help queue.declare')[1]).toEqual({ key: 'queue.declare', value: null });
  });

  it('keeps binary junk as characters rather than failing', () => {
    expect(values('m body=\x01\x02\x7f')).toEqual(['\x01\x02\x7f']);
  });

  it.each([
    ['m a="abc', 'unbalanced ": the closing quote is missing'],
    ["m a='abc", "unbalanced ': the closing quote is missing"],
    ['m a=abc\\', 'the line ends with a lone backslash'],
    ['m a="\\q"', 'unknown escape \\q (write \\\\ for a backslash)'],
    ['m a="\\xZ1"', '\\x needs two hex digits, e.g. \\x00'],
    ['m a="\\u12"', '\\u needs four hex digits or \\u{…}, e.g. \\u00e9'],
    ['m a="\\u{110000}"', '\\u needs four hex digits or \\u{…}, e.g. \\u00e9'],
    ['m arguments={"a":1', 'unbalanced { in the JSON of arguments=: missing }'],
    ['m arguments=[1,2', 'unbalanced [ in the JSON of arguments=: missing ]'],
    ['m arguments={"a', 'unbalanced " in the JSON of arguments='],
    ['m arguments={}x', 'unexpected "x" after the JSON of arguments='],
  ])('refuses %j', (line, message) => {
    expect(error(line)).toBe(message);
  });
});

describe('parseLine', () => {
  it('answers empty for a blank line and help with its topic', () => {
    expect(parseLine('   ')).toEqual({ kind: 'empty' });
    expect(parseLine('help')).toEqual({ kind: 'help', topic: null });
    expect(parseLine('help queue.declare')).toEqual({ kind: 'help', topic: 'queue.declare' });
    expect(error('help a b')).toBe('usage: help [class.method]');
  });

  it('fills every field the learner left out with the spec default', () => {
    const parsed = method('queue.declare queue=hello durable=true');
    expect(parsed.method.name).toBe('queue.declare');
    expect(parsed.fields).toEqual({
      ticket: 0,
      queue: 'hello',
      passive: false,
      durable: true,
      exclusive: false,
      autoDelete: false,
      nowait: false,
      arguments: {},
    });
  });

  it('gives each line its own default objects', () => {
    const a = method('queue.declare').fields.arguments as Record<string, unknown>;
    a.mutated = true;
    expect(method('queue.declare').fields.arguments).toEqual({});
  });

  it('maps snake_case fields to amqplib names', () => {
    expect(method('queue.bind queue=q exchange=logs routing_key=info').fields).toMatchObject({
      queue: 'q',
      exchange: 'logs',
      routingKey: 'info',
    });
    expect(method('basic.qos prefetch_count=1').fields).toEqual({ prefetchSize: 0, prefetchCount: 1, global: false });
    expect(method('basic.ack delivery_tag=3 multiple=yes').fields).toEqual({ deliveryTag: 3, multiple: true });
    expect(method('exchange.declare exchange=logs type=fanout auto_delete=1').fields).toMatchObject({
      exchange: 'logs',
      type: 'fanout',
      autoDelete: true,
    });
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['No', false],
  ])('reads the boolean %j', (word, expected) => {
    expect(method(`queue.declare durable=${word}`).fields.durable).toBe(expected);
  });

  it('reads integers up to the largest value of their AMQP type', () => {
    expect(method('basic.qos prefetch_count=65535').fields.prefetchCount).toBe(65535);
    expect(method('basic.qos prefetch_size=4294967295').fields.prefetchSize).toBe(4294967295);
    expect(method('basic.ack delivery_tag=9007199254740991').fields.deliveryTag).toBe(9007199254740991);
    expect(method('basic.publish priority=255').properties.priority).toBe(255);
  });

  it.each([
    ['queue.declare durable=maybe', 'durable= expects a boolean (true/false, 1/0, yes/no), got "maybe"'],
    ['queue.declare durable=', 'durable= expects a boolean (true/false, 1/0, yes/no), got ""'],
    ['basic.qos prefetch_count=65536', 'prefetch_count= expects an integer 0–65535, got "65536"'],
    ['basic.qos prefetch_count=-1', 'prefetch_count= expects an integer 0–65535, got "-1"'],
    ['basic.qos prefetch_count=1.5', 'prefetch_count= expects an integer 0–65535, got "1.5"'],
    ['basic.qos prefetch_count=ten', 'prefetch_count= expects an integer 0–65535, got "ten"'],
    ['basic.qos prefetch_size=4294967296', 'prefetch_size= expects an integer 0–4294967295, got "4294967296"'],
    ['basic.publish delivery_mode=256', 'delivery_mode= expects an integer 0–255, got "256"'],
    [
      'basic.ack delivery_tag=9007199254740992',
      'delivery_tag= expects an integer 0–9007199254740991, got "9007199254740992"',
    ],
    ['basic.publish timestamp=now', 'timestamp= expects an integer (seconds since 1970), got "now"'],
  ])('refuses a bad value: %s', (line, message) => {
    expect(error(line)).toBe(message);
  });

  it('refuses a shortstr longer than 255 bytes, counting UTF-8 bytes', () => {
    expect(method(`queue.declare queue=${'a'.repeat(255)}`).fields.queue).toHaveLength(255);
    expect(error(`queue.declare queue=${'é'.repeat(128)}`)).toBe(
      'queue= is 256 bytes long; it holds at most 255 (shortstr)',
    );
  });

  it('reads JSON tables, and an empty value as an empty table', () => {
    expect(
      method('queue.declare arguments={"x-max-length":10,"x-dead-letter-exchange":"dlx"}').fields.arguments,
    ).toEqual({
      'x-max-length': 10,
      'x-dead-letter-exchange': 'dlx',
    });
    expect(method('queue.declare arguments=\'{"x-message-ttl": 60000}\'').fields.arguments).toEqual({
      'x-message-ttl': 60000,
    });
    expect(method('queue.declare arguments=').fields.arguments).toEqual({});
    expect(method('basic.publish headers={"n":[1,true,null]}').properties.headers).toEqual({ n: [1, true, null] });
  });

  it('refuses a table that is not a JSON object', () => {
    expect(error('queue.declare arguments=[1]')).toBe(
      'arguments= expects a JSON object, e.g. {"x-max-length":10}, got "[1]"',
    );
    expect(error('queue.declare arguments=null')).toBe(
      'arguments= expects a JSON object, e.g. {"x-max-length":10}, got "null"',
    );
    expect(error('queue.declare arguments=\'{"a":}\'')).toMatch(
      /^arguments= expects a JSON object, e.g. \{"x-max-length":10\}: /,
    );
  });

  it('takes basic.publish properties and the body as bytes', () => {
    const parsed = method(
      'basic.publish exchange= routing_key=hello body="Hello World!" delivery_mode=2 content_type=text/plain',
    );
    expect(parsed.fields).toEqual({ ticket: 0, exchange: '', routingKey: 'hello', mandatory: false, immediate: false });
    expect(parsed.properties).toEqual({ deliveryMode: 2, contentType: 'text/plain' });
    expect(parsed.body).toEqual(Buffer.from('Hello World!'));
    expect(method('basic.publish body="\\x00\\xff"').body).toEqual(Buffer.from([0, 255]));
    expect(method('basic.publish').body).toEqual(Buffer.alloc(0));
  });

  it('takes properties and body only on basic.publish', () => {
    expect(error('basic.get queue=q body=x')).toBe('basic.get has no field "body"; it takes queue= no_ack=');
    expect(error('basic.get delivery_mode=2')).toBe('basic.get has no field "delivery_mode"; it takes queue= no_ack=');
  });

  it('never lets no_wait be true, and says why', () => {
    expect(method('queue.declare no_wait=false').fields.nowait).toBe(false);
    expect(error('queue.declare queue=q no_wait=true')).toMatch(
      /^no_wait=true cannot be used here: it tells the broker to send no reply/,
    );
    expect(error('basic.consume queue=q no_wait=1')).toMatch(/^no_wait=true cannot be used here/);
  });

  it('asks for required fields, naming their type', () => {
    expect(error('exchange.declare type=fanout')).toBe(
      'exchange.declare needs exchange= (a string of at most 255 bytes)',
    );
    expect(error('basic.reject')).toBe('basic.reject needs delivery_tag= (an integer 0–9007199254740991)');
    expect(method('exchange.declare exchange=').fields.exchange).toBe('');
  });

  it('lists the valid fields for an unknown one', () => {
    expect(error('queue.declare queue=q name=x')).toBe(
      'queue.declare has no field "name"; it takes queue= passive= durable= exclusive= auto_delete= no_wait= arguments=',
    );
    expect(error('tx.select a=1')).toBe('tx.select has no field "a"; it takes (none)');
    expect(error('basic.publish colour=red')).toMatch(
      /^basic\.publish has no field "colour"; it takes exchange= routing_key= mandatory= immediate= content_type= .* app_id= body=$/,
    );
  });

  it('refuses a field given twice, a word without =, and a line that starts with a field', () => {
    expect(error('queue.declare queue=a queue=b')).toBe('queue= is given twice');
    expect(error('queue.declare hello')).toBe(
      'expected field=value, got "hello"; queue.declare takes queue= passive= durable= exclusive= auto_delete= no_wait= arguments=',
    );
    expect(error('queue=hello')).toBe('start with a method name, e.g. queue.declare queue=hello');
  });

  it('explains unknown methods', () => {
    expect(error('Queue.Declare')).toBe(
      'unknown method "Queue.Declare": method names are lower-case, as in queue.declare',
    );
    expect(error('queue.declare-ok')).toBe('queue.declare-ok is sent by the broker, not by a client');
    expect(error('basic.deliver')).toBe('basic.deliver is sent by the broker, not by a client');
    expect(error('connection.close')).toBe(
      "connection.close is the shell's job: it keeps one connection and one channel open for you",
    );
    expect(error('channel.flow active=false')).toBe(
      "channel.flow is the shell's job: it keeps one connection and one channel open for you",
    );
    expect(error('queue.declar')).toBe(
      'unknown method "queue.declar"; queue has: queue.declare queue.bind queue.purge queue.delete queue.unbind',
    );
    expect(error('GET key')).toBe(
      'unknown method "GET"; type help to list them (classes: exchange, queue, basic, confirm, tx)',
    );
  });

  it('shows binary junk in a method name escaped, never raw', () => {
    const message = error('\x1b[31mred\x00');
    expect(message).toBe(
      'unknown method "\\x1b[31mred\\0"; type help to list them (classes: exchange, queue, basic, confirm, tx)',
    );
    expect(message).not.toMatch(/[\x00-\x1f]/);
  });
});
