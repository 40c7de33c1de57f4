// The lesson API (server/lessons/routes.ts), typed by its response shapes. The learner is the
// cookie the server sets; fetch sends it on these same-origin requests.
import type { CheckResponse, CourseListing, LessonView, ResetResponse } from '../../../shared/lesson-api.ts';
import type { LessonAddress } from './lesson-route.ts';

async function call<T>(
  method: string,
  url: string,
  options: { body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      signal: options.signal,
      headers: {
        accept: 'application/json',
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new Error('the playground server did not answer (is it running?)', { cause: err });
  }
  const body = (await response.json().catch(() => null)) as (T & { error?: string }) | null;
  if (!response.ok || body === null) throw new Error(body?.error ?? `the server answered ${response.status}`);
  return body;
}

const lessonPath = (a: LessonAddress) => `/api/lessons/${encodeURIComponent(a.course)}/${encodeURIComponent(a.lesson)}`;

export const fetchCourse = (signal?: AbortSignal) => call<CourseListing>('GET', '/api/course', { signal });

export const fetchLesson = (a: LessonAddress, signal?: AbortSignal) =>
  call<LessonView>('GET', lessonPath(a), { signal });

export const checkStep = (a: LessonAddress, step: string) =>
  call<CheckResponse>('POST', `${lessonPath(a)}/steps/${encodeURIComponent(step)}/check`);

export const resetLesson = (a: LessonAddress) => call<ResetResponse>('POST', `${lessonPath(a)}/reset`);

export const putCurrent = (a: LessonAddress) =>
  call<{ current: string | null }>('PUT', '/api/progress/current', { body: { lesson: `${a.course}/${a.lesson}` } });
