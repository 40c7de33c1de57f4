// The dashboard's first page: the instructor's classes, and a form to create one. Archived classes
// sit apart, folded, each with Restore and Delete.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { ClassSummary } from '../../../shared/classroom-api.ts';
import { HttpError } from '../http.ts';
import { createClass, fetchClasses } from './api.ts';
import { ClassActions } from './ClassActions.tsx';
import type { Navigate } from '../classroom/page-route.ts';

type Listing = { kind: 'loading' } | { kind: 'ready'; classes: ClassSummary[] } | { kind: 'failed'; message: string };

/** A class name as the form takes it: something to tell classes apart by. */
const MAX_CLASS_NAME = 80;

const day = (iso: string) => new Date(iso).toLocaleDateString([], { year: 'numeric', month: 'short', day: 'numeric' });

export function ClassList({ navigate }: { navigate: Navigate }) {
  const [listing, setListing] = useState<Listing>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [name, setName] = useState('');
  const [creating, setCreating] = useState<{ kind: 'idle' } | { kind: 'busy' } | { kind: 'failed'; message: string }>({
    kind: 'idle',
  });
  const id = useId();
  const [notice, setNotice] = useState<{ ok: boolean; message: string } | null>(null);

  useEffect(() => {
    document.title = 'Classes — Service Playground';
    const abort = new AbortController();
    fetchClasses(abort.signal).then(
      ({ classes }) => setListing({ kind: 'ready', classes }),
      (err: Error) => {
        if (abort.signal.aborted) return;
        // Signed out meanwhile (the secret changed, the sign-in expired): the page asks again.
        if (err instanceof HttpError && err.status === 401) window.location.reload();
        else setListing({ kind: 'failed', message: err.message });
      },
    );
    return () => abort.abort();
  }, [attempt]);

  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') {
      setCreating({ kind: 'failed', message: 'Give the class a name, e.g. "Caching workshop, Tuesday"' });
      return;
    }
    setCreating({ kind: 'busy' });
    createClass(trimmed).then(
      (summary) => navigate({ kind: 'class', classId: summary.id }),
      (err: Error) => setCreating({ kind: 'failed', message: `The class was not created: ${err.message}` }),
    );
  };

  const all =
    listing.kind === 'ready' ? [...listing.classes].sort((a, b) => b.createdAt.localeCompare(a.createdAt)) : [];
  const classes = all.filter((c) => c.archivedAt === null);
  const archived = all.filter((c) => c.archivedAt !== null);
  const replace = (changed: ClassSummary) =>
    setListing((l) =>
      l.kind === 'ready' ? { ...l, classes: l.classes.map((c) => (c.id === changed.id ? changed : c)) } : l,
    );
  const drop = (gone: ClassSummary, learners: number) => {
    setListing((l) => (l.kind === 'ready' ? { ...l, classes: l.classes.filter((c) => c.id !== gone.id) } : l));
    setNotice({
      ok: true,
      message: `${gone.name} was deleted${learners > 0 ? `, with the data of ${learners} ${learners === 1 ? 'learner' : 'learners'}` : ''}.`,
    });
  };
  return (
    <div className="dashboard-page">
      <h1 className="dashboard-title">Classes</h1>
      <form className="card create-class" onSubmit={onCreate} noValidate>
        <label htmlFor={`${id}-name`} className="card-title">
          New class
        </label>
        <div className="inline-form">
          <input
            id={`${id}-name`}
            className="input"
            value={name}
            maxLength={MAX_CLASS_NAME}
            placeholder="Caching workshop, Tuesday"
            autoComplete="off"
            aria-invalid={creating.kind === 'failed'}
            data-testid="class-create-name"
            onChange={(e) => {
              setName(e.target.value);
              if (creating.kind === 'failed') setCreating({ kind: 'idle' });
            }}
          />
          <button
            type="submit"
            className="button button-primary"
            disabled={creating.kind === 'busy'}
            data-testid="class-create"
          >
            {creating.kind === 'busy' ? 'Creating…' : 'Create class'}
          </button>
        </div>
        <p
          className={`field-note${creating.kind === 'failed' ? ' field-problem' : ''}`}
          role={creating.kind === 'failed' ? 'alert' : undefined}
        >
          {creating.kind === 'failed'
            ? creating.message
            : 'Learners join it with a code or a link; you see their progress live.'}
        </p>
      </form>

      {listing.kind === 'loading' && <p className="muted">Loading the classes…</p>}
      {listing.kind === 'failed' && (
        <div className="card card-problem" role="alert">
          <p>The classes could not be loaded: {listing.message}</p>
          <button
            type="button"
            className="button"
            onClick={() => (setListing({ kind: 'loading' }), setAttempt((n) => n + 1))}
          >
            Retry
          </button>
        </div>
      )}
      {notice && (
        <p
          className={`result-line list-problem${notice.ok ? '' : ' result-bad'}`}
          role={notice.ok ? 'status' : 'alert'}
          data-testid="class-list-notice"
        >
          {notice.message}
        </p>
      )}
      {listing.kind === 'ready' && classes.length === 0 && (
        <p className="empty-note">
          {archived.length === 0
            ? 'No classes yet. Create one above, then share its code with your learners.'
            : 'No current classes. Create one above, or restore an archived one below.'}
        </p>
      )}
      {classes.length > 0 && (
        <ul className="class-list" data-testid="class-list">
          {classes.map((c) => (
            <li key={c.id}>
              <a
                className="class-item"
                href={`/instructor/classes/${encodeURIComponent(c.id)}`}
                data-testid={`class-link-${c.id}`}
                onClick={(e) => {
                  if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                  e.preventDefault();
                  navigate({ kind: 'class', classId: c.id });
                }}
              >
                <span className="class-item-name">{c.name}</span>
                <span className="class-item-code">{c.code}</span>
                <span className="class-item-meta">
                  {c.learners} {c.learners === 1 ? 'learner' : 'learners'} · created {day(c.createdAt)}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {archived.length > 0 && (
        <details className="archived-classes" data-testid="archived-classes">
          <summary>Archived classes ({archived.length})</summary>
          <ul className="class-list class-list-archived">
            {archived.map((c) => (
              <li key={c.id} data-testid={`archived-class-${c.id}`}>
                <a
                  className="class-item"
                  href={`/instructor/classes/${encodeURIComponent(c.id)}`}
                  onClick={(e) => {
                    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                    e.preventDefault();
                    navigate({ kind: 'class', classId: c.id });
                  }}
                >
                  <span className="class-item-name">{c.name}</span>
                  <span className="class-item-meta">
                    {c.learners} {c.learners === 1 ? 'learner' : 'learners'} · archived {day(c.archivedAt!)}
                  </span>
                </a>
                <div className="class-item-actions">
                  <ClassActions
                    summary={c}
                    small
                    onChanged={(changed) => {
                      replace(changed);
                      setNotice({ ok: true, message: `${changed.name} is back among the current classes.` });
                    }}
                    onDeleted={drop}
                    onProblem={(message) => setNotice({ ok: false, message })}
                  />
                </div>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
