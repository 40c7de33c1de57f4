// The join page: a learner types the class code (checked as typed, looked up once it can be one)
// and a display name, and joins the class.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, normalizeJoinCode } from '../../../shared/classroom-api.ts';
import { HttpError } from '../http.ts';
import { PageCard } from './BootScreen.tsx';
import { displayNameProblem } from './display-name.ts';
import { fetchJoinInfo, postJoin } from './session-api.ts';

/** A code typed by hand is looked up once typing pauses this long. */
const LOOKUP_DELAY_MS = 250;

type Lookup =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'found'; className: string }
  | { kind: 'missing'; message: string }
  | { kind: 'failed'; message: string };

type Submit =
  { kind: 'idle' } | { kind: 'joining' } | { kind: 'failed'; field: 'code' | 'name' | null; message: string };

const missingMessage = (code: string) => `No class with code ${code} — check the code with your instructor`;

/** Why a code cannot be one, before asking the server (its alphabet, its length); null when it may be. */
function codeProblem(code: string): string | null {
  if (code === '') return `Type the ${JOIN_CODE_LENGTH}-character code your instructor shows`;
  const bad = [...code].filter((c) => !JOIN_CODE_ALPHABET.includes(c));
  if (bad.length > 0) {
    return `Codes use letters and digits without look-alikes: no ${[...new Set(bad)].join(', ')}`;
  }
  if (code.length !== JOIN_CODE_LENGTH) return `Codes have ${JOIN_CODE_LENGTH} characters`;
  return null;
}

export function JoinPage({ initialCode }: { initialCode: string | null }) {
  const [codeText, setCodeText] = useState(initialCode ?? '');
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [codeTouched, setCodeTouched] = useState(initialCode !== null);
  const [lookup, setLookup] = useState<Lookup>({ kind: 'idle' });
  const [submit, setSubmit] = useState<Submit>({ kind: 'idle' });
  const nameInput = useRef<HTMLInputElement>(null);
  const ids = useId();
  const code = normalizeJoinCode(codeText);
  const codeIssue = codeProblem(code);
  const nameIssue = displayNameProblem(name);

  useEffect(() => {
    document.title = 'Join a class — Service Playground';
  }, []);

  useEffect(() => {
    if (codeProblem(code) !== null) {
      setLookup({ kind: 'idle' });
      return;
    }
    const abort = new AbortController();
    setLookup({ kind: 'checking' });
    const timer = setTimeout(
      () => {
        fetchJoinInfo(code, abort.signal).then(
          (info) => {
            setLookup({ kind: 'found', className: info.class.name });
            nameInput.current?.focus();
          },
          (err: Error) => {
            if (abort.signal.aborted) return;
            if (err instanceof HttpError && err.status === 404)
              setLookup({ kind: 'missing', message: missingMessage(code) });
            else setLookup({ kind: 'failed', message: `The class could not be looked up: ${err.message}` });
          },
        );
      },
      code === initialCode ? 0 : LOOKUP_DELAY_MS,
    );
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [code, initialCode]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setNameTouched(true);
    setCodeTouched(true);
    if (codeIssue || nameIssue || lookup.kind === 'missing') return;
    setSubmit({ kind: 'joining' });
    postJoin({ code, name: name.trim() }).then(
      // A fresh load: the page asks the server again who this browser is, and opens the workspace.
      () => window.location.assign('/'),
      (err: Error) => {
        const status = err instanceof HttpError ? err.status : 0;
        if (status === 409)
          setSubmit({ kind: 'failed', field: 'name', message: 'That name is taken in this class — add an initial' });
        else if (status === 404) setSubmit({ kind: 'failed', field: 'code', message: missingMessage(code) });
        else if (status === 400) setSubmit({ kind: 'failed', field: 'name', message: err.message });
        else setSubmit({ kind: 'failed', field: null, message: `Joining failed: ${err.message}` });
      },
    );
  };

  const codeMessage =
    submit.kind === 'failed' && submit.field === 'code'
      ? submit.message
      : lookup.kind === 'missing' || lookup.kind === 'failed'
        ? lookup.message
        : codeTouched
          ? codeIssue
          : null;
  // A character that cannot be used is said at once; an empty name only once the field was left.
  const nameMessage =
    submit.kind === 'failed' && submit.field === 'name'
      ? submit.message
      : nameTouched || name.trim() !== ''
        ? nameIssue
        : null;
  const codeState = lookup.kind === 'found' ? 'ok' : codeMessage ? 'bad' : 'plain';

  return (
    <PageCard>
      <h1 className="page-card-title">{lookup.kind === 'found' ? `Join ${lookup.className}` : 'Join a class'}</h1>
      <p className="page-card-text">
        Your instructor sees your name and your progress through the lessons, and can watch your terminals to help.
      </p>
      <form className="form" onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={`${ids}-code`}>Class code</label>
          <div className={`code-input code-input-${codeState}`}>
            <input
              id={`${ids}-code`}
              className="input input-code"
              value={codeText}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={16}
              placeholder="K7QX2M"
              aria-invalid={codeMessage !== null}
              aria-describedby={`${ids}-code-note`}
              data-testid="join-code"
              autoFocus={initialCode === null}
              onChange={(e) => {
                setCodeText(e.target.value.toUpperCase());
                if (submit.kind === 'failed') setSubmit({ kind: 'idle' });
              }}
              onBlur={() => setCodeTouched(true)}
            />
            <span className="code-input-state" aria-hidden="true">
              {lookup.kind === 'checking' ? '…' : lookup.kind === 'found' ? '✓' : ''}
            </span>
          </div>
          <p
            id={`${ids}-code-note`}
            className={`field-note${codeMessage ? ' field-problem' : ''}`}
            role={codeMessage ? 'alert' : undefined}
            data-testid="join-code-note"
          >
            {codeMessage ??
              (lookup.kind === 'found' ? (
                <>
                  Class: <strong data-testid="join-class-name">{lookup.className}</strong>
                </>
              ) : (
                `${JOIN_CODE_LENGTH} letters and digits, from your instructor's screen`
              ))}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-name`}>Your name</label>
          <input
            id={`${ids}-name`}
            ref={nameInput}
            className="input"
            value={name}
            autoComplete="nickname"
            maxLength={60}
            placeholder="Ada L."
            aria-invalid={nameMessage !== null}
            aria-describedby={`${ids}-name-note`}
            data-testid="join-name"
            autoFocus={initialCode !== null}
            onChange={(e) => {
              setName(e.target.value);
              if (submit.kind === 'failed' && submit.field === 'name') setSubmit({ kind: 'idle' });
            }}
            onBlur={() => name !== '' && setNameTouched(true)}
          />
          <p
            id={`${ids}-name-note`}
            className={`field-note${nameMessage ? ' field-problem' : ''}`}
            role={nameMessage ? 'alert' : undefined}
            data-testid="join-name-note"
          >
            {nameMessage ?? "As your instructor should see it: letters, digits, spaces and . _ ' -"}
          </p>
        </div>
        {submit.kind === 'failed' && submit.field === null && (
          <p className="form-problem" role="alert" data-testid="join-error">
            {submit.message}
          </p>
        )}
        <button
          type="submit"
          className="button button-primary button-wide"
          disabled={submit.kind === 'joining'}
          data-testid="join-submit"
        >
          {submit.kind === 'joining' ? 'Joining…' : 'Join the class'}
        </button>
      </form>
      <p className="page-card-footer">
        <a href="/instructor" data-testid="instructor-link">
          Instructor? Sign in
        </a>
      </p>
    </PageCard>
  );
}
