import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LEARNER_DENIED, redisConfig } from './classroom.ts';

describe("a learner's Redis config", () => {
  const conf = redisConfig({
    port: 40100,
    dir: '/data/workspaces/w1',
    limits: { memoryMb: 32, connections: 64 },
    adminPassword: 'pw',
  });

  it('listens on loopback only, keeps its data in its own directory and saves only when stopped', () => {
    expect(conf).toContain('port 40100\nbind 127.0.0.1\n');
    expect(conf).toContain('dir /data/workspaces/w1\n');
    // The lessons check `save` is empty and `appendonly` is no.
    expect(conf).toContain('save ""\nappendonly no\nshutdown-on-sigterm save\n');
  });

  it('enforces the limits with errors rather than eviction', () => {
    expect(conf).toContain('maxmemory 32mb\nmaxmemory-policy noeviction\nmaxclients 64\n');
  });

  it('sends keyspace notifications, which push the Inspect view', () => {
    expect(conf).toContain('\nnotify-keyspace-events KA\n');
  });

  it('denies learners what reaches outside their instance, and keeps the manager’s password out of the file', () => {
    for (const rule of [
      '-migrate',
      '-replicaof',
      '-slaveof',
      '-failover',
      '-sync',
      '-psync',
      '-config|set',
      '-config|rewrite',
      '-acl',
      '-shutdown',
      '-debug',
      '-module',
    ]) {
      expect(LEARNER_DENIED).toContain(rule);
    }
    // What the lessons use stays allowed.
    for (const rule of [
      '-keys',
      '-scan',
      '-flushall',
      '-flushdb',
      '-info',
      '-monitor',
      '-subscribe',
      '-client',
      '-bgsave',
      '-config|get',
    ]) {
      expect(LEARNER_DENIED).not.toContain(rule);
    }
    expect(conf).toContain(`user default on nopass ~* &* +@all ${LEARNER_DENIED.join(' ')}\n`);
    expect(conf).toContain(`user manager on #${createHash('sha256').update('pw').digest('hex')} ~* &* +@all\n`);
    expect(conf).not.toMatch(/>pw|\bpw\b/);
  });
});
