// Fuzzed bodies sent to a running classroom-mode server (the app of server/app.ts with the real
// classroom router, a real SQLite store and the real lesson router), as a browser or a script
// would: JSON valid and broken, any bytes, odd content types, charsets and encodings. Every answer
// must be a 4xx with a JSON error, or a 2xx when the request was valid; never a 5xx, and the server
// answers a valid request afterwards. Workspaces are a stand-in that starts nothing: no body
// reaches them beyond claiming an id. The bodies' schemas get the full FUZZ_RUNS in
// routes.fuzz.test.ts; this sends about a tenth as many requests, in concurrent batches of 5 to 15.
import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassSummary } from '../../shared/classroom-api.ts';
import { createPlaygroundServer, type PlaygroundServer } from '../app.ts';
import { JsonFileProgressStore } from '../lessons/progress-store.ts';
import { SERVICES } from '../services/registry.ts';
import { Supervisor } from '../services/supervisor.ts';
import { ROOT } from '../stack.ts';
import { FUZZ_RUNS } from '../testing/fuzz.ts';
import { bodyText } from '../testing/fuzz/classroom-bodies.ts';
import { anyText } from '../testing/fuzz/json-text.ts';
import { Classroom } from './classroom.ts';
import { readClassroomConfig } from './config.ts';
import { LocalBus } from './events/local-bus.ts';
import { openClassroomStore, type ClassroomStore } from './store/index.ts';
import type { Workspaces, WorkspaceManagerEvents } from './workspaces/types.ts';

const SECRET = 'fuzz-instructor-secret';

/** Workspaces that exist only as ids: bodies are what is tested here, not provisioning. */
class IdOnlyWorkspaces extends EventEmitter<WorkspaceManagerEvents> implements Workspaces {
  private next = 0;
  async start(): Promise<void> {}
  async claim(): Promise<string> {
    return `w${this.next++}`;
  }
  async ensure(): Promise<Record<string, never>> {
    return {};
  }
  endpoints(): Record<string, never> {
    return {};
  }
  holds(): boolean {
    return false;
  }
  takenOver(): boolean {
    return false;
  }
  state(): 'ready' {
    return 'ready';
  }
  hold(): () => void {
    return () => {};
  }
  touch(): void {}
  async reset(): Promise<void> {}
  async restart(): Promise<void> {}
  restartRefusal(): string | null {
    return 'this test runs no instances';
  }
  async destroy(): Promise<void> {}
  checkAdmin(): null {
    return null;
  }
  stats() {
    return { total: this.next, running: 0, warm: 0, reclaimed: 0 };
  }
  async close(): Promise<void> {}
}

let dir: string;
let store: ClassroomStore;
let app: PlaygroundServer;
let base: string;
let klass: ClassSummary;
let unhandled = 0;
const countUnhandled = () => unhandled++;

const instructor = { authorization: `Bearer ${SECRET}` };

beforeAll(async () => {
  process.on('unhandledRejection', countUnhandled);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'classroom-fuzz-'));
  store = await openClassroomStore({ dataDir: dir });
  const classroom = new Classroom({
    config: readClassroomConfig({ INSTRUCTOR_SECRET: SECRET }),
    store,
    workspaces: new IdOnlyWorkspaces(),
    steps: async () => [],
    instructorProgress: new JsonFileProgressStore(path.join(dir, 'instructor-progress.json')),
    bus: new LocalBus(),
  });
  // Never started: the routes that take a body ask it for nothing but the list of services.
  const supervisor = new Supervisor({ adapters: SERVICES.adapters, dataDir: dir, env: {} });
  app = await createPlaygroundServer({
    supervisor,
    lessonsDir: path.join(ROOT, 'lessons'),
    dataDir: dir,
    clientDir: path.join(dir, 'no-client'),
    classroom: { classroom, secret: SECRET },
  });
  base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  const res = await fetch(`${base}/api/classes`, {
    method: 'POST',
    headers: { ...instructor, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Fuzzed class' }),
  });
  klass = (await res.json()) as ClassSummary;
});

