// One class live on the dashboard: how to join, who is there, the progress grid kept current by the
// class's event stream, broadcasting, and the drawer that watches one learner.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ClassDetail } from '../../../shared/classroom-api.ts';
import { cellState } from '../../../shared/classroom-api.ts';
import { HttpError } from '../http.ts';
import { classEventsUrl, fetchClass, fetchCourse, progressCsvUrl } from './api.ts';
import { BroadcastPanel } from './BroadcastPanel.tsx';
import { ClassActions } from './ClassActions.tsx';
import { applyClassEvent, parseClassEvent } from './class-events.ts';
import type { Navigate } from '../classroom/page-route.ts';
import { groupColumns, lessonPlace } from './grid-columns.ts';
import { JoinPanel } from './JoinPanel.tsx';
import { useJoinAddress } from './use-join-address.ts';
import { ORDER_TITLES, doneCount, orderLearners, type LearnerOrder } from './learner-order.ts';
import { LiveStatus } from './LiveStatus.tsx';
import { GridLegend, ProgressGrid } from './ProgressGrid.tsx';
import { useEventStream } from './use-event-stream.ts';
import { WatchDrawer } from './WatchDrawer.tsx';

/** Cells age without events (working → idle → stuck): the grid recomputes them this often. */
export const GRID_REFRESH_MS = 30_000;

/** A message at the foot of the page (a learner removed) stays this long. */
const TOAST_MS = 6000;

const CLASS_EVENT_NAMES = ['snapshot', 'learner', 'removed'] as const;

