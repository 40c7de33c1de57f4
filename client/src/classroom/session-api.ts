// The classroom endpoints the page needs before (and beside) the workspace: who this browser is,
// joining a class, the instructor's sign-in. The dashboard's own calls live in dashboard/api.ts.
import type { JoinRequest, SessionView } from '../../../shared/classroom-api.ts';
import { HttpError, requestJson } from '../http.ts';

/**
 * GET /api/session. A server without the classroom answers 404 there: that is single-user mode,
 * so this page also works against a playground older than the classroom.
 */
export async function fetchSession(signal?: AbortSignal): Promise<SessionView> {
  try {
    return await requestJson<SessionView>('GET', '/api/session', { signal });
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return { mode: 'single' };
    throw err;
  }
}

export const fetchJoinInfo = (code: string, signal?: AbortSignal) =>
  requestJson<{ class: { name: string } }>('GET', `/api/join/${encodeURIComponent(code)}`, { signal });

export const postJoin = (request: JoinRequest) => requestJson<SessionView>('POST', '/api/join', { body: request });

export const postInstructorLogin = (secret: string) =>
  requestJson<SessionView>('POST', '/api/instructor/login', { body: { secret } });

export const postInstructorLogout = () => requestJson<unknown>('POST', '/api/instructor/logout', { allowEmpty: true });