afterAll(async () => {
  process.off('unhandledRejection', countUnhandled);
  await app?.close();
  await store?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

interface Route {
  method: string;
  path: (classId: string) => string;
  /** The body generator's name for it (classroom-bodies.ts), or null for the lesson router's. */
  body: string | null;
  asInstructor: boolean;
}

const ROUTES: Route[] = [
  { method: 'POST', path: () => '/api/join', body: 'POST /api/join', asInstructor: false },
  { method: 'POST', path: () => '/api/classes', body: 'POST /api/classes', asInstructor: true },
  {
    method: 'POST',
    path: (id) => `/api/classes/${id}/archive`,
    body: 'POST /api/classes/:id/archive',
    asInstructor: true,
  },
  { method: 'PUT', path: () => '/api/files', body: 'PUT /api/files', asInstructor: true },
  {
    method: 'POST',
    path: (id) => `/api/classes/${id}/broadcast`,
    body: 'POST /api/classes/:id/broadcast',
    asInstructor: true,
  },
  // A wrong secret waits 250 ms on purpose; what a login body can be is covered without the network.
  { method: 'POST', path: () => '/api/instructor/login', body: 'POST /api/instructor/login', asInstructor: false },
  { method: 'PUT', path: () => '/api/progress/current', body: null, asInstructor: true },
];

const progressBody = fc.oneof(
  fc.constantFrom('{"lesson":null}', '{"lesson":"01-memcached/01-what-it-is"}', '{"lesson":"no/such"}', '{}'),
  anyText(30).map((s) => JSON.stringify({ lesson: s })),
  fc.nat(3).map((n) => JSON.stringify({ lesson: 'x'.repeat(2048 * n) })),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset="nope"',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
);

const request = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    classId: fc.oneof(fc.constant('the class'), fc.constantFrom('nope', '%00', '..', 'x'.repeat(300))),
    type: contentType,
    encoding: fc.constantFrom(null, null, null, 'gzip', 'deflate', 'br', 'identity', 'x-unknown'),
    raw: fc.option(fc.uint8Array({ maxLength: 64 }), { freq: 8, nil: null }),
  })
  .chain((r) =>
    (r.route.body ? bodyText(r.route.body) : progressBody).map((text) => ({
      ...r,
      body: r.raw ? Buffer.from(r.raw) : Buffer.from(text, 'utf8'),
    })),
  );

type FuzzedRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** Sends one request; answers its status and what it said. */
async function send(r: FuzzedRequest): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = r.route.asInstructor ? { ...instructor } : {};
  if (r.type) headers['content-type'] = r.type;
  if (r.encoding) headers['content-encoding'] = r.encoding;
  const id = r.classId === 'the class' ? klass.id : encodeURIComponent(r.classId);
  const res = await fetch(`${base}${r.route.path(id)}`, { method: r.route.method, headers, body: r.body });
  return { status: res.status, body: await res.text() };
}

/** A 2xx, or a 4xx whose body is {"error": "…"}. */
function checkAnswer(status: number, body: string, what: string): void {
  expect(status, `${what} → ${status} ${body.slice(0, 300)}`).toBeLessThan(500);
  if (status < 400) return;
  const parsed = JSON.parse(body) as { error?: unknown };
  expect(typeof parsed.error, `${what} → ${status} ${body.slice(0, 300)}`).toBe('string');
}

describe('the classroom API, fuzzed over HTTP', () => {
  // Found by this fuzzer: both routers answered 500 to bodies express.json() refuses with a 4xx
  // of its own (they knew only its "not JSON" and "too large" errors, and the lesson router not even
  // the second).
  it.each([
    ['POST', '/api/join', { 'content-encoding': 'gzip' }, '{"code":"ABCDEF","name":"Ada"}', 400],
    ['POST', '/api/classes', { 'content-type': 'application/json; charset=latin1' }, '{"name":"x"}', 415],
    ['PUT', '/api/progress/current', { 'content-encoding': 'x-unknown' }, '{"lesson":null}', 415],
    ['PUT', '/api/progress/current', {}, JSON.stringify({ lesson: 'x'.repeat(5000) }), 413],
  ])('%s %s %j answers a 4xx, not a 500', async (method, route, headers, body, status) => {
    const res = await fetch(`${base}${route}`, {
      method,
      headers: { ...instructor, 'content-type': 'application/json', ...headers },
      body,
    });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(/^the body cannot be read: /);
  });

  it('answers every fuzzed body with a 2xx or a 4xx JSON error, and still works after', async () => {
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 5, maxLength: 15 }), async (batch) => {
        const sent = batch.filter((r) => r.route.body !== 'POST /api/instructor/login' || !validLogin(r.body));
        requests += sent.length;
        const answers = await Promise.all(sent.map(send));
        answers.forEach((a, i) => {
          const r = sent[i];
          checkAnswer(a.status, a.body, `${r.route.method} ${r.route.path(r.classId)} [${r.type}|${r.encoding}]`);
        });
      }),
      { numRuns: Math.ceil(FUZZ_RUNS / 100) },
    );
    expect(requests).toBeGreaterThan(FUZZ_RUNS / 20);
    // Still answering, and still right: a wrong secret, a new class, the session.
    const login = await fetch(`${base}/api/instructor/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ secret: 'not it' }),
    });
    expect(login.status).toBe(401);
    const created = await fetch(`${base}/api/classes`, {
      method: 'POST',
      headers: { ...instructor, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'After the fuzz' }),
    });
    expect(created.status).toBe(200);
    expect(((await created.json()) as ClassSummary).name).toBe('After the fuzz');
    expect(unhandled).toBe(0);
  });
});

/** A login body the schema accepts: it would wait 250 ms for its wrong secret. */
function validLogin(body: Buffer): boolean {
  try {
    const value = JSON.parse(body.toString('utf8')) as { secret?: unknown };
    return typeof value === 'object' && value !== null && typeof value.secret === 'string';
  } catch {
    return false;
  }
}
