// The integration tests' global setup (server/testing/global-setup.ts) starts the shared stack with
// RabbitMQ's management API on and provides its administrator access; tests in the workers get it
// here, as plain data, to run workspace managers of their own against the same broker and MariaDB.
import { inject } from 'vitest';
import type { SharedAdmin } from '../../classroom/workspaces/types.ts';
import type { MysqlAdminAccess } from '../../services/mysql/classroom.ts';
import type { RabbitmqAdminAccess } from '../../services/rabbitmq/classroom.ts';

/** The stack's administrator access, typed by the services that make accounts (what the tests look into). */
export type TestSharedAdmin = SharedAdmin & { rabbitmq: RabbitmqAdminAccess; mysql: MysqlAdminAccess };

declare module 'vitest' {
  export interface ProvidedContext {
    sharedAdmin: SharedAdmin;
  }
}

export function testSharedAdmin(): TestSharedAdmin {
  const admin = inject('sharedAdmin');
  if (!admin?.rabbitmq || !admin.mysql) throw new Error('the global setup provided no sharedAdmin; see its output');
  return admin as TestSharedAdmin;
}
