// The top bar: the brand, a badge per service, the classroom's extras, the theme's toggle and the
// connection's state. Narrow windows fold it (top-bar.css): versions go to the badges' tooltips,
// then the brand's name, and whatever still does not fit wraps to a second row, never under
// another control.
import { useSyncExternalStore, type ReactNode } from 'react';
import type { Connection } from '../connection.ts';
import type { ServiceCatalog } from '../service-catalog.ts';
import { ConnectionStatus } from './ConnectionStatus.tsx';
import { ServiceBadge } from './ServiceBadge.tsx';
import { ThemeToggle } from './ThemeToggle.tsx';

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
  // What the server said about its services holds only while it can say more: away from it, a
  // green "ready 7.0.15" would be a guess, so the badges go grey until the socket is back.
  const connected = snapshot.state === 'open';
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
          <ServiceBadge
            key={name}
            service={name}
            title={title}
            status={connected ? (snapshot.services?.[name] ?? null) : null}
            disconnected={!connected && snapshot.everOpen}
          />
        ))}
      </nav>
      {extra}
      <div className="top-bar-end">
        <ThemeToggle />
        <ConnectionStatus snapshot={snapshot} onRetry={() => connection.reconnectNow()} />
      </div>
    </header>
  );
}
