// The course UI in a real browser against the real server and services: the outline, a lesson's
// Run buttons typing into the terminals, Check with its results, a step checked by itself after
// its blocks ran, "changed since" for a step done earlier, the outline marking steps,
// "Start this lesson fresh" (asked in an in-app dialog), a reload bringing back the check results
// and the scroll position, the URL hash with back/forward and the remembered lesson, and the 404
// view of a lesson that does not exist.
import type { Browser, Page } from 'playwright-core';
import { launchChromium, linesAfter, waitForTerminal } from './browser.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ServiceName } from '../shared/protocol.ts';
import { testBaseUrl } from '../server/testing/endpoints.ts';

/** How long a reply may take to show up: services answer in milliseconds, the margin is for slow CI. */
const REPLY_TIMEOUT_MS = 15_000;

const WELCOME = '#/welcome/start-here';
const BASICS = 'redis/redis-cli-basics';
const step = (id: string) => `[data-testid="step"][data-step="${id}"]`;
const welcomeLink = '[data-testid="lesson-link-welcome-start-here"]';
const basicsLink = '[data-testid="lesson-link-redis-redis-cli-basics"]';

let browser: Browser;
let page: Page;
/** window.alert/confirm/prompt that appeared: the workspace asks in the page, so none may. */
const dialogs: string[] = [];

const waitForScreen = (service: ServiceName, check: (lines: string[]) => boolean, what: string) =>
  waitForTerminal(page, service, check, what, REPLY_TIMEOUT_MS);
const after = linesAfter;

async function openLesson(hash: string, lesson: string): Promise<void> {
  await page.goto(`${testBaseUrl()}/${hash}`);
  await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
  await page.waitForSelector(`[data-testid="lesson-view"][data-lesson="${lesson}"]`);
}

/** The course outline, shown (a drawer beside a lesson of the default width). */
async function showOutline(): Promise<void> {
  if ((await page.getAttribute('[data-testid="sidebar-toggle"]', 'aria-expanded')) !== 'true') {
    await page.click('[data-testid="sidebar-toggle"]');
  }
  await page.waitForSelector('[data-testid="course-sidebar"] .course-list');
}

async function hideOutline(): Promise<void> {
  if ((await page.getAttribute('[data-testid="sidebar-toggle"]', 'aria-expanded')) === 'true') {
    await page.click('[data-testid="sidebar-toggle"]');
  }
}

/** "Start this lesson fresh", and yes in its dialog. */
async function startFresh(): Promise<void> {
  await page.click('[data-testid="lesson-reset"]');
  await page.click('[data-testid="confirm-dialog"] [data-testid="confirm-ok"]');
  await page.waitForSelector('[data-testid="reset-report"]');
}

async function results(id: string) {
  const el = await page.waitForSelector(`${step(id)} [data-testid="check-results"]`);
  return {
    ok: (await el.getAttribute('data-ok')) === 'true',
    auto: (await el.getAttribute('data-auto')) === 'true',
    changed: (await el.getAttribute('data-changed')) === 'true',
    messages: await el.$$eval('[data-testid="check-result"]', (els) => els.map((e) => e.textContent ?? '')),
  };
}

async function checkStep(id: string) {
  await page.click(`${step(id)} [data-testid="step-check"]`);
  await page.waitForSelector(`${step(id)} [data-testid="step-check"]:not([disabled])`);
  return results(id);
}

/** Runs every (shown) block of a step, one after the other, as a learner pressing each Run would. */
async function runStepBlocks(id: string): Promise<void> {
  const runs = await page.$$(`${step(id)} [data-testid="terminal-block"] [data-testid="block-run"]`);
  for (const run of runs) {
    await run.click();
    await page.waitForFunction((el) => !(el as HTMLButtonElement).disabled, run, { timeout: REPLY_TIMEOUT_MS });
  }
}

beforeAll(async () => {
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  expect(dialogs).toEqual([]);
});

