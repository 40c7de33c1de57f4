// What a socket needs to know about the services behind it: which exist, their adapters, where
// this socket's learner reaches them, their states, and when they go down and come back. The
// single-user playground's Supervisor is one; in classroom mode each learner gets a view over
// their own workspace (server/classroom/learner-services.ts).
import type { ServiceStatus, ServicesStatus } from '../../shared/protocol.ts';
import type { ServiceName } from '../../shared/services.ts';
import type { Endpoint, ServiceAdapter } from '../services/types.ts';

export interface ServiceAccessEvents {
  status: [service: ServiceName, status: ServiceStatus];
  down: [service: ServiceName, reason: string];
  up: [service: ServiceName, endpoint: Endpoint];
}

export interface ServiceAccess {
  has(service: ServiceName): boolean;
  adapter(service: ServiceName): ServiceAdapter;
  /** Where this socket's learner reaches the service now, or null while it is not ready. */
  endpoint(service: ServiceName): Endpoint | null;
  statuses(): ServicesStatus;
  /** Resolves once the endpoints are usable (a reclaimed workspace starts again); rejects with the reason. */
  ready?(): Promise<void>;
  on<E extends keyof ServiceAccessEvents>(event: E, listener: (...args: ServiceAccessEvents[E]) => void): unknown;
  off<E extends keyof ServiceAccessEvents>(event: E, listener: (...args: ServiceAccessEvents[E]) => void): unknown;
}
