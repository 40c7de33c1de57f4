// A service's badge in the top bar: its state as a coloured dot, its version, and a tooltip with its
// address and, when it is missing, how to install it.
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
}: {
  service: ServiceName;
  title: string;
  status: ServiceStatus | null;
}) {
  const t = tone(status);
  const label = status ? status.state : 'waiting for the server';
  return (
    <span
      className={`badge badge-${t}`}
      tabIndex={0}
      data-testid={`badge-${service}`}
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
