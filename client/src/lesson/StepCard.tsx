// A step of a lesson: its text with each runnable block in its placeholder, the solution behind
// a button, and the Check button with what each check found.
import { useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { CheckResponse, LessonView } from '../../../shared/lesson-api.ts';
import type { Workspace } from '../workspace.ts';
import { checkStep } from './lesson-api.ts';
import type { LessonAddress } from './lesson-route.ts';
import { LessonBlock } from './LessonBlock.tsx';

type Step = LessonView['steps'][number];

type CheckState =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'answered'; response: CheckResponse }
  | { kind: 'failed'; message: string };

interface Props {
  address: LessonAddress;
  step: Step;
  index: number;
  done: boolean;
  workspace: Workspace;
  onPassed: (step: string) => void;
}

export function StepCard({ address, step, index, done, workspace, onPassed }: Props) {
  const body = useRef<HTMLDivElement>(null);
  const [slots, setSlots] = useState<Array<{ el: Element; block: number }>>([]);
  const [showSolution, setShowSolution] = useState(false);
  const [check, setCheck] = useState<CheckState>({ kind: 'idle' });
  const hasSolution = step.blocks.some((b) => b.solution);

  // The html is set once per step; the blocks are drawn into its placeholders.
  useLayoutEffect(() => {
    const found = [...(body.current?.querySelectorAll('.lesson-block[data-block]') ?? [])].map((el) => ({
      el,
      block: Number((el as HTMLElement).dataset.block),
    }));
    setSlots(found.filter((s) => step.blocks[s.block] !== undefined));
  }, [step]);

  const runCheck = () => {
    setCheck({ kind: 'checking' });
    checkStep(address, step.id).then(
      (response) => {
        setCheck({ kind: 'answered', response });
        if (response.ok) onPassed(step.id);
      },
      (err: Error) => setCheck({ kind: 'failed', message: err.message }),
    );
  };

  const passedNow = check.kind === 'answered' && check.response.ok;
  return (
    <section
      className={`step-card${done || passedNow ? ' step-done' : ''}`}
      data-testid="step"
      data-step={step.id}
      data-done={done || passedNow}
      aria-labelledby={`step-${step.id}`}
    >
      <h2 id={`step-${step.id}`} className="step-title">
        <span className="step-number" aria-hidden="true">
          {done || passedNow ? '✓' : index + 1}
        </span>
        {step.title}
      </h2>
      <div className="lesson-content step-body" ref={body} dangerouslySetInnerHTML={{ __html: step.html }} />
      {slots.map(({ el, block }) => {
        const b = step.blocks[block];
        if (b.solution && !showSolution) return null;
        return createPortal(
          <>
            {b.solution && <div className="solution-label">Solution</div>}
            <LessonBlock block={b} workspace={workspace} />
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
              disabled={check.kind === 'checking'}
              data-testid="step-check"
              onClick={runCheck}
            >
              {check.kind === 'checking' ? 'Checking…' : 'Check'}
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
          {done && check.kind === 'idle' && <span className="check-note">Done before: check again any time.</span>}
        </div>
      )}
      {check.kind === 'failed' && (
        <p className="check-result check-bad" role="status" data-testid="check-result">
          The check could not run: {check.message}
        </p>
      )}
      {check.kind === 'answered' && (
        <ul className="check-results" role="status" data-testid="check-results" data-ok={check.response.ok}>
          {check.response.results.map((r, i) => (
            <li key={i} className={`check-result ${r.ok ? 'check-ok' : 'check-bad'}`} data-testid="check-result">
              <span aria-hidden="true">{r.ok ? '✓' : '✗'}</span> {r.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
