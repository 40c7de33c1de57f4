// A server-sent event stream as React state. EventSource reconnects by itself after a dropped
// connection; it gives up (CLOSED) when the server answers with an error status, and then only a
// new EventSource tries again.
import { useEffect, useRef, useState } from 'react';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

const EVENT_SOURCE_CLOSED = 2;

/**
 * Opens `url` while mounted (null: nothing) and hands each event's data to `onData`. Events may come
 * unnamed or named after their kind: `names` are listened to as well. Reopened when `url` or
 * `attempt` changes; `onOpen` runs before each (re)open so the caller can start afresh.
 */
export function useEventStream(
  url: string | null,
  onData: (data: string) => void,
  names: readonly string[],
  attempt = 0,
): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const handler = useRef(onData);
  handler.current = onData;
  const nameList = names.join(' ');

  useEffect(() => {
    if (url === null) return;
    setStatus('connecting');
    const source = new EventSource(url);
    let opened = false;
    const onMessage = (event: Event) => {
      // EventSource's own "open" event shares its name with a MirrorEvent kind; it carries no data.
      if (event instanceof MessageEvent && typeof event.data === 'string') handler.current(event.data);
    };
    source.addEventListener('message', onMessage);
    for (const name of nameList.split(' ').filter(Boolean)) source.addEventListener(name, onMessage);
    source.onopen = () => {
      opened = true;
      setStatus('live');
    };
    source.onerror = () => {
      if (source.readyState === EVENT_SOURCE_CLOSED) setStatus('closed');
      else setStatus(opened ? 'reconnecting' : 'connecting');
    };
    return () => source.close();
  }, [url, nameList, attempt]);

  return url === null ? 'closed' : status;
}

export const STREAM_TEXT: Record<StreamStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  closed: 'disconnected',
};
