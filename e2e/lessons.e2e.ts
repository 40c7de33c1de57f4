// The course UI in a real browser against the real server and services: the outline, a lesson's
// Run buttons typing into the terminals, Check with its results, the outline marking the step,
// "Start this lesson fresh", and the URL hash with back/forward and the remembered lesson.
import type { Browser, Page } from 'playwright-core';
import { launchChromium, linesAfter, waitForTerminal } from './browser.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ServiceName } from '../shared/protocol.ts';
import { testBaseUrl } from '../server/testing/endpoints.ts';

/** How long a reply may take to show up: services answer in milliseconds, the margin is for slow CI. */
const REPLY_TIMEOUT_MS = 15_000;

const WELCOME = '#/welcome/start-here';
const step = (id: string) => `[data-testid="step"][data-step="${id}"]`;
const welcomeLink = '[data-testid="lesson-link-welcome-start-here"]';

let browser: Browser;
let page: Page;

const waitForScreen = (service: ServiceName, check: (lines: string[]) => boolean, what: string) =>
  waitForTerminal(page, service, check, what, REPLY_TIMEOUT_MS);
const after = linesAfter;

async function openLesson(hash: string, lesson: string): Promise<void> {
  await page.goto(`${testBaseUrl()}/${hash}`);
  await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
  await page.waitForSelector(`[data-testid="lesson-view"][data-lesson="${lesson}"]`);
}

async function checkStep(id: string): Promise<{ ok: boolean; messages: string[] }> {
  await page.click(`${step(id)} [data-testid="step-check"]`);
  const results = await page.waitForSelector(`${step(id)} [data-testid="check-results"]`);
  return {
    ok: (await results.getAttribute('data-ok')) === 'true',
    messages: await results.$$eval('[data-testid="check-result"]', (els) => els.map((e) => e.textContent ?? '')),
  };
}

beforeAll(async () => {
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  // "Start this lesson fresh" asks first.
  page.on('dialog', (dialog) => void dialog.accept());
});

afterAll(async () => {
  await browser?.close();
});

describe('lessons in the browser', () => {
  test('the outline lists the courses and opens the lesson of the URL', async () => {
    await openLesson(WELCOME, 'welcome/start-here');
    const link = await page.waitForSelector(welcomeLink);
    expect(await link.getAttribute('aria-current')).toBe('page');
    expect(await link.getAttribute('data-done')).toBe('0');
    expect(await link.getAttribute('data-total')).toBe('3');
    expect(await page.textContent('[data-testid="course-sidebar"]')).toContain('Redis');
    expect(await page.textContent('h1.lesson-title')).toBe('Welcome to the playground');
  });

  test('after "Start this lesson fresh" a check fails and says why', async () => {
    await page.click('[data-testid="lesson-reset"]');
    await page.waitForSelector('[data-testid="reset-report"]');
    const result = await checkStep('memcached');
    expect(result.ok).toBe(false);
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
    expect(result).toEqual({ ok: true, messages: [expect.stringMatching(/^✓/)] });
    expect(await page.getAttribute(step('redis'), 'data-done')).toBe('true');
    await page.waitForSelector(`${welcomeLink}[data-done="1"]`);
  });

  test('memcached lines are paced by its replies, the data line included', async () => {
    await page.click(`${step('memcached')} [data-testid="block-run"]`);
    const lines = await waitForScreen(
      'memcached',
      (l) => after(l, 'get greeting').includes('END'),
      'get greeting → END',
    );
    expect(after(lines, 'get greeting').slice(0, 3)).toEqual(['VALUE greeting 0 5', 'hello', 'END']);
    expect(lines).toContain('STORED');
    expect((await checkStep('memcached')).ok).toBe(true);
    await page.waitForSelector(`${welcomeLink}[data-done="2"]`);
  });

  test('progress and the lesson are remembered; next/back move through the hash', async () => {
    // Without a hash the page opens where the learner was, with the steps already marked.
    await openLesson('', 'welcome/start-here');
    expect(new URL(page.url()).hash).toBe(WELCOME);
    expect(await page.getAttribute(step('redis'), 'data-done')).toBe('true');
    expect(await page.getAttribute(step('rabbitmq'), 'data-done')).toBe('false');
    await page.waitForSelector(`${welcomeLink}[data-done="2"]`);

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

  test('a snippet written in two languages shows a tab each; the pick holds for the page and a reload', async () => {
    await openLesson('#/redis/redis-py', 'redis/redis-py');
    const both = '[data-testid="snippet-block"]:has([data-testid="block-language"])';
    const tab = (language: string) => `${both} [data-testid="block-language"][data-language="${language}"]`;
    await page.waitForSelector(`${both}[data-file="hello_redis.py"]`);
    expect(await page.getAttribute(tab('python'), 'aria-selected')).toBe('true');

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

  test('a lesson that does not exist says so, with a retry', async () => {
    await page.goto(`${testBaseUrl()}/#/welcome/no-such-lesson`);
    const error = await page.waitForSelector('[data-testid="lesson-error"]');
    expect(await error.textContent()).toContain('there is no lesson "welcome/no-such-lesson"');
    expect(await error.$('button')).not.toBeNull();
    await page.screenshot({ path: '/tmp/playground-lessons-e2e.png' });
  });
});
