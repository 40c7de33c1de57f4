// The instructor's endpoints (shared/classroom-api.ts lists them all). The instructor's cookie
// rides along on these same-origin requests.
import type {
  BroadcastRequest,
  ClassDetail,
  ClassSummary,
  FilesView,
  JoinAddress,
} from '../../../shared/classroom-api.ts';
import type { CourseListing } from '../../../shared/lesson-api.ts';
import { requestJson } from '../http.ts';

const classPath = (id: string) => `/api/classes/${encodeURIComponent(id)}`;
const learnerPath = (classId: string, learnerId: string) =>
  `${classPath(classId)}/learners/${encodeURIComponent(learnerId)}`;

export const fetchClasses = (signal?: AbortSignal) =>
  requestJson<{ classes: ClassSummary[] }>('GET', '/api/classes', { signal });

export const createClass = (name: string) => requestJson<ClassSummary>('POST', '/api/classes', { body: { name } });

export const fetchClass = (id: string, signal?: AbortSignal) =>
  requestJson<ClassDetail>('GET', classPath(id), { signal });

export const archiveClass = (id: string, archived: boolean) =>
  requestJson<ClassSummary>('POST', `${classPath(id)}/archive`, { body: { archived } });

export const deleteClass = (id: string) => requestJson<{ ok: boolean; learners: number }>('DELETE', classPath(id));

/** Where learners reach this server (not the instructor's 127.0.0.1): PUBLIC_URL, the LAN address… */
export const fetchJoinAddress = (signal?: AbortSignal) =>
  requestJson<JoinAddress>('GET', '/api/instructor/join-address', { signal });

export const classEventsUrl = (id: string) => `${classPath(id)}/events`;

export const watchUrl = (classId: string, learnerId: string) => `${learnerPath(classId, learnerId)}/watch`;
/** The services whose Inspect view the dashboard can show for a learner. */
export const fetchInspectable = (classId: string, learnerId: string) =>
  requestJson<{ services: Array<{ name: string; title: string }> }>(
    'GET',
    `${learnerPath(classId, learnerId)}/inspect`,
  );
/** A watched learner's Inspect view of `service` (server-sent `{state}` or `{error}` events). */
export const inspectUrl = (classId: string, learnerId: string, service: string) =>
  `${learnerPath(classId, learnerId)}/inspect/${encodeURIComponent(service)}`;

export const progressCsvUrl = (id: string) => `${classPath(id)}/progress.csv`;

export const resetLearner = (classId: string, learnerId: string) =>
  requestJson<{ ok: boolean; message: string }>('POST', `${learnerPath(classId, learnerId)}/reset`);

export const removeLearner = (classId: string, learnerId: string) =>
  requestJson<{ ok: boolean }>('DELETE', learnerPath(classId, learnerId));

export const broadcast = (classId: string, request: BroadcastRequest) =>
  requestJson<{ ok: boolean; learners: number }>('POST', `${classPath(classId)}/broadcast`, { body: request });

/** Course titles for the grid's headers (the columns carry slugs only). */
export const fetchCourse = (signal?: AbortSignal) => requestJson<CourseListing>('GET', '/api/course', { signal });

export const fetchFiles = (lesson: string) =>
  requestJson<FilesView>('GET', `/api/files?lesson=${encodeURIComponent(lesson)}`);
