// A learner's terminals, watched: the MirrorEvent stream of /watch into read-only screens that
// live as long as the drawer (and are rebuilt when the stream is opened again).
import { useCallback, useEffect, useState } from 'react';
import type { MirrorEvent } from '../../../shared/classroom-api.ts';
import { MirrorScreens } from '../classroom/mirror-screens.ts';
import { useEventStream, type StreamStatus } from './use-event-stream.ts';

function parseMirrorEvent(data: string): MirrorEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  const e = value as { kind?: unknown; channel?: unknown };
  if (typeof e !== 'object' || e === null || typeof e.channel !== 'string') return null;
  return e.kind === 'open' || e.kind === 'output' || e.kind === 'close' ? (value as MirrorEvent) : null;
}

const MIRROR_EVENT_NAMES = ['open', 'output', 'close'] as const;

export function useMirrorStream(url: string): {
  screens: MirrorScreens | null;
  status: StreamStatus;
  reconnect: () => void;
} {
  const [screens, setScreens] = useState<MirrorScreens | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const created = new MirrorScreens();
    setScreens(created);
    return () => created.dispose();
  }, [url]);

  const onData = useCallback(
    (data: string) => {
      const event = parseMirrorEvent(data);
      if (event) screens?.apply(event);
    },
    [screens],
  );
  // Not before the screens exist: the first events carry the scrollback.
  const status = useEventStream(screens ? url : null, onData, MIRROR_EVENT_NAMES, attempt);
  return { screens, status: screens ? status : 'connecting', reconnect: () => setAttempt((n) => n + 1) };
}
