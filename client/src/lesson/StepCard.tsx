// A step of a lesson: its text with each runnable block in its placeholder, the solution behind
// a button, and the Check button with what each check found. The check also runs by itself once
// the learner has run the step's blocks (step-checks.ts).
//
// Done is what the learner's progress says (the same as the outline's count), and stays done: a
// later check that fails, because a later step or a reset changed what this one made, shows as
// "changed since", not as a fresh failure.
import { useCallback, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { createPortal } from 'react-dom';
import type { LessonView } from '../../../shared/lesson-api.ts';
import type { Workspace } from '../workspace.ts';
import type { LessonAddress } from './lesson-route.ts';
import { LessonBlock, type BlockTracker } from './LessonBlock.tsx';
import { stepKey } from './progress.ts';
import { stepChecks, type StepCheck } from './step-checks.ts';

type Step = LessonView['steps'][number];

interface Props {
  address: LessonAddress;
  step: Step;
  index: number;
  /** The learner's progress has the step (the outline counts it). */
  done: boolean;
  workspace: Workspace;
}

function useStepCheck(key: string): StepCheck {
  const subscribe = useCallback((l: () => void) => stepChecks.subscribe(key, l), [key]);
  return useSyncExternalStore(subscribe, () => stepChecks.get(key));
}

export function StepCard({ address, step, index, done, workspace }: Props) {
  const body = useRef<HTMLDivElement>(null);
  const [slots, setSlots] = useState<Array<{ el: Element; block: number }>>([]);
  const [showSolution, setShowSolution] = useState(false);
  const key = stepKey(address.course, address.lesson, step.id);
  const check = useStepCheck(key);
  const hasSolution = step.blocks.some((b) => b.solution);

  // The html is set once per step; the blocks are drawn into its placeholders.
  useLayoutEffect(() => {
    const found = [...(body.current?.querySelectorAll('.lesson-block[data-block]') ?? [])].map((el) => ({
      el,
      block: Number((el as HTMLElement).dataset.block),
    }));
    setSlots(found.filter((s) => step.blocks[s.block] !== undefined));
  }, [step]);

  const { course, lesson } = address;
  const track: BlockTracker | undefined = step.hasCheck
    ? () => stepChecks.blockStarted({ course, lesson }, step.id)
    : undefined;
  const checking = check.kind === 'checking';

  return (
    <section
      className={`step-card${done ? ' step-done' : ''}`}
      data-testid="step"
      data-step={step.id}
      data-done={done}
      aria-labelledby={`step-${step.id}`}
    >
      <h2 id={`step-${step.id}`} className="step-title">
        <span className="step-number" aria-hidden="true">
          {done ? '✓' : index + 1}
        </span>
        {step.title}
        {done && <span className="visually-hidden"> (done)</span>}
      </h2>
      <div className="lesson-content step-body" ref={body} dangerouslySetInnerHTML={{ __html: step.html }} />
      {slots.map(({ el, block }) => {
        const b = step.blocks[block];
        if (b.solution && !showSolution) return null;
        return createPortal(
          <>
            {b.solution && <div className="solution-label">Solution</div>}
            <LessonBlock block={b} workspace={workspace} track={track} />
          </>,
          el,
          `${step.id}-${block}`,
        );
      })}
      {(step.hasCheck || hasSolution) && (
        <div className="step-footer">
          {step.hasCheck && (
            <button
              type="button"
              className="button button-check"
              disabled={checking}
              data-testid="step-check"
              onClick={() => void stepChecks.check(address, step.id, false)}
            >
              {checking ? 'Checking…' : 'Check'}
            </button>
          )}
          {hasSolution && (
            <button
              type="button"
              className="button button-quiet"
              aria-expanded={showSolution}
              data-testid="show-solution"
              onClick={() => setShowSolution((s) => !s)}
            >
              {showSolution ? 'Hide solution' : 'Show solution'}
            </button>
          )}
          {step.hasCheck && <CheckNote check={check} done={done} />}
        </div>
      )}
      <CheckAnswer check={check} done={done} />
    </section>
  );
}

/** One line beside the Check button: what happens by itself, or that the step was done before. */
function CheckNote({ check, done }: { check: StepCheck; done: boolean }) {
  if (check.kind === 'checking' && check.auto) {
    return <span className="check-note">Checking what your run did…</span>;
  }
  if (check.kind !== 'idle') return null;
  return (
    <span className="check-note">
      {done ? 'Done before: check again any time.' : 'Checked by itself when you run the step.'}
    </span>
  );
}

/** What the last check found, worded for who asked and for what the learner has done. */
function CheckAnswer({ check, done }: { check: StepCheck; done: boolean }) {
  const record = check.kind === 'answered' ? check.record : null;
  if (check.kind === 'failed') {
    return (
      <p className="check-result check-bad" role="status" data-testid="check-result">
        The check could not run: {check.message}
      </p>
    );
  }
  if (!record) return null;
  if (record.ok) {
    return (
      <ul className="check-results" role="status" data-testid="check-results" data-ok="true" data-auto={record.auto}>
        {record.auto && <li className="check-lead check-ok">Checked after your run: done.</li>}
        {record.results.map((r, i) => (
          <li key={i} className="check-result check-ok" data-testid="check-result">
            <span aria-hidden="true">✓</span> {r.message}
          </li>
        ))}
      </ul>
    );
  }
  // Done before, not so now: something after it changed what it made. The step stays done.
  if (done) {
    return (
      <ul
        className="check-results check-changed"
        role="status"
        data-testid="check-results"
        data-ok="false"
        data-changed="true"
        data-auto={record.auto}
      >
        <li className="check-lead">
          Done earlier — the services have changed since (a later step or a fresh start can do that). Your progress
          stays; run the step again to see it pass.
        </li>
        {record.results.map((r, i) => (
          <li key={i} className={`check-result ${r.ok ? 'check-ok' : 'check-was'}`} data-testid="check-result">
            <span aria-hidden="true">{r.ok ? '✓' : '↺'}</span> {r.message}
          </li>
        ))}
      </ul>
    );
  }
  // Asked by itself, midway through the step: not a mistake yet, only not finished.
  if (record.auto) {
    return (
      <ul
        className="check-results check-pending"
        role="status"
        data-testid="check-results"
        data-ok="false"
        data-auto="true"
      >
        <li className="check-lead">Checked after your run: not done yet.</li>
        {record.results.map((r, i) => (
          <li key={i} className={`check-result ${r.ok ? 'check-ok' : 'check-todo'}`} data-testid="check-result">
            <span aria-hidden="true">{r.ok ? '✓' : '·'}</span> {r.message}
          </li>
        ))}
      </ul>
    );
  }
  return (
    <ul className="check-results" role="status" data-testid="check-results" data-ok="false" data-auto="false">
      {record.results.map((r, i) => (
        <li key={i} className={`check-result ${r.ok ? 'check-ok' : 'check-bad'}`} data-testid="check-result">
          <span aria-hidden="true">{r.ok ? '✓' : '✗'}</span> {r.message}
        </li>
      ))}
    </ul>
  );
}