describe('lessons in the browser', () => {
  test('the outline lists the courses and opens the lesson of the URL', async () => {
    await openLesson(WELCOME, 'welcome/start-here');
    await showOutline();
    const link = await page.waitForSelector(welcomeLink);
    expect(await link.getAttribute('aria-current')).toBe('page');
    expect(await link.getAttribute('data-done')).toBe('0');
    expect(await link.getAttribute('data-total')).toBe('3');
    expect(await page.textContent('[data-testid="course-sidebar"]')).toContain('Redis');
    expect(await page.textContent('h1.lesson-title')).toBe('Welcome to the playground');
    // A drawer beside the lesson: Escape closes it and gives the keyboard back to its button.
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="course-sidebar"]', { state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('sidebar-toggle');
  });

  test('"Start this lesson fresh" asks in the page, not the browser; Cancel clears nothing', async () => {
    await page.click('[data-testid="lesson-reset"]');
    await page.waitForSelector('[data-testid="confirm-dialog"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="confirm-dialog"]', { state: 'detached' });
    expect(await page.$('[data-testid="reset-report"]')).toBeNull();
  });

  test('after "Start this lesson fresh" a check fails and says why', async () => {
    await startFresh();
    const result = await checkStep('memcached');
    expect(result.ok).toBe(false);
    expect(result.auto).toBe(false);
    expect(result.messages.join('\n')).toContain('memcached has no key "greeting"');
    expect(result.messages[0]).toMatch(/^✗/);
    expect(await page.getAttribute(step('memcached'), 'data-done')).toBe('false');
  });

  test('Run types a Redis block into the Redis terminal; Check passes and the outline marks it', async () => {
    await page.click(`${step('redis')} [data-testid="block-run"]`);
    const lines = await waitForScreen(
      'redis',
      (l) => after(l, 'GET visits').some((r) => r.includes('"1"')),
      'GET visits → "1"',
    );
    // Typed one at a time, each after the previous reply: every line is echoed at a prompt.
    expect(lines.some((l) => /SET visits 0$/.test(l))).toBe(true);
    expect(after(lines, 'INCR visits')[0]).toContain('(integer) 1');
    await page.waitForSelector(`${step('redis')} [data-testid="block-run"]:not([disabled])`);

    const result = await checkStep('redis');
    expect(result.ok).toBe(true);
    expect(result.messages).toEqual([expect.stringMatching(/^✓/)]);
    expect(await page.getAttribute(step('redis'), 'data-done')).toBe('true');
    await showOutline();
    await page.waitForSelector(`${welcomeLink}[data-done="1"]`);
    await hideOutline();
  });

  test('memcached lines are paced by its replies, the data line included; the step is checked by itself', async () => {
    await page.click(`${step('memcached')} [data-testid="block-run"]`);
    const lines = await waitForScreen(
      'memcached',
      (l) => after(l, 'get greeting').includes('END'),
      'get greeting → END',
    );
    expect(after(lines, 'get greeting').slice(0, 3)).toEqual(['VALUE greeting 0 5', 'hello', 'END']);
    expect(lines).toContain('STORED');
    // No Check pressed: the step's check runs once the block has typed its last line.
    await page.waitForSelector(`${step('memcached')}[data-done="true"]`, { timeout: REPLY_TIMEOUT_MS });
    const result = await results('memcached');
    expect(result).toMatchObject({ ok: true, auto: true });
    await showOutline();
    await page.waitForSelector(`${welcomeLink}[data-done="2"]`);
    await hideOutline();
  });

  test('progress and the lesson are remembered; next/back move through the hash', async () => {
    // Without a hash the page opens where the learner was, with the steps already marked.
    await openLesson('', 'welcome/start-here');
    expect(new URL(page.url()).hash).toBe(WELCOME);
    expect(await page.getAttribute(step('redis'), 'data-done')).toBe('true');
    expect(await page.getAttribute(step('rabbitmq'), 'data-done')).toBe('false');
    await showOutline();
    await page.waitForSelector(`${welcomeLink}[data-done="2"]`);
    await hideOutline();

    await page.click('[data-testid="lesson-next"]');
    await page.waitForSelector('[data-testid="lesson-view"]:not([data-lesson="welcome/start-here"])');
    const next = await page.getAttribute('[data-testid="lesson-view"]', 'data-lesson');
    expect(new URL(page.url()).hash).toBe(`#/${next}`);
    await page.goBack();
    await page.waitForSelector('[data-testid="lesson-view"][data-lesson="welcome/start-here"]');
    // Alt+] is the keyboard's way to the next lesson.
    await page.keyboard.press('Alt+BracketRight');
    await page.waitForSelector(`[data-testid="lesson-view"][data-lesson="${next}"]`);
  });

  test('a step done earlier whose keys a later step changed shows "changed since", not a failure', async () => {
    await openLesson(`#/${BASICS}`, BASICS);
    await startFresh();
    await runStepBlocks('say-hello');
    await page.waitForSelector(`${step('say-hello')}[data-done="true"]`, { timeout: REPLY_TIMEOUT_MS });
    // Step 5 sets basics:greeting to bonjour, which step 1's check asks about.
    await runStepBlocks('ask-the-terminal-for-help');
    await page.waitForSelector(`${step('ask-the-terminal-for-help')}[data-done="true"]`, {
      timeout: REPLY_TIMEOUT_MS,
    });
    const again = await checkStep('say-hello');
    expect(again).toMatchObject({ ok: false, changed: true });
    expect(again.messages.join('\n')).toContain('"bonjour"');
    expect(again.messages.join('\n')).not.toContain('✗');
    expect(await page.getAttribute(step('say-hello'), 'data-done')).toBe('true');
    expect(await page.textContent(`${step('say-hello')} .step-number`)).toBe('✓');
    await showOutline();
    await page.waitForSelector(`${basicsLink}[data-done="2"]`);
    await hideOutline();
    await page.screenshot({ path: '/tmp/playground-changed-since-e2e.png' });
  });

  test('a reload brings back each step’s last check result and where the lesson was scrolled to', async () => {
    const scroller = '#lesson-main';
    await page.$eval(`${step('say-hello')}`, (el) => el.scrollIntoView({ block: 'start' }));
    await page.$eval(scroller, (el) => el.scrollBy(0, 120));
    const before = await page.$eval(scroller, (el) => el.scrollTop);
    expect(before).toBeGreaterThan(200);
    // The scroll position is written on the next frame.
    await page.waitForTimeout(100);
    await page.reload();
    await page.waitForSelector(`[data-testid="lesson-view"][data-lesson="${BASICS}"]`);
    const restored = await results('say-hello');
    expect(restored).toMatchObject({ ok: false, changed: true });
    expect((await results('ask-the-terminal-for-help')).ok).toBe(true);
    await expect.poll(() => page.$eval(scroller, (el) => el.scrollTop)).toBeGreaterThan(before - 2);
    expect(Math.abs((await page.$eval(scroller, (el) => el.scrollTop)) - before)).toBeLessThanOrEqual(2);
  });

  test('after "Start this lesson fresh" the cards and the outline agree, with no old results under them', async () => {
    await startFresh();
    expect(await page.$$(`[data-testid="check-results"]`)).toHaveLength(0);
    const doneCards = await page.$$eval('[data-testid="step"][data-done="true"]', (els) => els.length);
    await showOutline();
    expect(await page.getAttribute(basicsLink, 'data-done')).toBe(String(doneCards));
    await hideOutline();
    // Checked now, a done step says what changed (the reset took its key), not a fresh ✗.
    const result = await checkStep('say-hello');
    expect(result).toMatchObject({ ok: false, changed: true });
    expect(await page.getAttribute(step('say-hello'), 'data-done')).toBe('true');
  });

  test('a snippet written in two languages shows a tab each; the pick holds for the page and a reload', async () => {
    await openLesson('#/redis/redis-py', 'redis/redis-py');
    const both = '[data-testid="snippet-block"]:has([data-testid="block-language"])';
    const tab = (language: string) => `${both} [data-testid="block-language"][data-language="${language}"]`;
    await page.waitForSelector(`${both}[data-file="hello_redis.py"]`);
    expect(await page.getAttribute(tab('python'), 'aria-selected')).toBe('true');
    // Coloured by the server's highlighter.
    expect(await page.$(`${both} pre code .hljs-keyword`)).not.toBeNull();

    await page.click(tab('javascript'));
    await page.waitForSelector(`${both}[data-file="hello_redis.js"]`);
    expect(await page.textContent(`${both} pre`)).toContain("import { createClient } from 'redis';");
    await page.click(`${both} [data-testid="block-open"]`);
    await page.waitForSelector('[data-testid="file-tab"][data-file="hello_redis.js"][aria-selected="true"]');

    await page.reload();
    await page.waitForSelector(`[data-testid="lesson-view"][data-lesson="redis/redis-py"]`);
    await page.waitForSelector(`${both}[data-file="hello_redis.js"]`);
    // The keyboard: Tab to the Python tab, Enter picks it.
    await page.focus(tab('python'));
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${both}[data-file="hello_redis.py"]`);
    await page.screenshot({ path: '/tmp/playground-snippet-languages-e2e.png' });
  });

  test('a lesson that does not exist says so, with the whole course to pick from', async () => {
    await page.goto(`${testBaseUrl()}/#/welcome/no-such-lesson`);
    const notFound = await page.waitForSelector('[data-testid="not-found"][data-what="lesson"]');
    expect(await notFound.textContent()).toContain('There is no lesson welcome/no-such-lesson');
    await page.waitForSelector('[data-testid="not-found-outline"]');
    // No "Try again": it could not work. A lesson of the outline opens in place.
    expect(await page.$('[data-testid="lesson-error"]')).toBeNull();
    await page.click(`[data-testid="not-found-outline"] ${welcomeLink}`);
    await page.waitForSelector('[data-testid="lesson-view"][data-lesson="welcome/start-here"]');
    expect(new URL(page.url()).hash).toBe(WELCOME);
  });
});
