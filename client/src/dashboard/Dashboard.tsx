// The instructor's dashboard, a chunk of its own: /instructor lists the classes, /instructor/classes/:id
// is one class live. Moving between the two is history.pushState; the workspace is a page load away.
import { useCallback, useEffect, useState } from 'react';
import { dashboardPath, parsePageRoute, type DashboardView, type Navigate } from '../classroom/page-route.ts';
import { postInstructorLogout } from '../classroom/session-api.ts';
import { ClassList } from './ClassList.tsx';
import { ClassPage } from './ClassPage.tsx';
import { ThemeToggle } from '../top-bar/ThemeToggle.tsx';
import './dashboard.css';

function currentView(): DashboardView {
  const route = parsePageRoute(window.location.pathname);
  return route.kind === 'instructor' ? route.view : { kind: 'classes' };
}

export default function Dashboard() {
  const [view, setView] = useState<DashboardView>(currentView);

  useEffect(() => {
    const onPop = () => setView(currentView());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback<Navigate>((to) => {
    const path = dashboardPath(to);
    if (window.location.pathname !== path) window.history.pushState(null, '', path);
    setView(to);
  }, []);

  const signOut = () => {
    postInstructorLogout()
      .catch(() => {
        // Signed out or not, the sign-in page is where this ends.
      })
      .finally(() => window.location.assign('/instructor'));
  };

  return (
    <div className="dashboard">
      <header className="top-bar dashboard-bar">
        <a
          className="brand brand-link"
          href="/instructor"
          onClick={(e) => (e.preventDefault(), navigate({ kind: 'classes' }))}
        >
          <span className="brand-mark" aria-hidden="true">
            &gt;_
          </span>
          <span className="brand-name">Service Playground</span>
          <span className="brand-role">Instructor</span>
        </a>
        <nav className="dashboard-nav" aria-label="Dashboard">
          <ThemeToggle />
          <a className="button button-small button-quiet" href="/" title="Your own lessons, editor and terminals">
            My workspace
          </a>
          <button type="button" className="button button-small button-quiet" onClick={signOut} data-testid="sign-out">
            Sign out
          </button>
        </nav>
      </header>
      <div className="dashboard-scroll">
        {view.kind === 'classes' ? (
          <ClassList navigate={navigate} />
        ) : (
          <ClassPage key={view.classId} classId={view.classId} navigate={navigate} />
        )}
      </div>
    </div>
  );
}
