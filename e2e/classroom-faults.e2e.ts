// Faults in a class, in a learner's browser, against a classroom server of its own (a child process
// with its own private services, so killing them leaves the other tests' servers alone):
// - kill -9 of the learner's own Redis and of the shared broker: the terminal says so within a
//   second and reconnects by itself (to the broker as the learner, in their own vhost);
// - the restart control: the learner restarts their own Redis from its pill, and is told why the
//   shared broker is not theirs to restart; the instructor may restart it;
// - kill -9 of the app server itself mid-class: started again on the same port and data, the page
//   reconnects by itself and the learner's keys are there.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshTestDataDir } from '../server/stack.ts';
import {
  killHard,
  startClassroomProcess,
  stopClassroomProcesses,
  type ClassroomProcess,
} from '../server/testing/classroom-process.ts';
import { freePort } from '../server/services/net-util.ts';
import type { ServiceName } from '../shared/protocol.ts';
import { keepScreenshot, launchChromium, typeLines, waitForTerminal } from './browser.ts';

const SECRET = 'faults-test-instructor-secret';
/** The learner hears of a fault within this (the promise), plus the page's own frame time. */
const NOTIFY_LIMIT_MS = 1_000;
/** A learner's Redis starts in ~20 ms; the broker in ~5–15 s on a busy machine. */
const BACK_TIMEOUT_MS = 90_000;
const SERVER_START_MS = 150_000;

let dataDir = '';
let port = 0;
let server: ClassroomProcess;
let browser: Browser;
let page: Page;
/** The learner's cookie, as the join answered it ("pg_class=…"). */
let learnerCookie = '';

/** The instructor creates a class and a learner joins it, as the dashboard and the join page do. */
async function joinAClass(): Promise<string> {
  const made = await fetch(`${server.baseUrl}/api/classes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Faults' }),
  });
  const { code } = (await made.json()) as { code: string };
  const joined = await fetch(`${server.baseUrl}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, name: 'Hopper' }),
  });
  const cookie = /pg_class=[^;]+/.exec(joined.headers.get('set-cookie') ?? '')?.[0];
  if (!cookie) throw new Error(`joining answered ${joined.status} without a cookie`);
  return cookie;
}

/** The pid a service's pid file names (the supervisor's, or a learner's instance in the workspace manager's). */
async function pidFrom(file: string): Promise<number> {
  // Its first line (server/services/process/leftovers.ts).
  return Number((await fs.readFile(file, 'utf8')).split('\n')[0]);
}

async function learnerRedisPid(): Promise<number> {
  const dir = path.join(dataDir, 'workspaces', 'pids');
  const name = (await fs.readdir(dir)).find((n) => n.endsWith('.redis.pid'));
  if (!name) throw new Error(`no learner Redis pid file in ${dir}`);
  return pidFrom(path.join(dir, name));
}

async function typeIn(service: ServiceName, lines: string[]): Promise<void> {
  await page.click(`[data-testid="tab-${service}"]`);
  await page.waitForFunction((s) => !!document.activeElement?.closest(`[data-testid="terminal-${s}"]`), service);
  await typeLines(page, lines);
}

/** How often `text` is on the terminal's screen now. */
async function shown(service: ServiceName, text: string): Promise<number> {
  const rows = await page.$$eval(`[data-testid="terminal-${service}"] .xterm-rows > div`, (divs) =>
    divs.map((d) => d.textContent ?? ''),
  );
  return rows.join('\n').split(text).length - 1;
}

/** Kills `pid` under the service's terminal; answers how long the terminal took to say so, once it is back. */
async function killUnderTerminal(service: ServiceName, title: string, pid: number): Promise<number> {
  await page.click(`[data-testid="tab-${service}"]`);
  const stopped = `${title} stopped: killed by SIGKILL`;
  const back = `${title} is back; reconnected`;
  const [stoppedBefore, backBefore] = [await shown(service, stopped), await shown(service, back)];
  const began = Date.now();
  process.kill(pid, 'SIGKILL');
  const count = (lines: string[], text: string) => lines.join('\n').split(text).length - 1;
  await waitForTerminal(page, service, (l) => count(l, stopped) > stoppedBefore, `"${stopped}"`, BACK_TIMEOUT_MS);
  const notifiedMs = Date.now() - began;
  await waitForTerminal(page, service, (l) => count(l, back) > backBefore, `"${back}"`, BACK_TIMEOUT_MS);
  return notifiedMs;
}

beforeAll(async () => {
  dataDir = path.join(await freshTestDataDir('test'), 'faults');
  await fs.mkdir(dataDir, { recursive: true });
  port = await freePort();
  server = await startClassroomProcess({ dataDir, secret: SECRET, port });
  learnerCookie = await joinAClass();
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const [name, value] = learnerCookie.split('=');
  await context.addCookies([{ name, value, url: server.baseUrl }]);
  page = await context.newPage();
  await page.goto(`${server.baseUrl}/#/redis/persistence-and-replication`);
  await page.waitForSelector('[data-testid="connection-state"][data-state="open"]', { timeout: BACK_TIMEOUT_MS });
  await page.waitForSelector('[data-testid="badge-redis"][data-tone="ok"]', { timeout: BACK_TIMEOUT_MS });
}, SERVER_START_MS + 60_000);

