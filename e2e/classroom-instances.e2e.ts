// The instructor's dashboard in Chromium, through HAProxy, before two classroom instances that share
// one store and one event channel (docs/deploy.md): it shows the learners of both instances live,
// and when the instance that serves it stops, its stream reconnects through the balancer to the
// other one and goes on — the stopped instance's learners offline until they come back, then
// online again, their passed steps kept. Screenshots at 1280×800 and 1024×700; a reload in the
// middle shows the same class. A learner's page and the instructor's own workspace reconnect by
// themselves, with the moved notice.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testBackends } from '../server/testing/classroom-backends.ts';
import { ClassroomDriver, type Learner } from '../server/testing/classroom-client.ts';
import {
  INSTANCES_SECRET,
  startClassroomInstance,
  type ClassroomInstance,
} from '../server/testing/classroom-instances.ts';
import { startBalancer, type Balancer } from '../server/testing/haproxy.ts';
import { TestDatabases } from '../server/testing/store/mysql-test-db.ts';
import { ROOT } from '../server/stack.ts';
import type { PlaygroundClient } from '../server/ws/playground-client.ts';
import { keepScreenshot, launchChromium, linesAfter, typeLines, waitForGreeting, waitForTerminal } from './browser.ts';

const LIVE_TIMEOUT_MS = 20_000;
const LEARNERS = 4;
const LESSON = 'memcached/what-it-is';
const STEP = 'the-cache-idea';
/** Learners' Redis snapshots leave an instance this often (the default is a minute). */
const SNAPSHOT_EVERY_MS = 300;
/** Quick "here" beats, so a stopped instance is known gone within a second or two (roster.ts). */
const HEARTBEAT_MS = 300;

const databases = new TestDatabases();
const instances: ClassroomInstance[] = [];
let lb: Balancer;
let browser: Browser;
let page: Page;
let code = '';
const learners: Learner[] = [];
const sockets = new Map<string, PlaygroundClient>();

const row = (learner: Learner) => `[data-testid="learner-row-${learner.id}"]`;
const cell = (learner: Learner) => `[data-testid="cell-${learner.id}-${LESSON}/${STEP}"]`;

/** The instances not stopped yet. */
const running = () => instances.filter((i) => !stopped.has(i));
const stopped = new Set<ClassroomInstance>();

/** Which instance runs the learner's workspace. */
async function home(learner: Learner): Promise<ClassroomInstance | undefined> {
  const { workspaceId } = (await running()[0].classroom.store.learnerById(learner.id))!;
  return running().find((i) => i.workspaces.holds(workspaceId));
}

/** Waits until the dashboard's row for the learner is shown online (or offline). */
function shownOnline(learner: Learner, online: boolean): Promise<unknown> {
  return page.waitForSelector(`${row(learner)}${online ? ':not(.offline)' : '.offline'}`, {
    timeout: LIVE_TIMEOUT_MS,
  });
}

/** The learner connects (through the balancer) and passes the step: the forecast in memcached, then the check. */
async function connectAndPass(learner: Learner): Promise<void> {
  const socket = await learner.connect();
  sockets.set(learner.id, socket);
  await socket.open('memcached', 'memcached', 45_000);
  await socket.run('memcached', 'set forecast:oslo 0 300 13');
  await socket.run('memcached', 'sunny in oslo');
  const res = await learner.fetch(`/api/lessons/${LESSON}/steps/${STEP}/check`, { method: 'POST' });
  expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
}

/** Types a line into the page's Redis terminal and waits for `reply` after it. */
async function typeInRedis(tab: Page, line: string, reply: string): Promise<void> {
  await tab.click('[data-testid="tab-redis"]');
  await waitForGreeting(tab, 'redis', 45_000);
  await tab.click('[data-testid="terminal-redis"]');
  await typeLines(tab, [line]);
  await waitForTerminal(
    tab,
    'redis',
    (l) => linesAfter(l, line).some((r) => r.includes(reply)),
    reply,
    LIVE_TIMEOUT_MS,
  );
}

beforeAll(async () => {
  const shared = {
    ...testBackends(databases.newUrl()),
    heartbeatMs: HEARTBEAT_MS,
    snapshotEveryMs: SNAPSHOT_EVERY_MS,
  };
  const clientDir = path.join(ROOT, 'dist', 'client');
  instances.push(await startClassroomInstance('a', shared, { clientDir }));
  instances.push(await startClassroomInstance('b', shared, { clientDir }));
  lb = await startBalancer(new URL(instances[0].baseUrl).host, new URL(instances[1].baseUrl).host);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
}, 120_000);

afterAll(async () => {
  for (const s of sockets.values()) s.close();
  await browser?.close();
  await lb?.stop();
  for (const i of running()) await i.stop();
  await databases.dropAll();
}, 60_000);

