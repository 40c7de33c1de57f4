// The services this server runs, as its `hello` lists them: name, title and how each terminal
// behaves. The page lays out its terminals, tabs, badges and Alt+N keys from this list, so a service
// the server gains needs nothing here. The last list is kept for the next visit, so a reload lays
// out the terminals before the socket has answered.
import type { ServiceInfo } from '../../shared/protocol.ts';

export const CATALOG_STORAGE_KEY = 'playground.services';

type CatalogStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** A stored list, or null if it is not one. */
export function parseCatalog(json: string | null): ServiceInfo[] | null {
  try {
    const value = JSON.parse(json ?? 'null') as unknown;
    if (!Array.isArray(value) || value.length === 0) return null;
    const ok = value.every(
      (s: Partial<ServiceInfo> | null) =>
        typeof s?.name === 'string' &&
        typeof s.title === 'string' &&
        typeof s.promptsBeforeReply === 'boolean' &&
        typeof s.conventionalPort === 'number' &&
        typeof s.variable === 'string' &&
        typeof s.inspect === 'boolean',
    );
    return ok ? (value as ServiceInfo[]) : null;
  } catch {
    return null;
  }
}

export class ServiceCatalog {
  private list: readonly ServiceInfo[];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: CatalogStorage | null) {
    let stored: ServiceInfo[] | null = null;
    try {
      stored = parseCatalog(storage?.getItem(CATALOG_STORAGE_KEY) ?? null);
    } catch {
      // Storage disabled: nothing known until the server says.
    }
    this.list = stored ?? [];
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The services in the server's order; empty until the first `hello` of the first visit. */
  getSnapshot = (): readonly ServiceInfo[] => this.list;

  get names(): string[] {
    return this.list.map((s) => s.name);
  }

  info(name: string): ServiceInfo | undefined {
    return this.list.find((s) => s.name === name);
  }

  /** As people write it; the name itself for a service the server has not described. */
  title(name: string): string {
    return this.info(name)?.title ?? name;
  }

  /** The server's list (from `hello`). */
  set(list: readonly ServiceInfo[]): void {
    if (JSON.stringify(list) === JSON.stringify(this.list)) return;
    this.list = list;
    try {
      this.storage?.setItem(CATALOG_STORAGE_KEY, JSON.stringify(list));
    } catch {
      // Not kept for the next visit.
    }
    for (const l of this.listeners) l();
  }
}
