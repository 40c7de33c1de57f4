// One workspace's services as a socket sees them (the ServiceAccess of server/ws/). memcached and
// Redis are the workspace's own instances; RabbitMQ and MySQL are the shared servers reached with
// the workspace's own account. Whatever the shared servers' supervisor reports, the endpoints
// handed out are always the workspace's: a terminal reconnecting after the broker restarted must
// log in as the learner again, never as the playground's administrator.
import { EventEmitter } from 'node:events';
import type { ServiceStatus, ServicesStatus } from '../../shared/protocol.ts';
import { SERVICE_NAMES, type ServiceName } from '../../shared/services.ts';
import type { Supervisor } from '../services/supervisor.ts';
import type { Endpoint } from '../services/types.ts';
import type { ServiceAccess, ServiceAccessEvents } from '../ws/service-access.ts';
import type { Workspaces } from './workspaces/types.ts';

/** Services that run as the learner's own instances; the others are shared servers. */
const OWN_INSTANCES: ReadonlySet<ServiceName> = new Set(['memcached', 'redis']);

export class LearnerServices extends EventEmitter<ServiceAccessEvents> implements ServiceAccess {
  private readonly onStatus = (service: ServiceName, status: ServiceStatus) => {
    if (!OWN_INSTANCES.has(service)) this.emit('status', service, this.status(service, status));
  };
  private readonly onDown = (service: ServiceName, reason: string) => {
    if (!OWN_INSTANCES.has(service)) this.emit('down', service, reason);
  };
  private readonly onUp = (service: ServiceName) => {
    const own = this.endpoint(service);
    if (!OWN_INSTANCES.has(service) && own) this.emit('up', service, own);
  };
  private readonly onWorkspaceDown = (workspace: string, service: ServiceName, reason: string) => {
    if (workspace === this.workspaceId) this.emit('down', service, reason);
  };
  private readonly onWorkspaceUp = (workspace: string, service: ServiceName, endpoint: Endpoint) => {
    if (workspace !== this.workspaceId) return;
    this.emit('up', service, endpoint);
    this.emit('status', service, this.statuses()[service]);
  };
  private readonly onWorkspaceState = (workspace: string) => {
    if (workspace !== this.workspaceId) return;
    const all = this.statuses();
    for (const s of OWN_INSTANCES) if (this.supervisor.has(s)) this.emit('status', s, all[s]);
  };

  constructor(
    private readonly supervisor: Supervisor,
    private readonly workspaces: Workspaces,
    readonly workspaceId: string,
  ) {
    super();
    supervisor.on('status', this.onStatus);
    supervisor.on('down', this.onDown);
    supervisor.on('up', this.onUp);
    workspaces.on('down', this.onWorkspaceDown);
    workspaces.on('up', this.onWorkspaceUp);
    workspaces.on('state', this.onWorkspaceState);
  }

  has(service: ServiceName): boolean {
    return this.supervisor.has(service);
  }

  adapter(service: ServiceName) {
    return this.supervisor.adapter(service);
  }

  endpoint(service: ServiceName): Endpoint | null {
    if (!OWN_INSTANCES.has(service) && !this.supervisor.status(service).ok) return null;
    return this.workspaces.endpoints(this.workspaceId)[service] ?? null;
  }

  async ready(): Promise<void> {
    await this.workspaces.ensure(this.workspaceId);
  }

  statuses(): ServicesStatus {
    const shared = this.supervisor.statuses();
    return Object.fromEntries(
      SERVICE_NAMES.filter((s) => s in shared).map((s) => [s, this.status(s, shared[s])]),
    ) as ServicesStatus;
  }

  private status(service: ServiceName, shared: ServiceStatus): ServiceStatus {
    if (!OWN_INSTANCES.has(service)) return shared;
    const state = this.workspaces.state(this.workspaceId);
    const endpoint = this.workspaces.endpoints(this.workspaceId)[service];
    if (state === 'ready' && endpoint) {
      return { ok: true, state: 'ready', managed: true, version: shared.version, address: endpoint.address };
    }
    return {
      ok: false,
      state: state === 'failed' ? 'failed' : 'starting',
      managed: true,
      version: shared.version,
      message: state === 'failed' ? 'your workspace could not start' : 'starting your own instance…',
    };
  }

  close(): void {
    this.supervisor.off('status', this.onStatus);
    this.supervisor.off('down', this.onDown);
    this.supervisor.off('up', this.onUp);
    this.workspaces.off('down', this.onWorkspaceDown);
    this.workspaces.off('up', this.onWorkspaceUp);
    this.workspaces.off('state', this.onWorkspaceState);
    this.removeAllListeners();
  }
}
