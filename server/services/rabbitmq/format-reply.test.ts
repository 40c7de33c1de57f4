import { describe, expect, it } from 'vitest';
import {
  BODY_PREVIEW_BYTES,
  escapeBytes,
  formatBody,
  formatCloseReason,
  formatDelivery,
  formatMethod,
  formatString,
  formatTable,
} from './format-reply.ts';
import { tokenize } from './parse-line.ts';

describe('formatMethod', () => {
  it('shows a reply with its fields in snake_case', () => {
    expect(formatMethod('queue.declare-ok', { queue: 'hello', messageCount: 0, consumerCount: 2 })).toBe(
      'queue.declare-ok queue=hello message_count=0 consumer_count=2',
    );
    expect(formatMethod('exchange.declare-ok', {})).toBe('exchange.declare-ok');
    expect(formatMethod('basic.get-empty', { clusterId: '' })).toBe('basic.get-empty');
    expect(formatMethod('basic.ack', { deliveryTag: 3, multiple: true })).toBe(
      'basic.ack delivery_tag=3 multiple=true',
    );
  });

  it('quotes strings that would not read back bare, and leaves empty ones empty', () => {
    expect(formatMethod('queue.declare-ok', { queue: 'a b', messageCount: 0, consumerCount: 0 })).toBe(
      'queue.declare-ok queue="a b" message_count=0 consumer_count=0',
    );
    expect(formatString('')).toBe('');
    expect(formatString('amq.gen-JzTY20BRgKO-HjmUJj0wLg')).toBe('amq.gen-JzTY20BRgKO-HjmUJj0wLg');
    expect(formatString('café')).toBe('café');
    expect(formatString('{x')).toBe('"{x"');
    expect(formatString('it\'s "q"')).toBe('"it\'s \\"q\\""');
    expect(formatString('a\\b')).toBe('"a\\\\b"');
    expect(formatString('\x1b[2J')).toBe('"\\x1b[2J"');
  });
});

describe('bodies', () => {
  it('are quoted text with escapes', () => {
    expect(formatBody(Buffer.from('Hello World!'))).toBe('body="Hello World!"');
    expect(formatBody(Buffer.from('a"b\\c\nd\te\r\0'))).toBe('body="a\\"b\\\\c\\nd\\te\\r\\0"');
    expect(formatBody(Buffer.alloc(0))).toBe('body=""');
  });

  it('show non-UTF-8 bytes as \\xHH and valid UTF-8 as text', () => {
    expect(escapeBytes(Buffer.from([0xff, 0x00, 0xc3, 0xa9, 0x1b, 0x80, 0xe2, 0x82]))).toBe(
      '\\xff\\0é\\x1b\\x80\\xe2\\x82',
    );
    // Overlong encodings and encoded surrogates are not valid UTF-8.
    expect(escapeBytes(Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]))).toBe('\\xc0\\xaf\\xed\\xa0\\x80');
    expect(escapeBytes(Buffer.from('😀', 'utf8'))).toBe('😀');
  });

  it('show invisible Unicode as \\u escapes, never raw', () => {
    expect(escapeBytes(Buffer.from('\u0085\u2028\u200b\u{e0001}', 'utf8'))).toBe('\\u0085\\u2028\\u200b\\u{e0001}');
  });

  it('read back through the line parser as the same bytes', () => {
    const bytes = Buffer.from([
      0, 1, 0x1b, 0x22, 0x5c, 0x7f, 0x80, 0xff, 0xc3, 0xa9, 0x20, 0xc2, 0x85, 0xf0, 0x9f, 0x98, 0x80,
    ]);
    const [word] = tokenize(formatBody(bytes));
    expect(word.key).toBe('body');
    expect(word.value!.bytes).toEqual(bytes);
  });

  it('are cut after BODY_PREVIEW_BYTES, with the full length noted', () => {
    const long = Buffer.alloc(BODY_PREVIEW_BYTES + 500, 'x');
    expect(formatBody(long)).toBe(
      `body="${'x'.repeat(BODY_PREVIEW_BYTES)}"… (${BODY_PREVIEW_BYTES + 500} bytes, first ${BODY_PREVIEW_BYTES} shown)`,
    );
    expect(formatBody(Buffer.alloc(BODY_PREVIEW_BYTES, 'y'))).toBe(`body="${'y'.repeat(BODY_PREVIEW_BYTES)}"`);
  });
});

