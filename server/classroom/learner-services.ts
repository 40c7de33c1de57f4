// One workspace's services as a socket sees them (the ServiceAccess of server/ws/). Services whose
// classroom kind is 'instance' (memcached, Redis) are the workspace's own processes; the others
// (RabbitMQ, MySQL) are the shared servers reached with the workspace's own account. Whatever the shared servers' supervisor reports, the endpoints
// handed out are always the workspace's: a terminal reconnecting after the broker restarted must
// log in as the learner again, never as the playground's administrator.
import { EventEmitter } from 'node:events';
import type { ServiceStatus, ServicesStatus } from '../../shared/protocol.ts';
import type { RestartMode } from '../services/process/supervised-process.ts';
import { RestartRefusedError, type Supervisor } from '../services/supervisor.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';
import type { ServiceAdapter } from '../services/types.ts';
import type { ServiceAccess, ServiceAccessEvents } from '../ws/service-access.ts';
import type { Workspaces } from './workspaces/types.ts';

export class LearnerServices extends EventEmitter<ServiceAccessEvents> implements ServiceAccess {
  private readonly onStatus = (service: ServiceId, status: ServiceStatus) => {
    if (!this.ownInstance(service)) this.emit('status', service, this.status(service, status));
  };
  private readonly onDown = (service: ServiceId, reason: string) => {
    if (!this.ownInstance(service)) this.emit('down', service, reason);
  };
  private readonly onUp = (service: ServiceId) => {
    const own = this.endpoint(service);
    if (!this.ownInstance(service) && own) this.emit('up', service, own);
  };
  private readonly onWorkspaceDown = (workspace: string, service: ServiceId, reason: string) => {
    if (workspace === this.workspaceId) this.emit('down', service, reason);
  };
  private readonly onWorkspaceUp = (workspace: string, service: ServiceId, endpoint: Endpoint) => {
    if (workspace !== this.workspaceId) return;
    this.emit('up', service, endpoint);
    this.emit('status', service, this.statuses()[service]);
  };
  private readonly onWorkspaceState = (workspace: string) => {
    if (workspace !== this.workspaceId) return;
    const all = this.statuses();
    for (const a of this.adapters) if (this.ownInstance(a.name)) this.emit('status', a.name, all[a.name]);
  };

  constructor(
    private readonly supervisor: Supervisor,
    private readonly workspaces: Workspaces,
    readonly workspaceId: string,
    /** The instructor's view: they restart the shared servers too (everyone's terminals reconnect). */
    private readonly instructor = false,
  ) {
    super();
    supervisor.on('status', this.onStatus);
    supervisor.on('down', this.onDown);
    supervisor.on('up', this.onUp);
    workspaces.on('down', this.onWorkspaceDown);
    workspaces.on('up', this.onWorkspaceUp);
    workspaces.on('state', this.onWorkspaceState);
  }

  get adapters(): readonly ServiceAdapter[] {
    return this.supervisor.adapters;
  }

  /** The learner runs a process of their own for it (not an account on the shared server). */
  private ownInstance(service: ServiceId): boolean {
    return this.supervisor.adapter(service).classroom.kind === 'instance';
  }

  has(service: ServiceId): boolean {
    return this.supervisor.has(service);
  }

  adapter(service: ServiceId) {
    return this.supervisor.adapter(service);
  }

  endpoint(service: ServiceId): Endpoint | null {
    if (!this.ownInstance(service) && !this.supervisor.status(service).ok) return null;
    return this.workspaces.endpoints(this.workspaceId)[service] ?? null;
  }

  /** The shared server's administrator access; a learner's own instance has none. */
  admin(service: ServiceId): unknown {
    return this.ownInstance(service) ? null : this.supervisor.admin(service);
  }

  restartRefusal(service: ServiceId): string | null {
    if (this.ownInstance(service) || !this.instructor) return this.workspaces.restartRefusal(this.workspaceId, service);
    return this.supervisor.restartRefusal(service);
  }

  async restart(service: ServiceId, mode: RestartMode): Promise<void> {
    const refusal = this.restartRefusal(service);
    if (refusal) throw new RestartRefusedError(refusal);
    if (this.ownInstance(service)) await this.workspaces.restart(this.workspaceId, service, mode);
    else await this.supervisor.restart(service, mode);
  }

  async ready(): Promise<void> {
    await this.workspaces.ensure(this.workspaceId);
  }

  statuses(): ServicesStatus {
    const shared = this.supervisor.statuses();
    return Object.fromEntries(Object.entries(shared).map(([s, status]) => [s, this.status(s, status)]));
  }

  private status(service: ServiceId, shared: ServiceStatus): ServiceStatus {
    if (!this.ownInstance(service)) return shared;
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
