import { useSyncExternalStore, type ReactNode } from 'react';
import { SERVICE_NAMES } from '../../../shared/services.ts';
import type { Connection } from '../connection.ts';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { ServiceBadge } from './ServiceBadge.tsx';

export function TopBar({ connection, extra }: { connection: Connection; extra?: ReactNode }) {
  const snapshot = useSyncExternalStore(connection.subscribe, connection.getSnapshot);
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          &gt;_
        </span>
        <span className="brand-name">Service Playground</span>
      </div>
      <nav className="service-badges" aria-label="Services">
        {SERVICE_NAMES.map((service) => (
          <ServiceBadge key={service} service={service} status={snapshot.services?.[service] ?? null} />
        ))}
      </nav>
      {extra}
      <ConnectionStatus snapshot={snapshot} onRetry={() => connection.reconnectNow()} />
    </header>
  );
}
