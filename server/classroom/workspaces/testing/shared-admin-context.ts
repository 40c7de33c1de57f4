// The integration tests' global setup (server/testing/global-setup.ts) starts the shared stack with
// RabbitMQ's management API on and provides its administrator access; tests in the workers get it
// here, as plain data, to run workspace managers of their own against the same broker and MariaDB.
import { inject } from 'vitest';
import type { SharedAdmin } from '../types.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    sharedAdmin: SharedAdmin;
  }
}

export function testSharedAdmin(): SharedAdmin {
  const admin = inject('sharedAdmin');
  if (!admin) throw new Error('the global setup provided no sharedAdmin; see its output');
  return admin;
}
