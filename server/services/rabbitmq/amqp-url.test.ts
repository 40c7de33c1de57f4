import { describe, expect, it } from 'vitest';
import { connectOptions, parseAmqpTarget, parseAmqpUrl, vhostOf } from './amqp-url.ts';

describe('AMQP_URL', () => {
  it('reads user, password, host, port and vhost', () => {
    expect(parseAmqpUrl('amqp://guest:guest@127.0.0.1:5672')).toEqual({
      url: 'amqp://guest:guest@127.0.0.1:5672',
      address: '127.0.0.1:5672',
    });
    expect(parseAmqpTarget('amqp://u%40x:p%3Aw@rabbit.local:5673/lessons')).toEqual({
      hostname: 'rabbit.local',
      port: 5673,
      username: 'u@x',
      password: 'p:w',
      vhostPath: 'lessons',
    });
  });

  it("defaults the port to 5672 and the credentials to amqplib's guest", () => {
    expect(parseAmqpUrl(' amqp://localhost ')).toEqual({ url: 'amqp://localhost', address: 'localhost:5672' });
    expect(parseAmqpTarget('amqp://localhost')).not.toHaveProperty('username');
  });

  it('reads the vhost as RabbitMQ does: no path, "/" and "/%2F" are all "/"', () => {
    expect(vhostOf(parseAmqpTarget('amqp://h:1'))).toBe('/');
    expect(vhostOf(parseAmqpTarget('amqp://h:1/'))).toBe('/');
    expect(vhostOf(parseAmqpTarget('amqp://h:1/%2F'))).toBe('/');
    expect(vhostOf(parseAmqpTarget('amqp://h:1/dev%2Fa'))).toBe('dev/a');
  });

  it('keeps IPv6 addresses bracketed in the address', () => {
    expect(parseAmqpUrl('amqp://[::1]:5672').address).toBe('[::1]:5672');
    expect(parseAmqpTarget('amqp://[::1]:5672').hostname).toBe('::1');
  });

  it.each([
    ['', /expected amqp:\/\/user:pass@host:port\[\/vhost\], got ""/],
    ['localhost:5672', /expected amqp:\/\/user:pass@host:port/],
    ['amqps://h:5671', /plain amqp:\/\//],
    ['http://h:80', /plain amqp:\/\//],
    ['amqp://:5672', /expected amqp:\/\/|the host is missing/],
    ['amqp://h:99999', /expected amqp:\/\/|out of range/],
    ['amqp://h:1/a/b', /one path segment; write a "\/" inside it as %2F/],
    ['amqp://h:1/%E0%A4%A', /bad %-escape/],
  ])('refuses %j with a clear message', (value, message) => {
    expect(() => parseAmqpUrl(value)).toThrow(message);
    expect(() => parseAmqpUrl(value)).toThrow(/^AMQP_URL: /);
  });

  it('gives amqplib the decoded credentials, the still-encoded vhost, and no heartbeat', () => {
    expect(connectOptions({ url: 'amqp://a%20b:c@h:7/%2F', address: 'h:7' })).toEqual({
      protocol: 'amqp',
      hostname: 'h',
      port: 7,
      username: 'a b',
      password: 'c',
      vhost: '%2F',
      heartbeat: 0,
    });
  });
});
