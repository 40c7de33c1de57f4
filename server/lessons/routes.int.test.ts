// The lesson API on a test app over the fixture course, with the test playground's live services;
// and, at the end, the router as server/app.ts mounts it in the running test playground.
import fs from 'node:fs/promises';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceName } from '../../shared/protocol.ts';
import { memcachedCommand } from '../services/memcached/request.ts';
import type { Endpoint } from '../services/endpoint.ts';
import { testBaseUrl, testEndpoint } from '../testing/endpoints.ts';
import type { CheckResponse, CourseListing, LessonView, ResetResponse } from '../../shared/lesson-api.ts';
import { createLessonsRouter } from './routes.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

interface TestServer {
  url: string;
  close(): Promise<void>;
}

async function serve(lessonsDir: string, dataDir: string, endpoint: (s: ServiceName) => Endpoint | null = testEndpoint): Promise<TestServer> {
  const app = express();
  app.use(createLessonsRouter({ lessonsDir, dataDir, targets: { endpoint } }));
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** A tiny client that keeps the learner cookie, as a browser would. */
class Browser {
  cookie = '';
  constructor(private readonly base: string) {}
  async call(method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown; setCookie: string | null }> {
    const res = await fetch(this.base + url, {
      method,
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    return { status: res.status, json: await res.json(), setCookie };
  }
}

let dataDir: string;
let server: TestServer;
let redis: Redis;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lessons-routes-'));
  server = await serve(path.join(FIXTURES, 'good'), dataDir);
  redis = new Redis(testEndpoint('redis').url);
});

afterAll(async () => {
  await server.close();
  const keys = await redis.keys('fixture:*');
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('GET /api/course and /api/lessons/:course/:lesson', () => {
  it('lists the course with step ids, sets the learner cookie once', async () => {
    const browser = new Browser(server.url);
    const first = await browser.call('GET', '/api/course');
    expect(first.status).toBe(200);
    // Attributes in any order: their order means nothing.
    const [pair, ...attributes] = (first.setCookie ?? '').split('; ');
    expect(pair).toMatch(/^pg_learner=[A-Za-z0-9_-]+$/);
    expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=31536000', 'Path=/', 'SameSite=Lax']);
    const listing = first.json as CourseListing;
    expect(listing.progress).toEqual({ done: {}, current: null });
    expect(listing.courses.map((c) => c.slug)).toEqual(['basics', 'queues']);
    expect(listing.courses[0]).toEqual({
      slug: 'basics',
      title: 'Basics',
      summary: 'Keys and values.',
      services: ['redis', 'memcached'],
      lessons: [
        {
          slug: 'first-steps',
          title: 'First steps',
          summary: 'Store a value, read it back.',
          steps: [
            { id: 'store-a-greeting', title: 'Store a greeting', hasCheck: true },
            { id: 'count-fixture-visits', title: 'Count fixture:visits', hasCheck: true },
            { id: 'a-program', title: 'A program', hasCheck: false },
          ],
        },
        { slug: 'lists', title: 'Lists', steps: [{ id: 'push-three-jobs', title: 'Push three jobs', hasCheck: true }] },
      ],
    });
    const again = await browser.call('GET', '/api/course');
    expect(again.setCookie).toBeNull();
  });

  it('serves a lesson: placeholders in html, blocks, files, prev and next', async () => {
    const res = await new Browser(server.url).call('GET', '/api/lessons/basics/first-steps');
    expect(res.status).toBe(200);
    const lesson = res.json as LessonView;
    expect(lesson).toMatchObject({ course: 'basics', slug: 'first-steps', title: 'First steps', services: ['redis', 'memcached'], language: 'python', workspace: 'all' });
    expect(lesson.prev).toBeNull();
    expect(lesson.next).toEqual({ course: 'basics', slug: 'lists', title: 'Lists' });
    expect(lesson.introHtml).toContain('<kbd>Tab</kbd>');
    const [store, count, program] = lesson.steps;
    expect(store).toEqual({
      id: 'store-a-greeting',
      title: 'Store a greeting',
      html: '<div class="lesson-block" data-block="0"></div>\n',
      hasCheck: true,
      blocks: [
        {
          kind: 'terminal',
          service: 'memcached',
          code: 'set fixture:greeting 0 0 5\nhello\nget fixture:greeting',
          html: 'set fixture:greeting 0 0 5\nhello\nget fixture:greeting',
          lines: ['set fixture:greeting 0 0 5', 'hello', 'get fixture:greeting'],
          solution: false,
        },
      ],
    });
    expect(count.blocks[1]).toEqual({
      kind: 'terminal',
      service: 'redis',
      code: 'SET fixture:visits 1',
      html: 'SET fixture:visits 1',
      lines: ['SET fixture:visits 1'],
      solution: true,
    });
    expect(program.blocks[1]).toEqual({
      kind: 'snippet',
      language: 'python',
      file: 'watch.py',
      code: `print('watching "fixture:visits"', flush=True)`,
      // Coloured on the server: the page downloads no highlighter.
      html: '<span class="hljs-built_in">print</span>(<span class="hljs-string">&#x27;watching &quot;fixture:visits&quot;&#x27;</span>, flush=<span class="hljs-literal">True</span>)',
      background: true,
      expect: 'watching "fixture:visits"',
      solution: false,
    });
    expect(program.html).not.toContain('```');
    expect(lesson.files.map((f) => f.name)).toEqual(['counter.py']);

    const last = (await new Browser(server.url).call('GET', '/api/lessons/queues/tables')).json as LessonView;
    expect(last.prev).toEqual({ course: 'queues', slug: 'hello', title: 'Hello queue' });
    expect(last.next).toBeNull();
    expect(last.language).toBe('javascript');
  });

  it('keeps GET /api/lesson for the first client: the first lesson as one page', async () => {
    const res = await new Browser(server.url).call('GET', '/api/lesson');
    expect(res.json).toMatchObject({ slug: 'first-steps', course: 'basics', title: 'First steps' });
    expect((res.json as { html: string }).html).toContain('<pre><code class="language-memcached">set fixture:greeting');
  });

  it('answers 404 with an error for unknown courses, lessons and steps', async () => {
    const b = new Browser(server.url);
    expect(await b.call('GET', '/api/lessons/basics/nope')).toMatchObject({ status: 404, json: { error: 'there is no lesson "basics/nope"' } });
    expect(await b.call('GET', '/api/lessons/nope/first-steps')).toMatchObject({ status: 404 });
    expect(await b.call('POST', '/api/lessons/basics/first-steps/steps/nope/check')).toMatchObject({
      status: 404,
      json: { error: 'lesson "basics/first-steps" has no step "nope"' },
    });
    expect(await b.call('POST', '/api/lessons/nope/x/reset')).toMatchObject({ status: 404 });
  });
});

describe('checks, reset and progress', () => {
  it('reset, a failing check with its hint, then a passing one that records progress', async () => {
    const b = new Browser(server.url);
    await redis.set('fixture:visits', '5');
    const reset = await b.call('POST', '/api/lessons/basics/first-steps/reset');
    expect(reset.status).toBe(200);
    expect((reset.json as ResetResponse).ok).toBe(true);
    expect((reset.json as ResetResponse).cleared).toContain('1 Redis key matching "fixture:*"');

    const failing = await b.call('POST', '/api/lessons/basics/first-steps/steps/count-fixture-visits/check');
    expect(failing.json).toEqual({
      ok: false,
      results: [
        { ok: false, message: 'Redis has no key "fixture:visits"' },
        { ok: false, message: 'EXISTS fixture:visits answered 0, not 1. SET creates the key.' },
      ],
    } satisfies CheckResponse);
    expect(((await b.call('GET', '/api/course')).json as CourseListing).progress.done).toEqual({});

    await redis.set('fixture:visits', '1');
    const passing = await b.call('POST', '/api/lessons/basics/first-steps/steps/count-fixture-visits/check');
    expect(passing.json).toEqual({
      ok: true,
      results: [
        { ok: true, message: 'Redis has key "fixture:visits" (a string, holding "1")' },
        { ok: true, message: 'EXISTS fixture:visits answered 1' },
      ],
    });
    const progress = ((await b.call('GET', '/api/course')).json as CourseListing).progress;
    expect(progress).toEqual({ done: { 'basics/first-steps/count-fixture-visits': expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }, current: 'basics/first-steps' });

    // Stored in <dataDir>/progress.json, and a restarted server reads it back.
    const saved = JSON.parse(await fs.readFile(path.join(dataDir, 'progress.json'), 'utf8'));
    expect(Object.keys(saved.learners)).toContain(b.cookie.split('=')[1]);
    const restarted = await serve(path.join(FIXTURES, 'good'), dataDir);
    try {
      const b2 = new Browser(restarted.url);
      b2.cookie = b.cookie;
      expect(((await b2.call('GET', '/api/course')).json as CourseListing).progress).toEqual(progress);
    } finally {
      await restarted.close();
    }
  });

  it('a memcached check through the API', async () => {
    const b = new Browser(server.url);
    await b.call('POST', '/api/lessons/basics/first-steps/reset');
    const before = (await b.call('POST', '/api/lessons/basics/first-steps/steps/store-a-greeting/check')).json as CheckResponse;
    expect(before).toEqual({ ok: false, results: [{ ok: false, message: 'memcached has no key "fixture:greeting". The data line must be exactly 5 bytes.' }] });
    await memcachedCommand(testEndpoint('memcached'), 'set fixture:greeting 0 0 5\r\nhello', /^STORED\r\n/m);
    expect((await b.call('POST', '/api/lessons/basics/first-steps/steps/store-a-greeting/check')).json).toMatchObject({ ok: true });
    expect((await b.call('POST', '/api/lessons/basics/first-steps/reset')).json).toEqual({ ok: true, cleared: ['memcached key "fixture:greeting"'], errors: [] });
  });

  it('a step without checks passes and is recorded', async () => {
    const b = new Browser(server.url);
    expect((await b.call('POST', '/api/lessons/basics/first-steps/steps/a-program/check')).json).toEqual({ ok: true, results: [] });
    expect(Object.keys(((await b.call('GET', '/api/course')).json as CourseListing).progress.done)).toEqual(['basics/first-steps/a-program']);
  });

  it('PUT /api/progress/current', async () => {
    const b = new Browser(server.url);
    expect(await b.call('PUT', '/api/progress/current', { lesson: 'queues/hello' })).toMatchObject({ status: 200, json: { current: 'queues/hello' } });
    expect(((await b.call('GET', '/api/course')).json as CourseListing).progress.current).toBe('queues/hello');
    expect(await b.call('PUT', '/api/progress/current', { lesson: 'queues/nope' })).toMatchObject({ status: 404 });
    expect(await b.call('PUT', '/api/progress/current', { lessn: 'x' })).toMatchObject({ status: 400 });
    expect(await b.call('PUT', '/api/progress/current', '{oops')).toMatchObject({ status: 400, json: { error: 'the body is not valid JSON' } });
  });

  it('a check or reset whose service is down answers ok:false with the reason, not a 500', async () => {
    const down = await serve(path.join(FIXTURES, 'good'), dataDir, () => null);
    try {
      const b = new Browser(down.url);
      expect(await b.call('POST', '/api/lessons/basics/lists/steps/push-three-jobs/check')).toEqual({
        status: 200,
        setCookie: expect.any(String),
        json: { ok: false, results: [{ ok: false, message: 'Redis is not running right now, so it cannot be asked' }] },
      });
      expect((await b.call('POST', '/api/lessons/basics/first-steps/reset')).json).toEqual({
        ok: false,
        cleared: [],
        errors: [
          'memcached key "fixture:greeting": memcached is not running right now, so it cannot be asked',
          'Redis keys "fixture:*": Redis is not running right now, so it cannot be asked',
        ],
      });
    } finally {
      await down.close();
    }
  });

  it('bad lesson content answers 500 with every problem, file:line', async () => {
    const broken = await serve(path.join(FIXTURES, 'bad-front-matter'), dataDir);
    try {
      const res = await new Browser(broken.url).call('GET', '/api/course');
      expect(res.status).toBe(500);
      const body = res.json as { error: string; problems: string[] };
      expect(body.problems).toHaveLength(9);
      expect(body.problems[0]).toMatch(/bad-front-matter\/01-c\/01-unknown-key\/lesson\.md:3: unknown key "servics"$/);
    } finally {
      await broken.close();
    }
  });
});

describe('mounted in the playground server (server/app.ts)', () => {
  it('serves the real course', async () => {
    const res = await fetch(`${testBaseUrl()}/api/course`);
    expect(res.status).toBe(200);
    const listing = (await res.json()) as CourseListing;
    expect(listing.courses[0]).toMatchObject({ slug: 'welcome', lessons: [{ slug: 'start-here' }] });
    const first = await (await fetch(`${testBaseUrl()}/api/lesson`)).json();
    expect(first).toMatchObject({ course: 'welcome', slug: 'start-here', title: 'Welcome to the playground' });
  });
});
