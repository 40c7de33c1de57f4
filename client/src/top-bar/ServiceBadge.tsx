import type { ServiceStatus } from '../../../shared/protocol.ts';
import { SERVICE_TITLES, type ServiceName } from '../../../shared/services.ts';

/** Badge colour by state: green ready, amber on the way, red unusable. */
function tone(status: ServiceStatus | null): 'ok' | 'busy' | 'down' | 'unknown' {
  if (!status) return 'unknown';
  if (status.ok) return 'ok';
  return status.state === 'starting' || status.state === 'restarting' ? 'busy' : 'down';
}

export function ServiceBadge({ service, status }: { service: ServiceName; status: ServiceStatus | null }) {
  const t = tone(status);
  const label = status ? status.state : 'waiting for the server';
  return (
    <span
      className={`badge badge-${t}`}
      tabIndex={0}
      data-testid={`badge-${service}`}
      aria-label={`${SERVICE_TITLES[service]}: ${label}`}
    >
      <span className="badge-dot" aria-hidden="true" />
      <span className="badge-name">{SERVICE_TITLES[service]}</span>
      {status?.version && <span className="badge-version">{status.version}</span>}
      <span className="tooltip" role="tooltip">
        <strong>{SERVICE_TITLES[service]}</strong> — {label}
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
