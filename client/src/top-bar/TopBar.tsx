// The top bar: the brand, a badge per service, the classroom's extras and the connection's state.
import { useSyncExternalStore, type ReactNode } from 'react';
import type { Connection } from '../connection.ts';
import type { ServiceCatalog } from '../service-catalog.ts';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { ServiceBadge } from './ServiceBadge.tsx';

export function TopBar({
  connection,
  catalog,
  extra,
}: {
  connection: Connection;
  catalog: ServiceCatalog;
  extra?: ReactNode;
}) {
  const snapshot = useSyncExternalStore(connection.subscribe, connection.getSnapshot);
  const services = useSyncExternalStore(catalog.subscribe, catalog.getSnapshot);
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          &gt;_
        </span>
        <span className="brand-name">Service Playground</span>
      </div>
      <nav className="service-badges" aria-label="Services">
        {services.map(({ name, title }) => (
          <ServiceBadge key={name} service={name} title={title} status={snapshot.services?.[name] ?? null} />
        ))}
      </nav>
      {extra}
      <ConnectionStatus snapshot={snapshot} onRetry={() => connection.reconnectNow()} />
    </header>
  );
}