afterAll(async () => {
  await browser?.close();
  await stopClassroomProcesses();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('faults in a class, in the learner’s browser', () => {
  test('kill -9 of the learner’s own Redis: told within a second, reconnected by itself', async () => {
    await typeIn('redis', ['SET fault:key "still here"', 'SAVE']);
    await waitForTerminal(page, 'redis', (l) => l.some((r) => r.includes('OK')), 'OK', BACK_TIMEOUT_MS);
    const notified = await killUnderTerminal('redis', 'Redis', await learnerRedisPid());
    expect(notified).toBeLessThan(NOTIFY_LIMIT_MS + 500);
    await typeIn('redis', ['GET fault:key']);
    await waitForTerminal(page, 'redis', (l) => l.some((r) => r.includes('"still here"')), 'the key', BACK_TIMEOUT_MS);
  });

  test('kill -9 of the shared broker: the learner’s terminal reconnects, in their own vhost', async () => {
    await typeIn('rabbitmq', ['queue.declare queue=before_the_fault durable=true']);
    await waitForTerminal(
      page,
      'rabbitmq',
      (l) => l.some((r) => r.includes('declare-ok')),
      'declare-ok',
      BACK_TIMEOUT_MS,
    );
    const notified = await killUnderTerminal(
      'rabbitmq',
      'RabbitMQ',
      await pidFrom(path.join(dataDir, 'pids', 'rabbitmq.pid')),
    );
    expect(notified).toBeLessThan(NOTIFY_LIMIT_MS + 500);
    await typeIn('rabbitmq', ['queue.declare queue=before_the_fault passive=true']);
    await waitForTerminal(
      page,
      'rabbitmq',
      (l) => l.filter((r) => r.includes('queue.declare-ok queue=before_the_fault')).length >= 2,
      'the durable queue, declared passively after the restart',
      BACK_TIMEOUT_MS,
    );
  });

  test(
    'the restart control: own Redis yes, the shared broker no (and why); the instructor may',
    async () => {
      await page.click('[data-testid="restart-rabbitmq"]');
      const note = await page.waitForSelector('[data-testid="restart-note-rabbitmq"]');
      expect(await note.textContent()).toContain(
        'the class shares one RabbitMQ server: only the instructor can restart it',
      );
      await keepScreenshot(page, 'restart-refused-1280');
      // With the keyboard: the Redis pill's button, then Enter.
      await page.focus('[data-testid="restart-redis"]');
      await page.keyboard.press('Enter');
      await waitForTerminal(
        page,
        'redis',
        (l) => l.some((r) => r.includes('a restart was asked for')),
        'the restart',
        BACK_TIMEOUT_MS,
      );
      await page.waitForSelector('[data-testid="badge-redis"][data-tone="ok"]', { timeout: BACK_TIMEOUT_MS });
      const byInstructor = await fetch(`${server.baseUrl}/api/services/rabbitmq/restart`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'clean' }),
      });
      expect(byInstructor.status).toBe(202);
      await waitForTerminal(
        page,
        'rabbitmq',
        (l) => l.some((r) => r.includes('a restart was asked for')),
        'the broker’s restart',
        BACK_TIMEOUT_MS,
      );
      await page.waitForSelector('[data-testid="badge-rabbitmq"][data-tone="ok"]', { timeout: BACK_TIMEOUT_MS });
    },
    BACK_TIMEOUT_MS * 2,
  );

  test(
    'kill -9 of the app server mid-class: started again, the page reconnects by itself',
    async () => {
      await killHard(server.child);
      await page.waitForSelector('[data-testid="connection-state"]:not([data-state="open"])', { timeout: 10_000 });
      server = await startClassroomProcess({ dataDir, secret: SECRET, port });
      // No reload: the page's own reconnecting brings the socket and the terminals back.
      await page.waitForSelector('[data-testid="connection-state"][data-state="open"]', { timeout: BACK_TIMEOUT_MS });
      await page.waitForSelector('[data-testid="badge-redis"][data-tone="ok"]', { timeout: BACK_TIMEOUT_MS });
      await typeIn('redis', ['GET fault:key']);
      await waitForTerminal(
        page,
        'redis',
        (l) => l.filter((r) => r.includes('"still here"')).length >= 2,
        'the key, after the server came back',
        BACK_TIMEOUT_MS,
      );
      const session = (await (
        await fetch(`${server.baseUrl}/api/session`, { headers: { cookie: learnerCookie } })
      ).json()) as {
        learner?: { name: string };
      };
      expect(session.learner?.name).toBe('Hopper');
    },
    SERVER_START_MS + BACK_TIMEOUT_MS,
  );
});