export function ClassPage({ classId, navigate }: { classId: string; navigate: Navigate }) {
  const [detail, setDetail] = useState<ClassDetail | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [courseTitles, setCourseTitles] = useState<Record<string, string>>({});
  const [order, setOrder] = useState<LearnerOrder>('joined');
  const [watching, setWatching] = useState<string | null>(null);
  const [toast, setToast] = useState<string | null>(null);
  const joinAddress = useJoinAddress();

  const onData = useCallback((data: string) => {
    const event = parseClassEvent(data);
    if (!event) return;
    setDetail((d) => applyClassEvent(d, event));
    // An event is news: cells are recomputed against the time it arrived.
    setNow(Date.now());
  }, []);
  const status = useEventStream(classEventsUrl(classId), onData, CLASS_EVENT_NAMES, attempt);

  // The browser gives up on a stream the server refused; the plain request says why (404, 401).
  useEffect(() => {
    if (status !== 'closed' || detail) return;
    const abort = new AbortController();
    fetchClass(classId, abort.signal).then(
      (d) => setDetail(d),
      (err: Error) => {
        if (abort.signal.aborted) return;
        // Signed out meanwhile: the page asks for the secret again.
        if (err instanceof HttpError && err.status === 401) {
          window.location.reload();
          return;
        }
        setProblem(
          err instanceof HttpError && err.status === 404
            ? 'There is no such class (it may have been created on another playground).'
            : `The class could not be loaded: ${err.message}`,
        );
      },
    );
    return () => abort.abort();
  }, [status, detail, classId]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), GRID_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    fetchCourse(abort.signal).then(
      (listing) => setCourseTitles(Object.fromEntries(listing.courses.map((c) => [c.slug, c.title]))),
      () => {
        // Slugs then stand in for titles.
      },
    );
    return () => abort.abort();
  }, []);

  useEffect(() => {
    if (detail) document.title = `${detail.class.name} — Service Playground`;
  }, [detail]);

  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(null), TOAST_MS);
    return () => clearTimeout(t);
  }, [toast]);

  // Escape closes the drawer, unless a dialog or the full-screen code is in front of it.
  useEffect(() => {
    if (!watching) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (document.querySelector('dialog[open], .projector')) return;
      setWatching(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [watching]);

  const groups = useMemo(() => groupColumns(detail?.steps ?? [], courseTitles), [detail?.steps, courseTitles]);
  const learners = useMemo(() => (detail ? orderLearners(detail.learners, order, detail.steps) : []), [detail, order]);
  const onOpen = useCallback((id: string) => setWatching((w) => (w === id ? w : id)), []);
  const stuck = useMemo(
    () =>
      detail
        ? detail.learners.filter((l) => detail.steps.some((c) => cellState(l, c, detail.steps, now) === 'stuck')).length
        : 0,
    [detail, now],
  );

  const watched = detail?.learners.find((l) => l.id === watching) ?? null;
  // Removed elsewhere (another tab, the event stream): nothing left to watch.
  useEffect(() => {
    if (watching && detail && !watched) setWatching(null);
  }, [watching, detail, watched]);

  if (!detail) {
    return (
      <div className="dashboard-page">
        <BackLink navigate={navigate} />
        {problem ? (
          <div className="card card-problem" role="alert">
            <p>{problem}</p>
            <button
              type="button"
              className="button"
              onClick={() => {
                setProblem(null);
                setAttempt((n) => n + 1);
              }}
            >
              Retry
            </button>
          </div>
        ) : (
          <p className="muted">Loading the class…</p>
        )}
      </div>
    );
  }

  const checked = detail.steps.filter((s) => s.hasCheck).length;
  const online = detail.learners.filter((l) => l.online).length;

  return (
    <div className="dashboard-page class-page">
      <BackLink navigate={navigate} />
      <div className="class-header">
        <h1 className="dashboard-title" data-testid="class-name">
          {detail.class.name}
        </h1>
        <LiveStatus status={status} onReconnect={() => setAttempt((n) => n + 1)} testId="class-live" />
        <span className="spacer" />
        <a className="button" href={progressCsvUrl(classId)} download data-testid="export-csv">
          Export CSV
        </a>
        <ClassActions
          summary={detail.class}
          onChanged={(summary) => setDetail((d) => (d ? { ...d, class: summary } : d))}
          onDeleted={() => navigate({ kind: 'classes' })}
          onProblem={setToast}
        />
      </div>
      {detail.class.archivedAt && (
        <p className="archived-banner" role="status" data-testid="class-archived">
          Archived {new Date(detail.class.archivedAt).toLocaleDateString([], { dateStyle: 'medium' })}: the class takes
          no new learners. Everything recorded stays; Restore opens it again.
        </p>
      )}

      <div className="class-panels">
        <JoinPanel summary={detail.class} online={online} address={joinAddress} />
        <BroadcastPanel classId={classId} broadcasting={detail.broadcastingTerminals} online={online} />
        <section className="card class-stats" aria-label="The class now">
          <div className="card-title">Now</div>
          <dl>
            <div>
              <dt>online</dt>
              <dd>
                {online}
                <span className="muted"> / {detail.learners.length}</span>
              </dd>
            </div>
            <div className={stuck > 0 ? 'stat-alert' : undefined}>
              <dt>stuck</dt>
              <dd data-testid="class-stuck">{stuck}</dd>
            </div>
            <div>
              <dt>steps with a check</dt>
              <dd>{checked}</dd>
            </div>
          </dl>
        </section>
      </div>

      <div className="grid-toolbar">
        <GridLegend />
        <span className="spacer" />
        <label className="order-select">
          Order
          <select
            className="input input-small"
            value={order}
            onChange={(e) => setOrder(e.target.value as LearnerOrder)}
          >
            {(Object.keys(ORDER_TITLES) as LearnerOrder[]).map((o) => (
              <option key={o} value={o}>
                {ORDER_TITLES[o]}
              </option>
            ))}
          </select>
        </label>
      </div>

      {detail.learners.length === 0 ? (
        <div className="grid-empty" data-testid="grid">
          <p className="grid-empty-title">No one has joined yet</p>
          <p>
            Learners open <code>{`${joinAddress.base}${detail.class.joinPath}`}</code> or enter the code{' '}
            <strong>{detail.class.code}</strong>. They appear here as they join.
          </p>
        </div>
      ) : (
        <ProgressGrid
          learners={learners}
          columns={detail.steps}
          groups={groups}
          now={now}
          selected={watching}
          onOpen={onOpen}
        />
      )}

      {watched && (
        <WatchDrawer
          key={watched.id}
          classId={classId}
          learner={watched}
          place={lessonPlace(groups, watched.current)?.full ?? null}
          done={doneCount(watched, detail.steps)}
          checked={checked}
          now={now}
          onClose={() => setWatching(null)}
          onRemoved={(message) => {
            setWatching(null);
            setToast(message);
          }}
        />
      )}
      {toast && (
        <div className="toast toast-info" role="status" data-testid="dashboard-toast">
          <span>{toast}</span>
          <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => setToast(null)}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}

function BackLink({ navigate }: { navigate: Navigate }) {
  return (
    <a
      className="back-link"
      href="/instructor"
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate({ kind: 'classes' });
      }}
    >
      ← All classes
    </a>
  );
}
