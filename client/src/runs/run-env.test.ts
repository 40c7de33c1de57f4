import { describe, expect, test } from 'vitest';
import { ENV_STORAGE_KEY, RunEnvironment, envEntries, exportLines, parseStoredEnv, shellQuote } from './run-env.ts';

/** As a `started` message brings it: in the server's order of its services. */
const env = {
  MEMCACHED_SERVERS: '127.0.0.1:11211',
  REDIS_URL: 'redis://127.0.0.1:6379',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672/%2F',
  MYSQL_URL: "mysql://learner:it's@127.0.0.1:3306/playground",
  SQLALCHEMY_URL: 'mysql+pymysql://learner:p@ss@127.0.0.1:3306/playground',
};

describe('run environment', () => {
  test('lists the variables in the order the server gave them, kept through storage', () => {
    const stored = parseStoredEnv(JSON.stringify({ env: { ...env, EXTRA: 'x' }, at: 1 }))!;
    expect(envEntries(stored.env).map(([k]) => k)).toEqual([
      'MEMCACHED_SERVERS',
      'REDIS_URL',
      'AMQP_URL',
      'MYSQL_URL',
      'SQLALCHEMY_URL',
      'EXTRA',
    ]);
  });

  test('export lines a shell reads back unchanged', () => {
    expect(shellQuote('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(exportLines({ REDIS_URL: 'redis://127.0.0.1:6379', MYSQL_URL: 'mysql://u:a b@h/db' })).toBe(
      "export REDIS_URL=redis://127.0.0.1:6379\nexport MYSQL_URL='mysql://u:a b@h/db'",
    );
  });

  test('remembers the last values for the next visit', () => {
    const items = new Map<string, string>();
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
    };
    const first = new RunEnvironment(storage, () => 1000);
    expect(first.getSnapshot()).toEqual({ env: null, at: null, current: false });
    first.report(env);
    expect(first.getSnapshot()).toEqual({ env, at: 1000, current: true });
    const next = new RunEnvironment(storage);
    expect(next.getSnapshot()).toEqual({ env, at: 1000, current: false });
    expect(parseStoredEnv(items.get(ENV_STORAGE_KEY)!)).toEqual({ env, at: 1000 });
    expect(parseStoredEnv('{"env":{"bad name":"x","OK":1},"at":5}')).toBeNull();
    expect(parseStoredEnv('nope')).toBeNull();
  });
});
