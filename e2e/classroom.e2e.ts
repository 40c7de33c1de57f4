// Classroom mode in two browsers at once, against a classroom-mode server on the real services: the
// instructor signs in and creates a class, a learner joins with its code, passes a step, and the
// instructor's grid shows it live; then the instructor watches the learner's terminal and shares a
// snippet the learner opens in the editor.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { classroomBaseUrl, instructorSecret } from '../server/testing/endpoints.ts';
import { launchChromium, linesAfter, waitForGreeting, waitForScreenText, waitForTerminal } from './browser.ts';

/** How long a reply or a live update may take: milliseconds normally, the margin is for slow CI. */
const LIVE_TIMEOUT_MS = 20_000;
/** A learner's first terminal waits for their own memcached and Redis to start. */
const WORKSPACE_TIMEOUT_MS = 45_000;

/** The first lesson of the memcached course (lessons/01-memcached/01-what-it-is). */
const LESSON = 'memcached/what-it-is';
/** Its first step with a check; the check wants forecast:oslo = "sunny in oslo" in memcached. */
const STEP = 'the-cache-idea';

/** Unique per run: names in a class must differ, and the class list keeps earlier runs' classes. */
const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e3)}`;
const LEARNER_NAME = `Ada ${tag}`;

let browser: Browser;
let instructor: Page;
let learner: Page;
let base: string;
let code = '';
let learnerId = '';
const dialogs: string[] = [];

const drawer = '[data-testid="watch-drawer"]';

beforeAll(async () => {
  base = classroomBaseUrl();
  if (!base) throw new Error('the global setup provides no classroomBaseUrl: it starts no classroom-mode server');
  browser = await launchChromium();
  // Two contexts: two cookie jars, as two people on two machines.
  instructor = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  learner = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  // The page asks its questions in its own dialogs: a browser dialog is a bug.
  for (const page of [instructor, learner]) {
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
  }
});

afterAll(async () => {
  await browser?.close();
  expect(dialogs).toEqual([]);
});

describe('classroom in the browser', () => {
  test('the instructor signs in and creates a class; its code is shown', async () => {
    await instructor.goto(`${base}/instructor`);
    await instructor.fill('[data-testid="instructor-secret"]', 'not-the-secret');
    await instructor.click('[data-testid="instructor-submit"]');
    await instructor.waitForSelector('[data-testid="instructor-error"][role="alert"]');
    expect(await instructor.textContent('[data-testid="instructor-error"]')).toContain('That secret is not right');

    await instructor.fill('[data-testid="instructor-secret"]', instructorSecret());
    await instructor.click('[data-testid="instructor-submit"]');
    await instructor.fill('[data-testid="class-create-name"]', `E2E class ${tag}`);
    await instructor.click('[data-testid="class-create"]');
    code = ((await (await instructor.waitForSelector('[data-testid="class-code"]')).textContent()) ?? '').trim();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    // The test server listens on loopback only: the link is the page's, and the dashboard says why.
    expect(await instructor.textContent('[data-testid="class-join-link"]')).toBe(`${base}/join/${code}`);
    expect(await instructor.textContent('[data-testid="class-join-note"]')).toContain('listens on 127.0.0.1 only');
    await instructor.waitForSelector('[data-testid="class-live"][data-state="live"]', { timeout: LIVE_TIMEOUT_MS });
    // Marks this document: if the page reloads, the mark is gone.
    await instructor.evaluate(() => ((window as { e2eMark?: boolean }).e2eMark = true));
  });

  test('a learner joins with the code and a name and lands in the workspace', async () => {
    await learner.goto(`${base}/join/${code}`);
    expect(await learner.inputValue('[data-testid="join-code"]')).toBe(code);
    expect(await (await learner.waitForSelector('[data-testid="join-class-name"]')).textContent()).toBe(
      `E2E class ${tag}`,
    );

    await learner.fill('[data-testid="join-name"]', 'Ada <3');
    expect(await learner.textContent('[data-testid="join-name-note"]')).toContain('cannot be used');
    await learner.fill('[data-testid="join-name"]', LEARNER_NAME);
    await learner.click('[data-testid="join-submit"]');

    await learner.waitForSelector('[data-testid="class-identity"]');
    expect(await learner.textContent('[data-testid="class-identity"]')).toContain(LEARNER_NAME);
    expect(new URL(learner.url()).pathname).toBe('/');
    learnerId = await learner.evaluate(async () => {
      const session = (await (await fetch('/api/session')).json()) as { learner: { id: string } };
      return session.learner.id;
    });
    await instructor.waitForSelector(`[data-testid="learner-row-${learnerId}"]`, { timeout: LIVE_TIMEOUT_MS });
  });

  test(
    'the learner passes the first checked step; the instructor’s cell turns done without a reload',
    async () => {
      await learner.goto(`${base}/#/${LESSON}`);
      await learner.waitForSelector(`[data-testid="lesson-view"][data-lesson="${LESSON}"]`);
      await learner.waitForSelector('[data-testid="connection-state"][data-state="open"]');
      const firstChecked = await learner.$$eval('[data-testid="step"]', (steps) =>
        steps.find((s) => s.querySelector('[data-testid="step-check"]'))?.getAttribute('data-step'),
      );
      expect(firstChecked).toBe(STEP);
      const cell = `[data-testid="cell-${learnerId}-${LESSON}/${STEP}"]`;
      expect(await instructor.getAttribute(cell, 'data-state')).not.toBe('done');

      // The step's only block is cache_aside.py, which stores the forecast; the same item typed into
      // the memcached terminal passes the same check, and leaves terminal text for the watcher below.
      await learner.click('[data-testid="tab-memcached"]');
      await waitForGreeting(learner, 'memcached', WORKSPACE_TIMEOUT_MS);
      await learner.click('[data-testid="terminal-memcached"]');
      for (const line of ['set forecast:oslo 0 300 13', 'sunny in oslo']) {
        await learner.keyboard.type(line);
        await learner.keyboard.press('Enter');
      }
      await waitForTerminal(
        learner,
        'memcached',
        (l) => linesAfter(l, 'sunny in oslo').includes('STORED'),
        'STORED',
        LIVE_TIMEOUT_MS,
      );

      await learner.click(`[data-testid="step"][data-step="${STEP}"] [data-testid="step-check"]`);
      const results = await learner.waitForSelector(
        `[data-testid="step"][data-step="${STEP}"] [data-testid="check-results"]`,
      );
      expect(await results.getAttribute('data-ok')).toBe('true');

      await instructor.waitForSelector(`${cell}[data-state="done"]`, { timeout: LIVE_TIMEOUT_MS });
      expect(await instructor.evaluate(() => (window as { e2eMark?: boolean }).e2eMark)).toBe(true);
    },
    WORKSPACE_TIMEOUT_MS + 3 * LIVE_TIMEOUT_MS,
  );

  test('the instructor watches the learner’s terminal and Inspect view, read-only; Esc closes the drawer', async () => {
    await instructor.click(`[data-testid="learner-row-${learnerId}"] .learner-button`);
    await instructor.waitForSelector(drawer);
    expect(await instructor.textContent(`${drawer} h2`)).toContain(`Watching ${LEARNER_NAME}`);
    const lines = await waitForScreenText(
      instructor,
      drawer,
      (l) => l.some((r) => r.includes('STORED')),
      'the learner’s STORED',
      LIVE_TIMEOUT_MS,
    );
    expect(lines.join('\n')).toContain('forecast:oslo');
    await instructor.screenshot({ path: '/tmp/playground-classroom-e2e.png' });
    // What the learner's own Inspect tab would show of their memcached: the key they stored.
    await instructor.click('[data-testid="watch-view-memcached"]');
    await instructor.waitForSelector(
      '[data-testid="watch-inspect-memcached"] [data-testid="memcached-keys"] tr[data-key="forecast:oslo"]',
      { timeout: LIVE_TIMEOUT_MS },
    );
    await instructor.screenshot({ path: '/tmp/playground-classroom-e2e-inspect.png' });
    await instructor.click('[data-testid="watch-view-terminals"]');
    await instructor.waitForSelector(`${drawer} [data-testid="watch-inspect-memcached"]`, { state: 'detached' });
    await instructor.keyboard.press('Escape');
    await instructor.waitForSelector(drawer, { state: 'detached' });
  });

  test('a snippet the instructor shares opens in the learner’s editor', async () => {
    await instructor.click('[data-testid="snippet-open"]');
    await instructor.fill('[data-testid="snippet-name"]', 'shared.py');
    await instructor.fill('[data-testid="snippet-code"]', `print("shared ${tag}")\n`);
    await instructor.click('[data-testid="snippet-send"]');
    expect(await (await instructor.waitForSelector('[data-testid="broadcast-result"]')).textContent()).toMatch(
      /^Sent shared\.py to [1-9]\d* learners? online$/,
    );

    const card = await learner.waitForSelector('[data-testid="broadcast-card"][data-file="shared.py"]', {
      timeout: LIVE_TIMEOUT_MS,
    });
    expect(await card.textContent()).toContain('Your instructor shared shared.py');
    // In the dock under the workspace: it takes room from the panes, it covers none of them.
    await learner.waitForSelector('[data-testid="instructor-dock"]');
    await card.$eval('[data-testid="broadcast-open"]', (b) => (b as HTMLButtonElement).click());
    await learner.waitForSelector('[data-testid="file-tab"][data-file="shared.py"][aria-selected="true"]');
    await learner.waitForSelector('[data-testid="broadcast-card"]', { state: 'detached' });
    // Saved on the class server shortly after.
    await learner.waitForSelector('[data-testid="save-status"][data-state="saved"]', { timeout: LIVE_TIMEOUT_MS });
  });
});
