// What the page shows, decided once the server says who this browser is (GET /api/session): the
// workspace as always in single-user mode; in a classroom, the join page, the instructor's sign-in
// or dashboard, or the workspace with the classroom's extras. A path that is none of these gets a
// "not found" page with the course to pick from (no workspace is opened for it).
import { lazy, Suspense, useEffect, useState } from 'react';
import type { SessionView } from '../../shared/classroom-api.ts';
import { App } from './App.tsx';
import { BroadcastStore } from './classroom/broadcast-store.ts';
import { BootScreen } from './classroom/BootScreen.tsx';
import { ClassIdentity, DashboardLink } from './classroom/ClassIdentity.tsx';
import { InstructorSignIn } from './classroom/InstructorSignIn.tsx';
import { JoinPage } from './classroom/JoinPage.tsx';
import { LearnerExtras } from './classroom/LearnerExtras.tsx';
import { MirrorScreens } from './classroom/mirror-screens.ts';
import { parsePageRoute, screenFor } from './classroom/page-route.ts';
import { CLASSROOM_FINAL_CLOSE_CODES, SessionEnded } from './classroom/SessionEnded.tsx';
import { fetchSession } from './classroom/session-api.ts';
import { RemoteFilePersistence } from './editor/remote-files.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { isWorkspacePath, NotFoundPage } from './NotFoundPage.tsx';
import { Workspace } from './workspace.ts';
import './classroom/classroom.css';

// The dashboard is the instructor's alone: learners never download it.
const loadDashboard = () => import('./dashboard/Dashboard.tsx');

type SessionState = { kind: 'loading' } | { kind: 'ready'; session: SessionView } | { kind: 'failed'; message: string };

interface Live {
  workspace: Workspace;
  broadcasts: BroadcastStore<MirrorScreens> | null;
}

// Created once, outside React's state: StrictMode's double rendering must not open sockets or
// terminals twice, and the workspace lives as long as the page.
let live: Live | null = null;

function liveWorkspace(session: SessionView): Live {
  if (live) return live;
  if (session.mode === 'single') {
    live = { workspace: new Workspace(), broadcasts: null };
    return live;
  }
  const workspace = new Workspace({
    remoteFiles: new RemoteFilePersistence(),
    finalCloseCodes: CLASSROOM_FINAL_CLOSE_CODES,
  });
  // Listening before the socket can deliver anything: the constructor only started connecting.
  const broadcasts =
    session.role === 'learner' ? new BroadcastStore(workspace.connection, () => new MirrorScreens()) : null;
  live = { workspace, broadcasts };
  return live;
}

export function Boot() {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [Dashboard, setDashboard] = useState(() => lazy(loadDashboard));

  useEffect(() => {
    const abort = new AbortController();
    fetchSession(abort.signal).then(
      (session) => setState({ kind: 'ready', session }),
      (err: Error) => {
        if (!abort.signal.aborted) setState({ kind: 'failed', message: err.message });
      },
    );
    return () => abort.abort();
  }, [attempt]);

  if (state.kind === 'loading') {
    return (
      <BootScreen busy>
        <p className="boot-screen-text">Opening the playground…</p>
      </BootScreen>
    );
  }
  if (state.kind === 'failed') {
    return (
      <BootScreen>
        <h1 className="boot-screen-title">The playground could not be reached</h1>
        <p className="boot-screen-text" data-testid="boot-error">
          {state.message}
        </p>
        <button
          type="button"
          className="button button-primary"
          data-testid="boot-retry"
          onClick={() => {
            setState({ kind: 'loading' });
            setAttempt((n) => n + 1);
          }}
        >
          Retry
        </button>
      </BootScreen>
    );
  }

  const { session } = state;
  const route = parsePageRoute(window.location.pathname);
  switch (screenFor(session, route)) {
    case 'join':
      return (
        <>
          <JoinPage initialCode={route.kind === 'join' ? route.code : null} />
        </>
      );
    case 'instructor-sign-in':
      return (
        <>
          <InstructorSignIn session={session} />
        </>
      );
    case 'dashboard':
      return (
        <>
          <ErrorBoundary
            fallback={(error, retry) => (
              <BootScreen>
                <h1 className="boot-screen-title">The dashboard could not be loaded</h1>
                <p className="boot-screen-text">{error.message}</p>
                <button
                  type="button"
                  className="button button-primary"
                  onClick={() => {
                    // React caches a failed import: a fresh lazy component tries the download again.
                    setDashboard(() => lazy(loadDashboard));
                    retry();
                  }}
                >
                  Retry
                </button>
              </BootScreen>
            )}
          >
            <Suspense
              fallback={
                <BootScreen busy>
                  <p className="boot-screen-text">Loading the dashboard…</p>
                </BootScreen>
              }
            >
              <Dashboard />
            </Suspense>
          </ErrorBoundary>
        </>
      );
    case 'workspace':
      break;
  }
  if (route.kind === 'workspace' && !isWorkspacePath(window.location.pathname)) {
    return <NotFoundPage pathname={window.location.pathname} />;
  }

  const { workspace, broadcasts } = liveWorkspace(session);
  if (session.mode === 'single') return <App workspace={workspace} />;
  if (session.role === 'learner') {
    // Joined: the join link has done its work; the address bar keeps only the lesson.
    if (route.kind === 'join') window.history.replaceState(window.history.state, '', `/${window.location.hash}`);
    return (
      <App
        workspace={workspace}
        topBarExtra={
          <ClassIdentity name={session.learner.name} className={session.class.name} code={session.class.code} />
        }
      >
        {broadcasts && <LearnerExtras store={broadcasts} workspace={workspace} />}
        <SessionEnded connection={workspace.connection} role="learner" code={session.class.code} />
      </App>
    );
  }
  return (
    <App workspace={workspace} topBarExtra={<DashboardLink />}>
      <SessionEnded connection={workspace.connection} role="instructor" />
    </App>
  );
}
