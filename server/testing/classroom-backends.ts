// The test stack's servers, administrator access and Redis as the backends several classroom
// instances share (classroom-instances.ts), inside a test worker.
import { SERVICES } from '../services/registry.ts';
import type { SharedBackends } from './classroom-instances.ts';
import { testEndpoint } from './endpoints.ts';
import { testSharedAdmin } from './workspaces/shared-admin-context.ts';

export function testBackends(storeUrl: string): SharedBackends {
  return {
    endpoints: Object.fromEntries(SERVICES.adapters.map((a) => [a.name, testEndpoint(a.name)])),
    admin: testSharedAdmin(),
    storeUrl,
    eventsUrl: testEndpoint('redis').url,
  };
}
