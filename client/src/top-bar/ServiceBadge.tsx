// A service's badge in the top bar: its state as a coloured dot, its version, and a tooltip with its
// address and, when it is missing, how to install it. Grey, without a version, while nothing is
// known: before the server's first word, and while the page is not connected to it.
import type { ServiceName, ServiceStatus } from '../../../shared/protocol.ts';

/** Badge colour by state: green ready, amber on the way, red unusable. */
function tone(status: ServiceStatus | null): 'ok' | 'busy' | 'down' | 'unknown' {
  if (!status) return 'unknown';
  if (status.ok) return 'ok';
  return status.state === 'starting' || status.state === 'restarting' ? 'busy' : 'down';
}

export function ServiceBadge({
  service,
  title,
  status,
  disconnected = false,
}: {
  service: ServiceName;
  title: string;
  /** Null when unknown. */
  status: ServiceStatus | null;
  /** The page lost the playground server: the service's state is unknown, not what it was. */
  disconnected?: boolean;
}) {
  const t = tone(status);
  const label = status
    ? status.state
    : disconnected
      ? 'unknown while the playground server is not connected'
      : 'waiting for the server';
  return (
    <span
      className={`badge badge-${t}`}
      tabIndex={0}
      data-testid={`badge-${service}`}
      data-tone={t}
      aria-label={`${title}: ${label}`}
    >
      <span className="badge-dot" aria-hidden="true" />
      <span className="badge-name">{title}</span>
      {status?.version && <span className="badge-version">{status.version}</span>}
      <span className="tooltip" role="tooltip">
        <strong>{title}</strong> — {label}
        {status?.address && (
          <span className="tooltip-row">
            at <code>{status.address}</code>
            {status.managed ? ' (run by the playground)' : ' (external)'}
          </span>
        )}
        {status?.version && <span className="tooltip-row">version {status.version}</span>}
        {status?.message && <span className="tooltip-row">{status.message}</span>}
        {status?.install && (
          <span className="tooltip-row">
            To install: <code className="install">{status.install}</code>
          </span>
        )}
      </span>
    </span>
  );
}
