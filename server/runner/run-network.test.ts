import { describe, expect, it } from 'vitest';
import { sqlalchemyUrl } from '../services/mysql/index.ts';
import { SERVICES } from '../services/registry.ts';
import { buildRunNetwork as plan, socketForward } from './run-network.ts';

const buildRunNetwork = (endpoints: Parameters<typeof plan>[0]) => plan(endpoints, SERVICES);

const guestLogin = (user: string, password: string, vhost: string) => ({
  kind: 'amqp-guest-login',
  options: { user, password, vhost },
});

const loopback = {
  memcached: { url: '127.0.0.1:40001', address: '127.0.0.1:40001' },
  redis: { url: 'redis://127.0.0.1:40002', address: '127.0.0.1:40002' },
  rabbitmq: { url: 'amqp://playground:s3cret@127.0.0.1:40003', address: '127.0.0.1:40003' },
  mysql: { url: 'mysql://learner:pw@127.0.0.1:40004/playground', address: '127.0.0.1:40004' },
};

describe('buildRunNetwork', () => {
  it('gives loopback endpoints the very same URLs inside, each port forwarded to itself', () => {
    const { env, forwards } = buildRunNetwork(loopback);
    expect(env).toEqual({
      MEMCACHED_SERVERS: '127.0.0.1:40001',
      REDIS_URL: 'redis://127.0.0.1:40002',
      AMQP_URL: 'amqp://playground:s3cret@127.0.0.1:40003',
      MYSQL_URL: 'mysql://learner:pw@127.0.0.1:40004/playground',
      SQLALCHEMY_URL: 'mysql+pymysql://learner:pw@127.0.0.1:40004/playground',
    });
    expect(forwards.slice(0, 4)).toEqual([
      { port: 40001, host: '127.0.0.1', targetPort: 40001 },
      { port: 40002, host: '127.0.0.1', targetPort: 40002 },
      { port: 40003, host: '127.0.0.1', targetPort: 40003 },
      { port: 40004, host: '127.0.0.1', targetPort: 40004 },
    ]);
  });

  it("also forwards each service's conventional port to the learner's own endpoint", () => {
    const { forwards } = buildRunNetwork(loopback);
    expect(forwards.slice(4)).toEqual([
      { port: 11211, host: '127.0.0.1', targetPort: 40001 },
      { port: 6379, host: '127.0.0.1', targetPort: 40002 },
      { port: 5672, host: '127.0.0.1', targetPort: 40003, filter: guestLogin('playground', 's3cret', '/') },
      { port: 3306, host: '127.0.0.1', targetPort: 40004 },
    ]);
    // Both ports of one endpoint share a unix socket, the variable's, unless one filters.
    expect(socketForward(forwards, forwards[5])).toBe(forwards[1]);
    expect(socketForward(forwards, forwards[6])).toBe(forwards[6]);
  });

  it("gives guest/guest the learner's vhost, decoded", () => {
    const { forwards } = buildRunNetwork({
      rabbitmq: { url: 'amqp://ann:pw@127.0.0.1:40003/class%2Fann', address: '127.0.0.1:40003' },
    });
    expect(forwards.map((f) => f.filter)).toEqual([undefined, guestLogin('ann', 'pw', 'class/ann')]);
  });

  it('leaves a conventional port to the endpoint that holds it already', () => {
    const { forwards } = buildRunNetwork({
      memcached: { url: '127.0.0.1:6379', address: '127.0.0.1:6379' },
      redis: { url: 'redis://127.0.0.1:40002', address: '127.0.0.1:40002' },
    });
    expect(forwards).toEqual([
      { port: 6379, host: '127.0.0.1', targetPort: 6379 },
      { port: 40002, host: '127.0.0.1', targetPort: 40002 },
      { port: 11211, host: '127.0.0.1', targetPort: 6379 },
    ]);
  });

  it('names only the services the learner has', () => {
    const { env, forwards } = buildRunNetwork({ redis: loopback.redis });
    expect(env).toEqual({ REDIS_URL: 'redis://127.0.0.1:40002' });
    expect(forwards.map((f) => f.port)).toEqual([40002, 6379]);
    expect(buildRunNetwork({})).toEqual({ env: {}, forwards: [], services: [] });
  });

  it('forwards every memcached server of a list', () => {
    const { env, forwards } = buildRunNetwork({
      memcached: { url: '127.0.0.1:40001,localhost:40005', address: '127.0.0.1:40001' },
    });
    expect(env.MEMCACHED_SERVERS).toBe('127.0.0.1:40001,localhost:40005');
    expect(forwards.map((f) => f.port)).toEqual([40001, 40005, 11211]);
  });

  it('reaches another host through the inside loopback, keeping credentials, path and default ports', () => {
    const { env, forwards } = buildRunNetwork({
      redis: { url: 'redis://:pw@10.0.0.5:6379/2', address: '10.0.0.5:6379' },
      rabbitmq: { url: 'amqp://u:p@broker.example/%2Fvh', address: 'broker.example:5672' },
      mysql: { url: 'mysql://u:p%40ss@[fd00::1]:3306/db', address: '[fd00::1]:3306' },
    });
    expect(env.REDIS_URL).toBe('redis://:pw@127.0.0.1:6379/2');
    expect(env.AMQP_URL).toBe('amqp://u:p@127.0.0.1:5672/%2Fvh');
    expect(env.MYSQL_URL).toBe('mysql://u:p%40ss@127.0.0.1:3306/db');
    expect(env.SQLALCHEMY_URL).toBe('mysql+pymysql://u:p%40ss@127.0.0.1:3306/db');
    expect(forwards).toEqual([
      { port: 6379, host: '10.0.0.5', targetPort: 6379 },
      { port: 5672, host: 'broker.example', targetPort: 5672, filter: guestLogin('u', 'p', '/vh') },
      { port: 3306, host: 'fd00::1', targetPort: 3306 },
    ]);
  });

  it('moves a second target on a port already forwarded to a free inside port', () => {
    const { env, forwards } = buildRunNetwork({
      memcached: { url: '127.0.0.1:7000', address: '127.0.0.1:7000' },
      redis: { url: 'redis://10.0.0.5:7000', address: '10.0.0.5:7000' },
    });
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:20000');
    expect(forwards[1]).toEqual({ port: 20000, host: '10.0.0.5', targetPort: 7000 });
  });

  it('throws on an endpoint it cannot forward', () => {
    expect(() => buildRunNetwork({ memcached: { url: 'nonsense', address: '' } })).toThrow(/expected host:port/);
  });
});

describe('sqlalchemyUrl', () => {
  it('names the PyMySQL driver for mysql:// and mariadb://', () => {
    expect(sqlalchemyUrl('mysql://a:b@h:1/d')).toBe('mysql+pymysql://a:b@h:1/d');
    expect(sqlalchemyUrl('mariadb://a:b@h:1/d')).toBe('mysql+pymysql://a:b@h:1/d');
  });
});
