// Which page a path asks for, and which screen a session gets there. Paths, not hashes: the hash
// already names the lesson, and the server answers index.html for every path outside /api.
//   /join, /join/:code               the join page (the code pre-filled)
//   /instructor                      the dashboard's class list
//   /instructor/classes/:id          one class
//   anything else                    the workspace (the lessons, the editor, the terminals)
import { normalizeJoinCode, type SessionView } from '../../../shared/classroom-api.ts';

export type DashboardView = { kind: 'classes' } | { kind: 'class'; classId: string };

/** Moves the dashboard to another of its views (the dashboard pushes it onto the history). */
export type Navigate = (view: DashboardView) => void;

export type PageRoute =
  { kind: 'join'; code: string | null } | { kind: 'instructor'; view: DashboardView } | { kind: 'workspace' };

export type Screen = 'workspace' | 'join' | 'instructor-sign-in' | 'dashboard';

function segments(pathname: string): string[] | null {
  try {
    return pathname
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}

export function parsePageRoute(pathname: string): PageRoute {
  const parts = segments(pathname);
  if (!parts) return { kind: 'workspace' };
  const [first, ...rest] = parts;
  if (first === 'join' && rest.length <= 1) {
    const code = rest.length === 1 ? normalizeJoinCode(rest[0]) : '';
    return { kind: 'join', code: code === '' ? null : code };
  }
  if (first === 'instructor') {
    if (rest[0] === 'classes' && rest.length === 2 && rest[1] !== '') {
      return { kind: 'instructor', view: { kind: 'class', classId: rest[1] } };
    }
    // Anything else under /instructor is the list: an old link lands somewhere useful.
    return { kind: 'instructor', view: { kind: 'classes' } };
  }
  return { kind: 'workspace' };
}

export function dashboardPath(view: DashboardView): string {
  return view.kind === 'classes' ? '/instructor' : `/instructor/classes/${encodeURIComponent(view.classId)}`;
}

export const joinPath = (code?: string | null) => (code ? `/join/${encodeURIComponent(code)}` : '/join');

/**
 * Single-user mode is always the workspace. In a classroom, /instructor is the dashboard for the
 * instructor and the sign-in form for anyone else; elsewhere, whoever has joined (or signed in)
 * gets the workspace and everyone else the join page.
 */
export function screenFor(session: SessionView, route: PageRoute): Screen {
  if (session.mode === 'single') return 'workspace';
  if (route.kind === 'instructor') return session.role === 'instructor' ? 'dashboard' : 'instructor-sign-in';
  return session.role === null ? 'join' : 'workspace';
}
