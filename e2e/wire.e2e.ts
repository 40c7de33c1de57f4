// The Wire view in a real browser against the real services: a redis-py pipeline run shows its
// commands decoded, one write for all of them, each reply paired and timed; a frame selected by
// the keyboard shows its tree and its bytes; a reload keeps it all; a memcached data line of the
// wrong length gets its hint in the terminal and beside the error frame. Screenshots are kept at
// both screen sizes.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testBaseUrl } from '../server/testing/endpoints.ts';
import { keepScreenshot, launchChromium, terminalRows, waitForGreeting, waitForTerminal } from './browser.ts';

const TIMEOUT_MS = 20_000;
const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const FILE = 'wire_pipeline.py';
const CODE = `import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
pipe = r.pipeline(transaction=False)
pipe.set("wire:${tag}", 0)
pipe.incr("wire:${tag}")
pipe.incrby("wire:${tag}", 10)
pipe.get("wire:${tag}")
print(pipe.execute())
`;

let browser: Browser;
let page: Page;

const view = '[data-testid="wire-view"]';

/** The summaries of the rows the Wire view shows, in order. */
async function summaries(): Promise<string[]> {
  return page.$$eval('[data-testid="wire-row"] .wire-summary', (els) => els.map((e) => e.textContent ?? ''));
}

beforeAll(async () => {
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(testBaseUrl()).origin });
  page = await context.newPage();
  await page.goto(testBaseUrl());
  await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
  await page.waitForSelector('[data-testid="lesson-view"]');
  await (await page.$('[data-testid="editor-unfold"]'))?.click();
});

afterAll(async () => {
  await browser?.close();
});

describe('the Wire view', () => {
  test('shows a run’s pipeline decoded, paired and timed; a frame picked with the keyboard shows its tree and bytes', async () => {
    await page.click('[data-testid="file-add"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(FILE);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-testid="file-tab"][data-file="${FILE}"][aria-selected="true"]`);
    await page.evaluate((t) => navigator.clipboard.writeText(t), CODE);
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+V');
    await page.keyboard.press('Control+Enter');

    // The run takes the keyboard; Alt+W opens its Wire view and moves the keyboard to the list.
    await page.waitForSelector('[data-testid="run-terminal"]');
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('[data-testid="run-terminal"] .xterm-rows > div')).some((row) =>
          (row.textContent ?? '').includes("[True, 1, 11, '11']"),
        ),
      null,
      { timeout: TIMEOUT_MS },
    );
    await page.keyboard.press('Alt+KeyW');
    await page.waitForSelector(view);
    await expect.poll(summaries, { timeout: TIMEOUT_MS }).toContain(`GET wire:${tag}`);
    const rows = await summaries();
    const set = rows.indexOf(`SET wire:${tag} 0`);
    expect(set).toBeGreaterThanOrEqual(0);
    expect(rows.slice(set, set + 4)).toEqual([
      `SET wire:${tag} 0`,
      // redis-py's incr() is INCRBY with an amount of 1: what the view is for.
      `INCRBY wire:${tag} 1`,
      `INCRBY wire:${tag} 10`,
      `GET wire:${tag}`,
    ]);
    // One write carried the four commands: the view marks them as one.
    const marks = await page.$$eval('[data-testid="wire-row"] .wire-mark', (els) => els.map((e) => e.className));
    expect(marks.slice(set, set + 4).every((c) => /wire-mark-/.test(c))).toBe(true);

    // Select the INCRBY with the keyboard: Home, then down to it.
    await page.focus('[data-testid="wire-list"]');
    await page.keyboard.press('Home');
    for (let i = 0; i < set + 2; i++) await page.keyboard.press('ArrowDown');
    const detail = '[data-testid="wire-detail"]';
    await expect.poll(() => page.textContent(detail)).toContain(`INCRBY wire:${tag}`);
    expect(await page.textContent(detail)).toContain(`argument 1"wire:${tag}"`);
    // *3\r\n$6\r\nINCRBY: the hex dump starts with the array header.
    expect((await page.textContent('[data-testid="wire-hex"]'))?.replace(/\s/g, '')).toContain('2a330d0a24360d0a');
    // Enter goes to its reply, the integer 11, with the time it took.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent(detail)).toContain('11');
    const selected = await page.$eval('[data-testid="wire-row"][aria-selected="true"]', (e) => e.textContent ?? '');
    expect(selected).toMatch(/\(integer\) 11.*\d+\.\d+ ms/);
    const before = await summaries();
    await keepScreenshot(page, 'wire-run-1280');
    await page.setViewportSize({ width: 1024, height: 700 });
    // At 1024 the lesson and the work area are tabs.
    await page.click('[data-testid="view-tab-work"]');
    await page.click('[data-testid="run-tab"]');
    await page.waitForSelector(view);
    await keepScreenshot(page, 'wire-run-1024');
    await page.setViewportSize({ width: 1280, height: 800 });

    // A reload in the middle keeps the view open and shows every frame once.
    await page.reload();
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    // The page comes back on a terminal; the run's tab shows its pane with the view still open.
    await page.click('[data-testid="run-tab"]');
    await page.waitForSelector(view, { timeout: TIMEOUT_MS });
    await expect.poll(summaries, { timeout: TIMEOUT_MS }).toEqual(before);
  });

  test('a memcached data line of the wrong length gets a hint in the terminal and beside the error frame', async () => {
    await page.click('[data-testid="tab-memcached"]');
    await waitForGreeting(page, 'memcached', TIMEOUT_MS);
    await page.waitForFunction(() => !!document.activeElement?.closest('[data-testid="terminal-memcached"]'));
    await page.keyboard.type(`set wire:${tag} 0 0 3`);
    await page.keyboard.press('Enter');
    await page.keyboard.type('toolong');
    await page.keyboard.press('Enter');
    const lines = await waitForTerminal(
      page,
      'memcached',
      (l) =>
        l.some((row) => row.includes('[hint: set declared 3 bytes but the data line had 7: make the byte count 7')),
      'the hint under CLIENT_ERROR',
      TIMEOUT_MS,
    );
    expect(lines.some((row) => row.includes('CLIENT_ERROR bad data chunk'))).toBe(true);

    // The terminal's Wire view: the error frame in the error colour, the same hint under it.
    await page.keyboard.press('Alt+KeyW');
    await page.waitForSelector('[data-testid="wire-view"]');
    await page.waitForSelector('[data-testid="wire-row"].wire-error', { timeout: TIMEOUT_MS });
    await page.waitForSelector('[data-testid="wire-hint"]', { timeout: TIMEOUT_MS });
    expect(await page.textContent('[data-testid="wire-hint"]')).toContain(
      'set declared 3 bytes but the data line had 7: make the byte count 7',
    );
    await keepScreenshot(page, 'wire-memcached-hint-1280');
    expect((await terminalRows(page, 'memcached')).length).toBeGreaterThan(0);
  });
});
