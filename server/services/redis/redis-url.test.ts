import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from './redis-url.ts';

describe('parseRedisUrl', () => {
  it('reads host and port', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toEqual({
      host: '127.0.0.1',
      port: 6379,
      address: '127.0.0.1:6379',
      db: 0,
    });
  });

  it('reads a database number and tolerates a trailing slash', () => {
    expect(parseRedisUrl('redis://localhost:7000/3').db).toBe(3);
    expect(parseRedisUrl('redis://localhost:7000/').db).toBe(0);
  });

  it('reads user and password, percent-decoded', () => {
    const t = parseRedisUrl('redis://alice:p%40ss@h:1/2');
    expect([t.user, t.password, t.host, t.port, t.db]).toEqual(['alice', 'p@ss', 'h', 1, 2]);
  });

  it('reads a lone userinfo or ":secret" as a password, as redis-cli -u does', () => {
    expect(parseRedisUrl('redis://secret@h:1')).toMatchObject({ password: 'secret' });
    expect(parseRedisUrl('redis://secret@h:1').user).toBeUndefined();
    expect(parseRedisUrl('redis://:secret@h:1')).toMatchObject({ password: 'secret' });
    expect(parseRedisUrl('redis://:secret@h:1').user).toBeUndefined();
  });

  it('brackets IPv6 hosts in the address', () => {
    expect(parseRedisUrl('redis://[::1]:6380')).toMatchObject({ host: '::1', address: '[::1]:6380' });
  });

  it.each([
    ['no scheme', '127.0.0.1:6379'],
    ['another scheme', 'http://127.0.0.1:6379'],
    ['no port', 'redis://127.0.0.1'],
    ['a port out of range', 'redis://127.0.0.1:70000'],
    ['port 0', 'redis://127.0.0.1:0'],
    ['a database that is not a number', 'redis://127.0.0.1:6379/x'],
    ['a query string', 'redis://127.0.0.1:6379?db=1'],
    ['bad percent-encoding', 'redis://a:%zz@h:1'],
    ['TLS', 'rediss://127.0.0.1:6379'],
    ['nothing', ''],
  ])('throws a clear error on %s', (_what, url) => {
    expect(() => parseRedisUrl(url)).toThrow(/REDIS_URL/);
  });
});
