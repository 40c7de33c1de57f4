import { describe, expect, it } from 'vitest';
import { managedPassword, nodeName } from '../../services/rabbitmq/managed.ts';
import { rootPassword } from '../../services/mysql/managed.ts';
import { SERVICES } from '../../services/registry.ts';
import type { Supervisor } from '../../services/supervisor.ts';
import type { ManagedContext } from '../../services/managed-types.ts';
import { sharedAdminFromSupervisor } from './shared-admin.ts';

/** Just what sharedAdminFromSupervisor reads of a supervisor. */
function fakeSupervisor(services: {
  rabbitmq: { url: string; ctx: ManagedContext | null };
  mysql: { url: string; ctx: ManagedContext | null };
}): Supervisor {
  return {
    // memcached and Redis are each learner's own instances: no administrator access is read for them.
    adapters: SERVICES.adapters,
    endpoint: (s: 'rabbitmq' | 'mysql') => ({ url: services[s].url, address: '' }),
    status: () => ({ ok: true, state: 'ready', managed: true }),
    managedContext: (s: 'rabbitmq' | 'mysql') => services[s].ctx,
  } as unknown as Supervisor;
}

const rabbitCtx = (management: boolean): ManagedContext => ({
  dir: '/data/rabbitmq',
  ports: [41000, 41001, 41002, 41003],
  secret: 's3cret',
  isRoot: false,
  classroom: management,
});
const mysqlCtx: ManagedContext = { dir: '/data/mysql', ports: [42000], secret: 's3cret', isRoot: false };

describe('sharedAdminFromSupervisor', () => {
  it('reads the private servers’ administrators from their contexts', () => {
    const admin = sharedAdminFromSupervisor(
      fakeSupervisor({
        rabbitmq: { url: 'amqp://playground:x@127.0.0.1:41000', ctx: rabbitCtx(true) },
        mysql: { url: 'mysql://learner:x@127.0.0.1:42000/playground', ctx: mysqlCtx },
      }),
      {},
    );
    expect(admin).toEqual({
      rabbitmq: {
        amqpHost: '127.0.0.1',
        amqpPort: 41000,
        managementUrl: 'http://127.0.0.1:41003',
        user: 'playground',
        password: managedPassword('s3cret'),
        // rabbitmqctl on the private node, for what the management API (statistics off) cannot tell checks.
        ctl: { node: nodeName(rabbitCtx(true)), epmdPort: 41002, dir: '/data/rabbitmq' },
      },
      mysql: {
        host: '127.0.0.1',
        port: 42000,
        admin: { socketPath: '/data/mysql/mysqld.sock', user: 'root', password: rootPassword('s3cret') },
      },
    });
  });

  it('says how to fix a broker started without the management API', () => {
    const supervisor = fakeSupervisor({
      rabbitmq: { url: 'amqp://playground:x@127.0.0.1:41000', ctx: rabbitCtx(false) },
      mysql: { url: 'mysql://learner:x@127.0.0.1:42000/playground', ctx: mysqlCtx },
    });
    expect(() => sharedAdminFromSupervisor(supervisor, {})).toThrow(/without its management API.*classroom: true/);
  });

  it('needs the two CLASSROOM_* administrator URLs for servers given by URL, and strips credentials from the management URL', () => {
    const supervisor = fakeSupervisor({
      rabbitmq: { url: 'amqp://app:x@mq.internal:5672/', ctx: null },
      mysql: { url: 'mysql://app:x@db.internal:3306/app', ctx: null },
    });
    expect(() => sharedAdminFromSupervisor(supervisor, {})).toThrow(
      /CLASSROOM_RABBITMQ_MANAGEMENT_URL=http:\/\/ADMIN:PASSWORD@HOST:15672/,
    );
    expect(() =>
      sharedAdminFromSupervisor(supervisor, { CLASSROOM_RABBITMQ_MANAGEMENT_URL: 'http://admin:pw@mq.internal:15672' }),
    ).toThrow(/CLASSROOM_MYSQL_ADMIN_URL=mysql:\/\/root:PASSWORD@HOST:3306/);
    const admin = sharedAdminFromSupervisor(supervisor, {
      CLASSROOM_RABBITMQ_MANAGEMENT_URL: 'http://admin:p%40ss@mq.internal:15672/',
      CLASSROOM_MYSQL_ADMIN_URL: 'mysql://root:pw@db.internal:3307',
    });
    expect(admin).toEqual({
      rabbitmq: {
        amqpHost: 'mq.internal',
        amqpPort: 5672,
        managementUrl: 'http://mq.internal:15672',
        user: 'admin',
        password: 'p@ss',
      },
      mysql: {
        host: 'db.internal',
        port: 3306,
        admin: { host: 'db.internal', port: 3307, user: 'root', password: 'pw' },
      },
    });
  });
});