describe('formatDelivery', () => {
  it('prints the method line, then the properties that are set and the body', () => {
    const text = formatDelivery(
      'basic.get-ok',
      { deliveryTag: 1, redelivered: false, exchange: '', routingKey: 'hello', messageCount: 0 },
      { contentType: 'text/plain', deliveryMode: 2, headers: { a: 1 }, priority: undefined, timestamp: 1700000000 },
      Buffer.from('Hello World!'),
    );
    expect(text).toBe(
      'basic.get-ok delivery_tag=1 redelivered=false exchange= routing_key=hello message_count=0\r\n' +
        '  content_type=text/plain headers={"a":1} delivery_mode=2 timestamp=1700000000 body="Hello World!"\r\n',
    );
  });

  it('reads back as basic.publish input: properties and body survive', () => {
    const properties = { correlationId: 'id 7', headers: { 'x-list': ['a b', 2] }, replyTo: 'amq.rabbitmq.reply-to' };
    const line = formatDelivery('basic.deliver', {}, properties, Buffer.from('x'));
    const words = tokenize(line.split('\r\n')[1]);
    expect(words.map((w) => [w.key, w.value?.text])).toEqual([
      ['headers', '{"x-list":["a b",2]}'],
      ['correlation_id', 'id 7'],
      ['reply_to', 'amq.rabbitmq.reply-to'],
      ['body', 'x'],
    ]);
  });
});

describe('formatTable', () => {
  it('makes amqplib table values plain JSON', () => {
    expect(
      formatTable({
        s: 'x',
        n: 1.5,
        b: true,
        v: null,
        l: [1, 'a'],
        t: { '!': 'timestamp', value: 1700000000 },
        d: { '!': 'decimal', value: { places: 2, digits: 1234 } },
        x: Buffer.from('bytes'),
        f: { nested: 1 },
      }),
    ).toBe('{"s":"x","n":1.5,"b":true,"v":null,"l":[1,"a"],"t":1700000000,"d":12.34,"x":"bytes","f":{"nested":1}}');
  });

  it('keeps the line one line and free of control characters', () => {
    const text = formatTable({ k: 'a\nb\x1b\x7f\u2028' });
    expect(text).toBe('{"k":"a\\nb\\u001b\\u007f\\u2028"}');
    expect(JSON.parse(text)).toEqual({ k: 'a\nb\x1b\x7f\u2028' });
  });
});

describe('close reasons', () => {
  it('show the code and the text as RabbitMQ gives them', () => {
    const err = new Error(
      `Operation failed: QueueDeclare; 404 (NOT-FOUND) with message "NOT_FOUND - no queue 'x' in vhost '/'"`,
    );
    expect(formatCloseReason(err)).toBe("404 NOT_FOUND - no queue 'x' in vhost '/'");
    const conn = new Error(
      `Connection closed: 503 (COMMAND-INVALID) with message "COMMAND_INVALID - unknown exchange type 'bogus'"`,
    );
    expect(formatCloseReason(conn)).toBe("503 COMMAND_INVALID - unknown exchange type 'bogus'");
  });

  it('keep quotes inside the text, and fall back to the message', () => {
    const err = new Error(
      `Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - invalid arg: "expected integer""`,
    );
    expect(formatCloseReason(err)).toBe('406 PRECONDITION_FAILED - invalid arg: "expected integer"');
    expect(formatCloseReason(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(formatCloseReason(new Error('bad\x1b[2Jthing\n'))).toBe('bad\\x1b[2Jthing\\n');
  });
});
