// The state of one of the dashboard's live streams, with a reconnect link once the browser gives up.
import { STREAM_TEXT, type StreamStatus } from './use-event-stream.ts';

/** The state of a live stream, with a way to try again once the browser has given up. */
export function LiveStatus({
  status,
  onReconnect,
  testId,
}: {
  status: StreamStatus;
  onReconnect: () => void;
  testId: string;
}) {
  return (
    <span className={`live-status live-status-${status}`} data-testid={testId} data-state={status} role="status">
      <span className="live-dot" aria-hidden="true" />
      {STREAM_TEXT[status]}
      {status === 'closed' && (
        <button type="button" className="link-button" onClick={onReconnect}>
          reconnect
        </button>
      )}
    </span>
  );
}
