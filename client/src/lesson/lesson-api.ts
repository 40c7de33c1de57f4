// The lesson API (server/lessons/routes.ts), typed by its response shapes. The learner is the
// cookie the server sets; fetch sends it on these same-origin requests.
import type { CheckResponse, CourseListing, LessonView, ResetResponse } from '../../../shared/lesson-api.ts';
import { requestJson } from '../http.ts';
import type { LessonAddress } from './lesson-route.ts';

const lessonPath = (a: LessonAddress) => `/api/lessons/${encodeURIComponent(a.course)}/${encodeURIComponent(a.lesson)}`;

export const fetchCourse = (signal?: AbortSignal) => requestJson<CourseListing>('GET', '/api/course', { signal });

export const fetchLesson = (a: LessonAddress, signal?: AbortSignal) =>
  requestJson<LessonView>('GET', lessonPath(a), { signal });

export const checkStep = (a: LessonAddress, step: string) =>
  requestJson<CheckResponse>('POST', `${lessonPath(a)}/steps/${encodeURIComponent(step)}/check`);

export const resetLesson = (a: LessonAddress) => requestJson<ResetResponse>('POST', `${lessonPath(a)}/reset`);

export const putCurrent = (a: LessonAddress) =>
  requestJson<{ current: string | null }>('PUT', '/api/progress/current', {
    body: { lesson: `${a.course}/${a.lesson}` },
  });
