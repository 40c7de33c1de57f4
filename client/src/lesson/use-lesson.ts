// The lesson shown beside the terminals, from /api/lesson. Loaded once for the page: the lesson
// pane renders it and the editor keeps its files under the lesson's slug.
import { useCallback, useEffect, useState } from 'react';

export interface Lesson {
  slug: string;
  course: string;
  title: string;
  /** Rendered by the server from our own lesson markdown: trusted HTML. */
  html: string;
}

export type LessonState = { kind: 'loading' } | { kind: 'ready'; lesson: Lesson } | { kind: 'failed'; message: string };

async function fetchLesson(signal: AbortSignal): Promise<Lesson> {
  const response = await fetch('/api/lesson', { signal, headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => null)) as (Lesson & { error?: string }) | null;
  if (!response.ok || !body || typeof body.html !== 'string') {
    throw new Error(body?.error ?? `the server answered ${response.status}`);
  }
  return body;
}

export function useLesson(): { state: LessonState; retry: () => void } {
  const [state, setState] = useState<LessonState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const abort = new AbortController();
    setState({ kind: 'loading' });
    fetchLesson(abort.signal)
      .then((lesson) => setState({ kind: 'ready', lesson }))
      .catch((err: Error) => {
        if (!abort.signal.aborted) setState({ kind: 'failed', message: err.message });
      });
    return () => abort.abort();
  }, [attempt]);

  return { state, retry };
}
