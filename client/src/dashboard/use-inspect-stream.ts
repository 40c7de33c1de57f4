// A watched learner's Inspect view of one service, as the snapshot the learner's own tab draws
// (InspectBody): the server-sent `{state}` events of the dashboard's inspect stream.
import { useCallback, useEffect, useState } from 'react';
import type { MemcachedInspectState } from '../../../shared/inspect.ts';
import type { InspectSnapshot } from '../inspect/inspect-store.ts';
import { useEventStream, type StreamStatus } from './use-event-stream.ts';

const HISTORY_MS = 3 * 60_000;
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
        let history = prev.history;
        if (service === 'memcached') {
          const { stats } = event.state as MemcachedInspectState;
          history = [
            ...history.filter((p) => now - p.at < HISTORY_MS),
            { at: now, hits: stats.get_hits, misses: stats.get_misses },
          ];
        }
        return { service, state: event.state, receivedAt: now, error: null, history };
      });
    },
    [service],
  );
  const status = useEventStream(url, onData, NAMES);
  return { snap, status };
}
