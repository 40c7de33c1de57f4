import { describe, expect, it } from 'vitest';
import { COMMAND_INFOS, helpText } from './help-text.ts';
import { CLIENT_METHODS, MESSAGE_PROPERTIES, anyMethod, clientMethod, methodName, snakeCase } from './method-table.ts';
import { LineError } from './parse-line.ts';

const names = (fields: Array<{ name: string }>) => fields.map((f) => f.name);

describe('method names and field names', () => {
  it('writes amqplib names as the spec does', () => {
    expect(methodName('QueueDeclare')).toEqual({ className: 'queue', name: 'queue.declare' });
    expect(methodName('BasicGetOk')).toEqual({ className: 'basic', name: 'basic.get-ok' });
    expect(methodName('BasicRecoverAsync')).toEqual({ className: 'basic', name: 'basic.recover-async' });
    expect(methodName('ConfirmSelect')).toEqual({ className: 'confirm', name: 'confirm.select' });
  });

  it('turns camelCase into snake_case, and nowait into no_wait', () => {
    expect(snakeCase('autoDelete')).toBe('auto_delete');
    expect(snakeCase('routingKey')).toBe('routing_key');
    expect(snakeCase('prefetchCount')).toBe('prefetch_count');
    expect(snakeCase('nowait')).toBe('no_wait');
    expect(snakeCase('queue')).toBe('queue');
  });
});

describe('the client methods', () => {
  it('are every method a client sends in exchange, queue, basic, confirm and tx, in spec order', () => {
    expect(CLIENT_METHODS.map((m) => m.name)).toEqual([
      'exchange.declare',
      'exchange.delete',
      'exchange.bind',
      'exchange.unbind',
      'queue.declare',
      'queue.bind',
      'queue.purge',
      'queue.delete',
      'queue.unbind',
      'basic.qos',
      'basic.consume',
      'basic.cancel',
      'basic.publish',
      'basic.get',
      'basic.ack',
      'basic.reject',
      'basic.recover-async',
      'basic.recover',
      'basic.nack',
      'confirm.select',
      'tx.select',
      'tx.commit',
      'tx.rollback',
    ]);
  });

  it('have their fields in snake_case, in wire order, without the reserved ticket', () => {
    expect(names(clientMethod('queue.declare')!.fields)).toEqual([
      'queue',
      'passive',
      'durable',
      'exclusive',
      'auto_delete',
      'no_wait',
      'arguments',
    ]);
    expect(clientMethod('queue.declare')!.reserved.map((f) => f.key)).toEqual(['ticket']);
    expect(names(clientMethod('basic.consume')!.fields)).toEqual([
      'queue',
      'consumer_tag',
      'no_local',
      'no_ack',
      'exclusive',
      'no_wait',
      'arguments',
    ]);
    expect(names(clientMethod('basic.qos')!.fields)).toEqual(['prefetch_size', 'prefetch_count', 'global']);
    expect(names(clientMethod('exchange.bind')!.fields)).toEqual([
      'destination',
      'source',
      'routing_key',
      'no_wait',
      'arguments',
    ]);
  });

  it('carry the spec defaults and mark fields without one as required', () => {
    const declare = clientMethod('exchange.declare')!;
    expect(declare.fields.find((f) => f.name === 'exchange')).toMatchObject({ required: true, type: 'shortstr' });
    expect(declare.fields.find((f) => f.name === 'type')).toMatchObject({ required: false, default: 'direct' });
    expect(clientMethod('queue.declare')!.fields.find((f) => f.name === 'arguments')).toMatchObject({
      type: 'table',
      default: {},
    });
    expect(clientMethod('basic.nack')!.fields.find((f) => f.name === 'requeue')).toMatchObject({
      type: 'bit',
      default: true,
    });
    expect(clientMethod('basic.ack')!.fields.find((f) => f.name === 'delivery_tag')).toMatchObject({
      type: 'longlong',
      default: 0,
    });
    expect(clientMethod('basic.cancel')!.fields.find((f) => f.name === 'consumer_tag')).toMatchObject({
      required: true,
    });
  });

  it('know their replies', () => {
    expect(clientMethod('queue.declare')!.replies).toEqual(['queue.declare-ok']);
    expect(clientMethod('exchange.unbind')!.replies).toEqual(['exchange.unbind-ok']);
    expect(clientMethod('exchange.unbind')!.replyId).toBe(anyMethod('exchange.unbind-ok')!.id);
    expect(clientMethod('basic.get')!.replies).toEqual(['basic.get-ok', 'basic.get-empty']);
    expect(clientMethod('basic.get')!.replyId).toBeUndefined();
    expect(clientMethod('basic.publish')!.replies).toEqual([]);
    expect(clientMethod('basic.ack')!.replies).toEqual([]);
  });

  it('leave out what only the broker sends, and what the shell owns', () => {
    for (const name of [
      'basic.deliver',
      'basic.return',
      'basic.get-ok',
      'queue.declare-ok',
      'connection.open',
      'channel.close',
      'access.request',
    ]) {
      expect(clientMethod(name), name).toBeUndefined();
      expect(anyMethod(name), name).toBeDefined();
    }
  });

  it('know the reply fields, snake_case', () => {
    expect(names(anyMethod('queue.declare-ok')!.fields)).toEqual(['queue', 'message_count', 'consumer_count']);
    expect(names(anyMethod('basic.get-ok')!.fields)).toEqual([
      'delivery_tag',
      'redelivered',
      'exchange',
      'routing_key',
      'message_count',
    ]);
    expect(names(anyMethod('basic.get-empty')!.fields)).toEqual([]);
    expect(names(anyMethod('basic.return')!.fields)).toEqual(['reply_code', 'reply_text', 'exchange', 'routing_key']);
  });

  it('list the message properties without the reserved cluster_id', () => {
    expect(names(MESSAGE_PROPERTIES)).toEqual([
      'content_type',
      'content_encoding',
      'headers',
      'delivery_mode',
      'priority',
      'correlation_id',
      'reply_to',
      'expiration',
      'message_id',
      'timestamp',
      'type',
      'user_id',
      'app_id',
    ]);
  });
});

