// The open lesson: title, summary and introduction, its steps, "start this lesson fresh" (asked in
// an in-app dialog first), and the way to the lessons before and after.
import { useState } from 'react';
import type { LessonView as Lesson, ResetResponse } from '../../../shared/lesson-api.ts';
import { ConfirmDialog } from '../dashboard/ConfirmDialog.tsx';
import type { Workspace } from '../workspace.ts';
import { resetLesson } from './lesson-api.ts';
import type { LessonAddress } from './lesson-route.ts';
import { stepKey } from './progress.ts';
import { StepCard } from './StepCard.tsx';
import { stepChecks } from './step-checks.ts';

type ResetState =
  | { kind: 'idle' }
  | { kind: 'asking' }
  | { kind: 'resetting' }
  | { kind: 'done'; response: ResetResponse }
  | { kind: 'failed'; message: string };

interface Props {
  lesson: Lesson;
  courseTitle: string;
  done: Record<string, string>;
  workspace: Workspace;
  onOpen: (a: LessonAddress) => void;
}

export function LessonView({ lesson, courseTitle, done, workspace, onOpen }: Props) {
  const address = { course: lesson.course, lesson: lesson.slug };
  const [reset, setReset] = useState<ResetState>({ kind: 'idle' });

  const startFresh = () => {
    setReset({ kind: 'resetting' });
    resetLesson(address).then(
      (response) => {
        // What the checks found was about the services before the reset; progress stays.
        stepChecks.forgetLesson(address);
        setReset({ kind: 'done', response });
      },
      (err: Error) => setReset({ kind: 'failed', message: err.message }),
    );
  };

  return (
    <article className="lesson" data-testid="lesson-view" data-lesson={`${lesson.course}/${lesson.slug}`}>
      <p className="lesson-course">{courseTitle}</p>
      <h1 className="lesson-title">{lesson.title}</h1>
      {lesson.summary && <p className="lesson-summary">{lesson.summary}</p>}
      <div className="lesson-fresh">
        <button
          type="button"
          className="button button-small button-quiet"
          disabled={reset.kind === 'resetting'}
          data-testid="lesson-reset"
          onClick={() => setReset({ kind: 'asking' })}
        >
          {reset.kind === 'resetting' ? 'Clearing…' : 'Start this lesson fresh'}
        </button>
        {reset.kind === 'failed' && (
          <span className="block-problem" role="status">
            Nothing was cleared: {reset.message}
          </span>
        )}
        {reset.kind === 'done' && (
          <div className="reset-report" role="status" data-testid="reset-report">
            <p>
              {reset.response.cleared.length > 0
                ? `Cleared: ${reset.response.cleared.join(', ')}.`
                : 'There was nothing to clear.'}
            </p>
            {reset.response.errors.map((e) => (
              <p key={e} className="check-bad">
                ✗ {e}
              </p>
            ))}
            <button type="button" className="link-button" onClick={() => setReset({ kind: 'idle' })}>
              Dismiss
            </button>
          </div>
        )}
        {reset.kind === 'asking' && (
          <ConfirmDialog
            title="Start this lesson fresh?"
            confirmLabel="Start fresh"
            danger
            onCancel={() => setReset({ kind: 'idle' })}
            onConfirm={startFresh}
          >
            <p>
              What this lesson created in the services (keys, queues, tables) is deleted, so you can do its steps again
              from the start.
            </p>
            <p>Your progress and your editor files stay.</p>
          </ConfirmDialog>
        )}
      </div>
      {/* The intro's own h1 repeats the title: the one above stands for both. */}
      <div
        className="lesson-content lesson-intro"
        dangerouslySetInnerHTML={{ __html: lesson.introHtml.replace(/^\s*<h1[^>]*>[\s\S]*?<\/h1>\s*/, '') }}
      />
      {lesson.steps.map((step, i) => (
        <StepCard
          key={`${lesson.course}/${lesson.slug}/${step.id}`}
          address={address}
          step={step}
          index={i}
          done={stepKey(lesson.course, lesson.slug, step.id) in done}
          workspace={workspace}
        />
      ))}
      <nav className="lesson-nav" aria-label="Other lessons">
        {lesson.prev ? (
          <a
            className="lesson-nav-link prev"
            href={`#/${lesson.prev.course}/${lesson.prev.slug}`}
            title="Alt+["
            data-testid="lesson-prev"
            onClick={(e) => {
              e.preventDefault();
              onOpen({ course: lesson.prev!.course, lesson: lesson.prev!.slug });
            }}
          >
            <span className="lesson-nav-dir">← Previous</span>
            {lesson.prev.title}
          </a>
        ) : (
          <span />
        )}
        {lesson.next && (
          <a
            className="lesson-nav-link next"
            href={`#/${lesson.next.course}/${lesson.next.slug}`}
            title="Alt+]"
            data-testid="lesson-next"
            onClick={(e) => {
              e.preventDefault();
              onOpen({ course: lesson.next!.course, lesson: lesson.next!.slug });
            }}
          >
            <span className="lesson-nav-dir">Next →</span>
            {lesson.next.title}
          </a>
        )}
      </nav>
    </article>
  );
}
