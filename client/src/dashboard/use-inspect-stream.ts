// A watched learner's Inspect view of one service, as the snapshot the learner's own tab draws
// (InspectBody): the server-sent `{state}` events of the dashboard's inspect stream.
import { useCallback, useEffect, useState } from 'react';
import { withCounterPoint, type InspectSnapshot } from '../inspect/inspect-store.ts';
import { useEventStream, type StreamStatus } from './use-event-stream.ts';

const NAMES: readonly string[] = [];

export function useInspectStream(
  url: string | null,
  service: string | null,
): { snap: InspectSnapshot; status: StreamStatus } {
  const empty = useCallback(
    (): InspectSnapshot => ({ service, state: null, receivedAt: 0, error: null, history: [] }),
    [service],
  );
  const [snap, setSnap] = useState<InspectSnapshot>(empty);
  useEffect(() => setSnap(empty()), [url, empty]);
  const onData = useCallback(
    (data: string) => {
      let event: { state?: InspectSnapshot['state']; error?: string };
      try {
        event = JSON.parse(data) as typeof event;
      } catch {
        return;
      }
      setSnap((prev) => {
        if (event.error) return { ...prev, error: event.error };
        if (!event.state) return prev;
        const now = performance.now();
        const history = service ? withCounterPoint(prev.history, service, event.state, now) : prev.history;
        return { service, state: event.state, receivedAt: now, error: null, history };
      });
    },
    [service],
  );
  const status = useEventStream(url, onData, NAMES);
  return { snap, status };
}
