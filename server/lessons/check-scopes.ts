// What a run of checks (or a lesson reset) hands each service's folder: its CheckScope — the
// learner's endpoint of that service, the playground's privileged access to it, and a place to keep
// connections for the whole run. Everything kept is closed together at the end.
import { ServiceUnavailable, type CheckScope } from '../services/check-types.ts';
import type { ServiceSet } from '../services/service-set.ts';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';

/** Where one learner's services answer now (null while one is not ready), and the playground's access to each. */
export interface LearnerTargets {
  endpoint(service: ServiceId): Endpoint | null;
  /** ServiceAdapter.admin's data for the server behind that endpoint; absent or null: none. */
  admin?(service: ServiceId): unknown;
}

interface Kept {
  value: Promise<unknown>;
  close?: (value: never) => unknown;
}

export class CheckScopes {
  private readonly kept = new Map<string, Kept>();

  constructor(
    private readonly services: ServiceSet,
    private readonly targets: LearnerTargets,
  ) {}

  of(service: ServiceId): CheckScope {
    const title = this.services.get(service).title;
    return {
      endpoint: () => {
        const endpoint = this.targets.endpoint(service);
        if (!endpoint) throw new ServiceUnavailable(`${title} is not running right now, so it cannot be asked`);
        return endpoint;
      },
      admin: this.targets.admin?.(service) ?? null,
      keep: <T>(key: string, open: () => Promise<T>, close?: (value: T) => unknown): Promise<T> => {
        const id = `${service}:${key}`;
        const known = this.kept.get(id);
        if (known) return known.value as Promise<T>;
        const value = open();
        this.kept.set(id, { value, close: close as Kept['close'] });
        // A failed open is not kept: the next use tries again.
        value.catch(() => this.kept.delete(id));
        return value;
      },
    };
  }

  /** Closes everything kept; nothing it says can fail the run. */
  async close(): Promise<void> {
    const kept = [...this.kept.values()];
    this.kept.clear();
    await Promise.allSettled(kept.map(async (k) => k.close?.((await k.value) as never)));
  }
}
