import { describe, expect, test } from 'vitest';
import type { ManagedContext } from '../managed-types.ts';
import { mysql } from './index.ts';
import { initStatements, learnerPassword, nativePasswordHash, rootPassword, socketPath } from './managed.ts';
import { parseMysqlUrl } from './mysql-url.ts';

const ctx = (dir = '/srv/app/.playground/mysql', isRoot = true): ManagedContext => ({
  dir,
  ports: [40123],
  secret: 'abc123',
  isRoot,
});

describe('managed MariaDB', () => {
  test('--no-defaults comes first; loopback only; its own socket and port', () => {
    const { command, args } = mysql.managed.spawn(ctx());
    expect(command).toBe('/usr/sbin/mariadbd');
    expect(args[0]).toBe('--no-defaults');
    expect(args).toContain('--port=40123');
    expect(args).toContain('--bind-address=127.0.0.1');
    expect(args).toContain('--socket=/srv/app/.playground/mysql/mysqld.sock');
    expect(args).toContain('--datadir=/srv/app/.playground/mysql/data');
    expect(args).toContain('--init-file=/srv/app/.playground/mysql/init.sql');
    expect(args).toContain('--user=root');
    expect(mysql.managed.spawn(ctx(undefined, false)).args).not.toContain('--user=root');
  });

  test('a socket path too long to bind moves to the temp directory', () => {
    const long = ctx('/tmp/' + 'x'.repeat(120));
    expect(Buffer.byteLength(socketPath(long))).toBeLessThanOrEqual(107);
    expect(socketPath(long)).toBe(socketPath(long));
  });

  test('the endpoint logs in as learner with the password derived from the secret', () => {
    const target = parseMysqlUrl(mysql.managed.endpoint(ctx()).url);
    expect(target).toMatchObject({ host: '127.0.0.1', port: 40123, user: 'learner', database: 'playground' });
    expect(target.password).toBe(learnerPassword('abc123'));
    expect(mysql.managed.endpoint(ctx()).address).toBe('127.0.0.1:40123');
  });

  test('passwords are stable per secret, differ per role and per secret', () => {
    expect(learnerPassword('abc123')).toBe(learnerPassword('abc123'));
    expect(learnerPassword('abc123')).not.toBe(rootPassword('abc123'));
    expect(learnerPassword('abc123')).not.toBe(learnerPassword('abc124'));
    expect(learnerPassword('abc123')).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  test('the stored hash is what PASSWORD() gives', () => {
    // The example of the MySQL manual: PASSWORD('mypass').
    expect(nativePasswordHash('mypass')).toBe('*6C8989366EAF75BB670AD8EA7A7FC1176A95CEF4');
  });

  test('the init file holds hashes, not passwords, and removes the accounts install-db leaves open', () => {
    const sql = initStatements('abc123').join('\n');
    expect(sql).not.toContain(learnerPassword('abc123'));
    expect(sql).not.toContain(rootPassword('abc123'));
    expect(sql).toContain(nativePasswordHash(learnerPassword('abc123')));
    expect(sql).toMatch(/DELETE FROM mysql\.global_priv WHERE User = '' OR \(User = 'root' AND Host <> 'localhost'\)/);
    expect(sql).toContain("GRANT ALL ON `playground\\_%`.* TO 'learner'@'%';");
    // One statement per line: that is how the server reads an init file.
    for (const line of initStatements('abc123')) expect(line).toMatch(/^[^\n]+;$/);
  });
});
