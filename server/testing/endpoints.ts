// Integration tests reach the live services through here. The vitest global setup
// (server/testing/global-setup.ts) starts private instances with the same supervisor as `npm start`
// and provides their endpoints; nothing here is a mock.
import { inject } from 'vitest';
import type { LearnerTargets } from '../lessons/check-scopes.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    endpoints: Record<ServiceId, Endpoint>;
    /** Each service's ServiceAdapter.admin data for the test stack's servers (plain data). */
    serviceAdmins: Record<ServiceId, unknown>;
    /** Base URL of a playground server started for the tests, e.g. http://127.0.0.1:40200 */
    baseUrl: string;
    /** A classroom-mode server on the same services. */
    classroomBaseUrl: string;
    instructorSecret: string;
  }
}

export function testEndpoint(service: ServiceId): Endpoint {
  const endpoint = inject('endpoints')[service];
  if (!endpoint) throw new Error(`${service} did not start for the tests; see the global setup's output`);
  return endpoint;
}

export function testBaseUrl(): string {
  return inject('baseUrl');
}

export function classroomBaseUrl(): string {
  return inject('classroomBaseUrl');
}

export function instructorSecret(): string {
  return inject('instructorSecret');
}

/** The test stack's services as lesson checks and resets see them in single-user mode. */
export function testTargets(): LearnerTargets {
  const admins = inject('serviceAdmins');
  return { endpoint: testEndpoint, admin: (service) => admins[service] ?? null };
}