describe('the dashboard behind the balancer', () => {
  test('shows the learners of both instances and their passed steps, live', async () => {
    await page.goto(`${lb.baseUrl}/instructor`);
    await page.fill('[data-testid="instructor-secret"]', INSTANCES_SECRET);
    await page.keyboard.press('Enter');
    await page.fill('[data-testid="class-create-name"]', 'Two machines');
    await page.click('[data-testid="class-create"]');
    code = ((await (await page.waitForSelector('[data-testid="class-code"]')).textContent()) ?? '').trim();
    await page.waitForSelector('[data-testid="class-live"][data-state="live"]', { timeout: LIVE_TIMEOUT_MS });

    const driver = new ClassroomDriver(lb.baseUrl, INSTANCES_SECRET);
    for (let i = 0; i < LEARNERS; i++) learners.push(await driver.join(code, `Learner ${i + 1}`));
    for (const learner of learners) await connectAndPass(learner);
    const homes = await Promise.all(learners.map(home));
    for (const instance of instances) expect(homes).toContain(instance);
    for (const learner of learners) {
      await shownOnline(learner, true);
      await page.waitForSelector(`${cell(learner)}[data-state="done"]`, { timeout: LIVE_TIMEOUT_MS });
    }
    await keepScreenshot(page, 'classroom-instances-1280');
  });

  test('the instance serving it stops: it reconnects to the other, which shows who went and who came back', async () => {
    // The instance the balancer keeps the instructor on (the stick table, by their cookie).
    const cookie = (await page.context().cookies()).find((c) => c.name === 'pg_instructor')!.value;
    const table = await lb.admin('show table app');
    const server = new RegExp(`key=${cookie} .*server_key=(app\\d)`).exec(table)?.[1];
    expect(server, table).toBeDefined();
    const serving = instances[server === 'app1' ? 0 : 1];
    const other = instances[server === 'app1' ? 1 : 0];
    const left = [];
    for (const learner of learners) if ((await home(learner)) === serving) left.push(learner);
    expect(left.length).toBeGreaterThan(1);
    // One of them has the page open in a browser of their own (their cookie, as after joining).
    const [moving, ...rest] = left;
    const learnerPage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const [name, value] = moving.cookie.split('=');
    await learnerPage.context().addCookies([{ name, value, url: lb.baseUrl }]);
    await learnerPage.goto(lb.baseUrl);
    await learnerPage.waitForSelector('[data-testid="connection-state"][data-state="open"]', {
      timeout: LIVE_TIMEOUT_MS,
    });

    // The instructor's own workspace, in a second tab, is on that instance too (their cookie).
    const own = await page.context().newPage();
    await own.goto(lb.baseUrl);
    await own.waitForSelector('[data-testid="connection-state"][data-state="open"]', { timeout: LIVE_TIMEOUT_MS });
    await typeInRedis(own, 'SET moved:instructor yes', 'OK');
    // A snapshot of that Redis has left the instance since.
    await new Promise((r) => setTimeout(r, SNAPSHOT_EVERY_MS * 4));

    await serving.stop();
    stopped.add(serving);
    // The stream ended with the instance; EventSource comes back through the balancer, to the other.
    await page.waitForSelector('[data-testid="class-live"][data-state="live"]', { timeout: LIVE_TIMEOUT_MS });
    for (const learner of rest) await shownOnline(learner, false);
    for (const learner of learners) expect(await page.getAttribute(cell(learner), 'data-state')).toBe('done');

    // A reload in the middle shows the same class, from the instance left.
    await page.reload();
    await page.waitForSelector('[data-testid="class-live"][data-state="live"]', { timeout: LIVE_TIMEOUT_MS });
    for (const learner of rest) await shownOnline(learner, false);
    await keepScreenshot(page, 'classroom-instances-stopped-1280');

    // Their page reconnects by itself, through the balancer to the other instance, and says so.
    const notice = await learnerPage.waitForSelector('[data-testid="notice"]', { timeout: LIVE_TIMEOUT_MS });
    expect(await notice.textContent()).toContain('You were moved to another server');
    await learnerPage.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    expect(await home(moving)).toBe(other);
    // Its memcached terminal says where memcached is now: another port, on the other instance.
    await waitForTerminal(
      learnerPage,
      'memcached',
      (l) => l.some((r) => r.includes('memcached is now at 127.0.0.1:')),
      'the new address',
      LIVE_TIMEOUT_MS,
    );
    await keepScreenshot(learnerPage, 'classroom-instances-moved-learner-1280');
    // So does the instructor's: their workspace taken over, its Redis from the snapshot.
    const ownNotice = await own.waitForSelector('[data-testid="notice"]', { timeout: LIVE_TIMEOUT_MS });
    expect(await ownNotice.textContent()).toContain('You were moved to another server');
    await own.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    await typeInRedis(own, 'GET moved:instructor', '"yes"');
    // The others come back too: the balancer sends them to the other instance, which takes their workspace over.
    for (const learner of rest) {
      const socket = await learner.connect();
      sockets.set(learner.id, socket);
      await socket.open('memcached', 'memcached', 45_000);
      expect(await home(learner)).toBe(other);
    }
    for (const learner of learners) await shownOnline(learner, true);
    for (const learner of learners) expect(await page.getAttribute(cell(learner), 'data-state')).toBe('done');
    await keepScreenshot(page, 'classroom-instances-failover-1280');
    await page.setViewportSize({ width: 1024, height: 700 });
    await keepScreenshot(page, 'classroom-instances-failover-1024');
  });
});
