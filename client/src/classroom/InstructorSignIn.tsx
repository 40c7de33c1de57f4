// The instructor's sign-in page: the secret printed when the playground started, then the dashboard.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { SessionView } from '../../../shared/classroom-api.ts';
import { HttpError } from '../http.ts';
import { PageCard } from './BootScreen.tsx';
import { postInstructorLogin } from './session-api.ts';

type Attempt = { kind: 'idle' } | { kind: 'signing-in' } | { kind: 'failed'; message: string };

export function InstructorSignIn({ session }: { session: SessionView }) {
  const [secret, setSecret] = useState('');
  const [attempt, setAttempt] = useState<Attempt>({ kind: 'idle' });
  const id = useId();

  useEffect(() => {
    document.title = 'Instructor sign-in — Service Playground';
  }, []);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (secret.trim() === '') {
      setAttempt({ kind: 'failed', message: 'Paste the instructor secret first' });
      return;
    }
    setAttempt({ kind: 'signing-in' });
    postInstructorLogin(secret.trim()).then(
      // The same path again, now with the instructor's cookie: the dashboard.
      () => window.location.reload(),
      (err: Error) =>
        setAttempt({
          kind: 'failed',
          message:
            err instanceof HttpError && err.status === 401
              ? 'That secret is not right — it was printed when the playground started'
              : `Signing in failed: ${err.message}`,
        }),
    );
  };

  const learner = session.mode === 'classroom' && session.role === 'learner' ? session : null;
  return (
    <PageCard>
      <h1 className="page-card-title">Instructor sign-in</h1>
      <p className="page-card-text">
        The instructor secret was printed in the terminal where the playground started (and is kept in its data
        directory).
      </p>
      {learner && (
        <p className="page-card-note">
          This browser has joined {learner.class.name} as {learner.learner.name}. <a href="/">Back to the lessons</a>
        </p>
      )}
      <form className="form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-secret`}>Instructor secret</label>
          <input
            id={`${id}-secret`}
            className="input input-code"
            type="password"
            value={secret}
            autoComplete="current-password"
            spellCheck={false}
            autoFocus
            aria-invalid={attempt.kind === 'failed'}
            aria-describedby={`${id}-note`}
            data-testid="instructor-secret"
            onChange={(e) => {
              setSecret(e.target.value);
              if (attempt.kind === 'failed') setAttempt({ kind: 'idle' });
            }}
          />
          <p
            id={`${id}-note`}
            className={`field-note${attempt.kind === 'failed' ? ' field-problem' : ''}`}
            role={attempt.kind === 'failed' ? 'alert' : undefined}
            data-testid="instructor-error"
          >
            {attempt.kind === 'failed'
              ? attempt.message
              : 'Only the instructor needs this; learners join with a class code.'}
          </p>
        </div>
        <button
          type="submit"
          className="button button-primary button-wide"
          disabled={attempt.kind === 'signing-in'}
          data-testid="instructor-submit"
        >
          {attempt.kind === 'signing-in' ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="page-card-footer">
        <a href="/join">Joining as a learner? Enter a class code</a>
      </p>
    </PageCard>
  );
}
