import { useCallback, useEffect, useState } from 'react';

interface Lesson {
  slug: string;
  course: string;
  title: string;
  /** Rendered by the server from our own lesson markdown: trusted HTML. */
  html: string;
}

type LoadState = { kind: 'loading' } | { kind: 'ready'; lesson: Lesson } | { kind: 'failed'; message: string };

async function fetchLesson(signal: AbortSignal): Promise<Lesson> {
  const response = await fetch('/api/lesson', { signal, headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => null)) as (Lesson & { error?: string }) | null;
  if (!response.ok || !body || typeof body.html !== 'string') {
    throw new Error(body?.error ?? `the server answered ${response.status}`);
  }
  return body;
}

function courseTitle(slug: string): string {
  return slug.replace(/[-_]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

export function LessonPane() {
  const [state, setState] = useState<LoadState>({ kind: 'loading' });
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

  return (
    <section className="lesson-pane" aria-label="Lesson" data-testid="lesson">
      {state.kind === 'loading' && <div className="placeholder">Loading the lesson…</div>}
      {state.kind === 'failed' && (
        <div className="placeholder placeholder-error">
          <p>The lesson could not be loaded: {state.message}</p>
          <button type="button" className="button" onClick={retry}>
            Try again
          </button>
        </div>
      )}
      {state.kind === 'ready' && (
        <article className="lesson">
          <p className="lesson-course">{courseTitle(state.lesson.course)}</p>
          {!/<h1[\s>]/.test(state.lesson.html) && <h1>{state.lesson.title}</h1>}
          <div className="lesson-content" dangerouslySetInnerHTML={{ __html: state.lesson.html }} />
        </article>
      )}
    </section>
  );
}
