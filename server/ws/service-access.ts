// What a socket needs to know about the services behind it: which exist, their adapters, where
// this socket's learner reaches them, their states, and when they go down and come back. The
// single-user playground's Supervisor is one; in classroom mode each learner gets a view over
// their own workspace (server/classroom/learner-services.ts).
import type { ServiceStatus, ServicesStatus } from '../../shared/protocol.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';
import type { RestartMode } from '../services/process/supervised-process.ts';
import type { ServiceAdapter } from '../services/types.ts';

export interface ServiceAccessEvents {
  status: [service: ServiceId, status: ServiceStatus];
  down: [service: ServiceId, reason: string];
  up: [service: ServiceId, endpoint: Endpoint];
}

export interface ServiceAccess {
  /** The services, in the registry's order. */
  readonly adapters: readonly ServiceAdapter[];
  has(service: ServiceId): boolean;
  adapter(service: ServiceId): ServiceAdapter;
  /** Where this socket's learner reaches the service now, or null while it is not ready. */
  endpoint(service: ServiceId): Endpoint | null;
  statuses(): ServicesStatus;
  /** The playground's privileged access to the server behind `endpoint` (ServiceAdapter.admin), or null. */
  admin?(service: ServiceId): unknown;
  /** Why this socket's learner may not restart the service now (their words), or null when they may. */
  restartRefusal(service: ServiceId): string | null;
  /** The restart control: resolves once the service answers again (its down and up events tell the terminals). */
  restart(service: ServiceId, mode: RestartMode): Promise<void>;
  /** Resolves once the endpoints are usable (a reclaimed workspace starts again); rejects with the reason. */
  ready?(): Promise<void>;
  on<E extends keyof ServiceAccessEvents>(event: E, listener: (...args: ServiceAccessEvents[E]) => void): unknown;
  off<E extends keyof ServiceAccessEvents>(event: E, listener: (...args: ServiceAccessEvents[E]) => void): unknown;
}
