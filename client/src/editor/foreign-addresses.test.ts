import { describe, expect, test } from 'vitest';
import type { ServiceInfo } from '../../../shared/protocol.ts';
import { findForeignAddresses, type AddressFix } from './foreign-addresses.ts';

const SERVICES: ServiceInfo[] = [
  {
    name: 'memcached',
    title: 'memcached',
    promptsBeforeReply: true,
    conventionalPort: 11211,
    variable: 'MEMCACHED_SERVERS',
    inspect: true,
  },
  {
    name: 'redis',
    title: 'Redis',
    promptsBeforeReply: false,
    conventionalPort: 6379,
    variable: 'REDIS_URL',
    inspect: true,
  },
  {
    name: 'rabbitmq',
    title: 'RabbitMQ',
    promptsBeforeReply: false,
    conventionalPort: 5672,
    variable: 'AMQP_URL',
    inspect: true,
  },
  {
    name: 'mysql',
    title: 'MySQL',
    promptsBeforeReply: false,
    conventionalPort: 3306,
    variable: 'MYSQL_URL',
    inspect: true,
  },
];

function apply(code: string, fix: AddressFix): string {
  return (fix.prepend ?? '') + code.slice(0, fix.start) + fix.text + code.slice(fix.end);
}

describe('findForeignAddresses', () => {
  test("a blog's host:port for memcached: the fix puts the learner's memcached there", () => {
    const code = "import memcache\nmc = memcache.Client(['10.211.55.4:12000'], debug=True)\n";
    const [found, ...rest] = findForeignAddresses(code, 'python', SERVICES);
    expect(rest).toEqual([]);
    expect(code.slice(found.start, found.end)).toBe('10.211.55.4:12000');
    expect(found.message).toContain('is not one of your services');
    expect(found.fixes[0].title).toBe('Use localhost:11211 (your memcached)');
    expect(apply(code, found.fixes[0])).toContain("memcache.Client(['localhost:11211']");
  });

  test('a host alone: localhost first; the conventional port decides the service', () => {
    const code = "r = redis.Redis(host='192.168.1.1', port=6379)";
    const [found] = findForeignAddresses(code, 'python', SERVICES);
    expect(apply(code, found.fixes[0])).toBe("r = redis.Redis(host='localhost', port=6379)");
    expect(found.fixes).toHaveLength(1);
    const [withPort] = findForeignAddresses("Redis('192.168.1.1:6379')", 'python', SERVICES);
    expect(withPort.message).toBe(
      '192.168.1.1:6379 is not your Redis: inside a run, your own Redis answers on localhost:6379',
    );
  });

  test("a URL: the host is marked, and a fix puts the learner's variable in place of the whole URL", () => {
    const code =
      "from sqlalchemy import create_engine\nengine = create_engine('mysql+mysqldb://root:123@192.168.1.1/test')\n";
    const [found] = findForeignAddresses(code, 'python', SERVICES);
    expect(code.slice(found.start, found.end)).toBe('192.168.1.1');
    const variable = found.fixes.find((f) => f.text.startsWith('os.environ'))!;
    expect(variable.title).toBe('Use os.environ["MYSQL_URL"] (your MySQL\'s address)');
    expect(apply(code, variable)).toBe(
      'import os\nfrom sqlalchemy import create_engine\nengine = create_engine(os.environ["MYSQL_URL"])\n',
    );
  });

  test('JavaScript reads process.env, and needs no import', () => {
    const code = "const r = createClient({ url: 'redis://cache.example.com:6379' });";
    const [found] = findForeignAddresses(code, 'javascript', SERVICES);
    expect(code.slice(found.start, found.end)).toBe('cache.example.com:6379');
    const variable = found.fixes.find((f) => f.text.startsWith('process.env'))!;
    expect(apply(code, variable)).toBe('const r = createClient({ url: process.env.REDIS_URL });');
  });

  test('leaves alone what a run reaches, and what is no address', () => {
    const clean = [
      "redis.Redis(host='localhost', port=6379)",
      "memcache.Client(['127.0.0.1:11211'])",
      'redis.Redis.from_url(os.environ["REDIS_URL"])',
      "pika.URLParameters('amqp://guest:guest@localhost:5672/%2F')",
      "print('version 1.2.3.4 of the protocol')",
      "print('1.2.3.4.5')",
      '# a comment about 10.0.0.1 is no string',
    ].join('\n');
    expect(findForeignAddresses(clean, 'python', SERVICES)).toEqual([]);
  });

  test('marks nothing before the server has listed the services', () => {
    expect(findForeignAddresses("Redis(host='192.168.1.1')", 'python', [])).toEqual([]);
  });
});
