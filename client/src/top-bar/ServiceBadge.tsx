// A service's badge in the top bar: its state as a coloured dot, its version, and a tooltip with its
// address and, when it is missing, how to install it. Grey, without a version, while nothing is
// known: before the server's first word, and while the page is not connected to it. Beside it, the
// restart control (POST /api/services/:name/restart, as `:restart` in a terminal).
import { useEffect, useState } from 'react';
import type { ServiceName, ServiceStatus } from '../../../shared/protocol.ts';
import { HttpError, requestJson } from '../http.ts';

/** How long a refusal ("only the instructor can restart it") stays under the badge. */
const NOTE_MS = 8_000;

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
  const [note, setNote] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    if (!note) return;
    const timer = setTimeout(() => setNote(null), NOTE_MS);
    return () => clearTimeout(timer);
  }, [note]);
  const restart = async () => {
    setAsking(true);
    setNote(null);
    try {
      await requestJson('POST', `/api/services/${service}/restart`, { body: {} });
    } catch (err) {
      setNote(err instanceof HttpError ? err.message : `could not restart ${title}`);
    } finally {
      setAsking(false);
    }
  };
  // A server named by a URL is not the playground's to restart; the button says so instead of asking.
  const external = status?.managed === false;
  const canAsk = !asking && status?.state === 'ready' && !external;
  const label = status
    ? status.state
    : disconnected
      ? 'unknown while the playground server is not connected'
      : 'waiting for the server';
  return (
    <span className="badge-group">
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
      <button
        type="button"
        className="badge-restart"
        data-testid={`restart-${service}`}
        disabled={!canAsk}
        aria-label={`Restart ${title}`}
        title={
          external
            ? `${title} was not started by the playground: restart it where it runs`
            : `Restart ${title} (stop it cleanly and start it again; :restart in its terminal)`
        }
        onClick={() => void restart()}
      >
        <span aria-hidden="true">⟳</span>
      </button>
      {note && (
        <span className="badge-note" role="status" data-testid={`restart-note-${service}`}>
          {note}
        </span>
      )}
    </span>
  );
}
