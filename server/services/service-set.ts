// An ordered set of service adapters with lookups by name and fence tag: the playground's own
// (registry.ts) or a test's.
import type { ServiceAdapter } from './types.ts';
import type { ServiceId } from './endpoint.ts';

export class ServiceSet {
  readonly adapters: readonly ServiceAdapter[];
  private readonly byName: ReadonlyMap<ServiceId, ServiceAdapter>;

  constructor(adapters: readonly ServiceAdapter[]) {
    this.adapters = adapters;
    this.byName = new Map(adapters.map((a) => [a.name, a]));
    const tags = new Set(adapters.map((a) => a.fenceTag));
    if (this.byName.size !== adapters.length || tags.size !== adapters.length) {
      throw new Error('two services share a name or a fence tag');
    }
  }

  get names(): ServiceId[] {
    return this.adapters.map((a) => a.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: ServiceId): ServiceAdapter {
    const adapter = this.byName.get(name);
    if (!adapter) throw new Error(`no service "${name}"; this playground has ${this.names.join(', ')}`);
    return adapter;
  }

  /** The service a lesson's terminal fence types into: ```redis, ```amqp… */
  byFenceTag(tag: string): ServiceAdapter | undefined {
    return this.adapters.find((a) => a.fenceTag === tag);
  }
}
