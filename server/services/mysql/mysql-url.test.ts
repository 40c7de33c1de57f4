import { describe, expect, test } from 'vitest';
import { formatMysqlUrl, parseMysqlUrl } from './mysql-url.ts';

describe('parseMysqlUrl', () => {
  test('reads user, password, host, port and database', () => {
    expect(parseMysqlUrl('mysql://learner:s3cret@127.0.0.1:40123/playground')).toEqual({
      host: '127.0.0.1',
      port: 40123,
      user: 'learner',
      password: 's3cret',
      database: 'playground',
      address: '127.0.0.1:40123',
    });
  });

  test('the database and the port are optional', () => {
    const t = parseMysqlUrl(' mysql://root@db.example ');
    expect(t).toMatchObject({ host: 'db.example', port: 3306, user: 'root', password: '', database: null });
    expect(parseMysqlUrl('mysql://u:p@h:1/').database).toBeNull();
  });

  test('percent-escapes are decoded', () => {
    const t = parseMysqlUrl('mysql://us%40er:p%3Aw%2Fd%25@h:3307/my%20db');
    expect(t).toMatchObject({ user: 'us@er', password: 'p:w/d%', database: 'my db' });
  });

  test('IPv6 hosts keep their brackets in the address only', () => {
    const t = parseMysqlUrl('mysql://u:p@[::1]:3306/x');
    expect(t.host).toBe('::1');
    expect(t.address).toBe('[::1]:3306');
  });

  test.each([
    ['', /not a URL/],
    ['127.0.0.1:3306', /not a URL/],
    ['postgres://u:p@h:1/db', /scheme must be mysql/],
    ['redis://u:p@h:1', /scheme must be mysql/],
    ['mysql://h:3306/db', /no user name/],
    ['mysql://u:p@h:99999/db', /not a URL|bad port/],
    ['mysql://u:p@h:1/a/b', /one database name/],
    ['mysql://u:%zz@h:1/db', /malformed %-escape/],
  ])('refuses %j with a clear message', (value, message) => {
    expect(() => parseMysqlUrl(value)).toThrow(message);
    expect(() => parseMysqlUrl(value)).toThrow(/MYSQL_URL/);
  });

  test('formatMysqlUrl round-trips awkward characters', () => {
    const target = { host: '127.0.0.1', port: 4000, user: 'a@b', password: 'p/w:%?#', database: 'play ground' };
    expect(parseMysqlUrl(formatMysqlUrl(target))).toMatchObject(target);
  });
});
