import type { LessonState } from './use-lesson.ts';

function courseTitle(slug: string): string {
  return slug.replace(/[-_]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

export function LessonPane({ state, onRetry }: { state: LessonState; onRetry: () => void }) {
  return (
    <section className="lesson-pane" aria-label="Lesson" data-testid="lesson">
      {state.kind === 'loading' && <div className="placeholder">Loading the lesson…</div>}
      {state.kind === 'failed' && (
        <div className="placeholder placeholder-error">
          <p>The lesson could not be loaded: {state.message}</p>
          <button type="button" className="button" onClick={onRetry}>
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