describe('completion hints and help', () => {
  it('offer every client method with its fields, and help', () => {
    expect(COMMAND_INFOS.map((c) => c.name)).toEqual([...CLIENT_METHODS.map((m) => m.name), 'help']);
    expect(COMMAND_INFOS.find((c) => c.name === 'queue.declare')).toEqual({
      name: 'queue.declare',
      syntax: 'queue= passive= durable= exclusive= auto_delete= no_wait= arguments=',
      summary: '→ queue.declare-ok',
    });
    const publish = COMMAND_INFOS.find((c) => c.name === 'basic.publish')!;
    expect(publish.syntax).toBe(
      'exchange= routing_key= mandatory= immediate= content_type= content_encoding= headers= delivery_mode= priority= ' +
        'correlation_id= reply_to= expiration= message_id= timestamp= type= user_id= app_id= body=',
    );
    expect(publish.summary).toBe('no reply');
    expect(COMMAND_INFOS.find((c) => c.name === 'tx.select')!.syntax).toBe('');
  });

  it('list every method in help, and show one with types and defaults', () => {
    const all = helpText(null);
    for (const m of CLIENT_METHODS) expect(all).toContain(m.name);
    expect(all).toMatch(/^queue\.declare +queue= passive= durable= exclusive= auto_delete= no_wait= arguments=\r$/m);
    expect(all.endsWith('\r\n')).toBe(true);
    const one = helpText('queue.declare');
    expect(one).toMatch(/^queue\.declare {2}→ queue\.declare-ok\r\n/);
    expect(one).toMatch(/^ {2}auto_delete +bit +default false +a boolean/m);
    expect(one).toMatch(/^ {2}arguments +table +default \{\} +a JSON object/m);
    expect(one).toMatch(/^ {2}queue +shortstr +default "" +a string of at most 255 bytes/m);
    expect(one).toMatch(/no_wait .*must stay false here/);
    expect(helpText('exchange.declare')).toMatch(/^ {2}exchange +shortstr +required/m);
    expect(helpText('basic.publish')).toMatch(/^ {2}delivery_mode +octet +unset +an integer 0–255/m);
    expect(helpText('basic.publish')).toMatch(/^ {2}body +bytes/m);
    expect(helpText('queue')).not.toContain('basic.get');
    expect(helpText('queue')).toContain('queue.purge');
    expect(() => helpText('nope')).toThrow(LineError);
  });
});
