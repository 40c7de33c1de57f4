// The page's frame in real Chromium at the window sizes people use (1440×900, 1280×800, 1024×700,
// 768×1024): the lesson readable (prose line length measured from the rendered text, and printed),
// a terminals lesson giving the editor's space to the terminals, the divider remembered, tabs
// instead of columns below 1100 px with nothing overlapping, the shortcut popover inside the
// window, the light theme and its toggle, the skip link, the 404 page of an unknown path, and the
// service badges grey while the server is away. Screenshots of every size are kept in
// e2e/artifacts/ (git-ignored) for a person to look at.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testBaseUrl } from '../server/testing/endpoints.ts';
import { ARTIFACTS, SCREEN_SIZES, keepScreenshot, launchChromium, waitForTerminal } from './browser.ts';

/** What reads best: 60 to 80 characters a line (lesson-format and layout notes in the README). */
const PROSE_MIN_CHARS = 60;
const PROSE_MAX_CHARS = 80;

const TIMEOUT_MS = 15_000;
const WELCOME = 'welcome/start-here';
const WITH_EDITOR = 'redis/redis-py';

let browser: Browser;
const dialogs: string[] = [];

async function newPage(
  size: { width: number; height: number },
  colorScheme: 'light' | 'dark' = 'dark',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: size, colorScheme });
  const page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return { context, page };
}

async function openLesson(page: Page, lesson: string): Promise<void> {
  await page.goto(`${testBaseUrl()}/#/${lesson}`);
  await page.waitForSelector('[data-testid="connection-state"][data-state="open"]', { timeout: TIMEOUT_MS });
  await page.waitForSelector(`[data-testid="lesson-view"][data-lesson="${lesson}"]`, { timeout: TIMEOUT_MS });
}

/**
 * Characters per rendered line of the lesson's paragraphs, read from the layout the browser made:
 * each character's box, grouped into lines by where it sits. A paragraph's last line is left out
 * (it is as short as its sentence).
 */
function proseLineLengths(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const counts: number[] = [];
    const paragraphs = Array.from(document.querySelectorAll('[data-testid="lesson-view"] .lesson-content > p')).slice(
      0,
      8,
    );
    for (const p of paragraphs) {
      const lines: number[] = [];
      let lastY = Number.NEGATIVE_INFINITY;
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (let i = 0; i < text.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const box = range.getClientRects()[0];
          if (!box) continue; // a space collapsed at a line break
          const y = (box.top + box.bottom) / 2;
          if (y - lastY > box.height / 2) {
            lines.push(0);
            lastY = y;
          }
          lines[lines.length - 1]++;
        }
      }
      counts.push(...lines.slice(0, -1));
    }
    return counts;
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Box = { name: string; left: number; top: number; right: number; bottom: number };

/** The boxes of the visible elements matching `selector`, named by their test id or text. */
function boxes(page: Page, selector: string): Promise<Box[]> {
  return page.$$eval(selector, (els) =>
    els
      .map((el) => {
        const r = el.getBoundingClientRect();
        const name = (el as HTMLElement).dataset.testid ?? el.className.toString() ?? el.tagName;
        return { name, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      })
      .filter((b) => b.right > b.left && b.bottom > b.top),
  );
}

const overlaps = (a: Box, b: Box) =>
  a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

/** Pairs of boxes that overlap, as "a × b". */
function overlapping(list: Box[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++)
      if (overlaps(list[i], list[j])) found.push(`${list[i].name} × ${list[j].name}`);
  }
  return found;
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  expect(dialogs).toEqual([]);
});

describe('the lesson is readable', () => {
  test('prose runs 60–80 characters a line at 1280×800 and 1440×900; code wraps instead of scrolling', async () => {
    for (const size of [SCREEN_SIZES[1], SCREEN_SIZES[0]]) {
      const { context, page } = await newPage(size);
      await openLesson(page, WELCOME);
      const lengths = await proseLineLengths(page);
      expect(lengths.length).toBeGreaterThan(3);
      const m = median(lengths);
      console.log(
        `prose line length at ${size.width}×${size.height}: median ${m} characters ` +
          `(${Math.min(...lengths)}–${Math.max(...lengths)} over ${lengths.length} full lines)`,
      );
      expect(m).toBeGreaterThanOrEqual(PROSE_MIN_CHARS);
      expect(m).toBeLessThanOrEqual(PROSE_MAX_CHARS);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(PROSE_MAX_CHARS + 8);

      await openLesson(page, 'rabbitmq/hello-world');
      // No code block is cut or scrolls sideways: every one fits its width.
      const cut = await page.$$eval('[data-testid="lesson-view"] pre', (pres) =>
        pres.filter((p) => p.scrollWidth > p.clientWidth + 1).map((p) => p.textContent?.slice(0, 60)),
      );
      expect(cut).toEqual([]);
      await context.close();
    }
  });

  test('lesson code blocks are coloured; a terminals lesson folds the editor and gives its space to the terminals', async () => {
    const { context, page } = await newPage(SCREEN_SIZES[0]);
    await openLesson(page, WITH_EDITOR);
    expect(
      await page.$$eval('[data-testid="snippet-block"] pre code .hljs-string', (els) => els.length),
    ).toBeGreaterThan(0);
    await page.waitForSelector('.work-area[data-editor="shown"] .editor-pane', { timeout: TIMEOUT_MS });
    expect(await page.$('[data-testid="editor-folded"]')).toBeNull();
    const withEditor = (await page.$eval('.terminal-area', (el) => el.getBoundingClientRect().height)) | 0;

    await openLesson(page, WELCOME);
    await page.waitForSelector('[data-testid="editor-folded"]');
    const terminalsOnly = (await page.$eval('.terminal-area', (el) => el.getBoundingClientRect().height)) | 0;
    expect(terminalsOnly).toBeGreaterThan(withEditor * 1.3);
    const work = await page.$eval('.work-area', (el) => el.getBoundingClientRect().height);
    expect(terminalsOnly).toBeGreaterThan(work * 0.9);
    await keepScreenshot(page, 'terminals-lesson-1440x900');

    // One press brings the editor back; the learner's choice holds across a reload.
    const editorHeight = () => page.$eval('.editor-pane', (el) => el.getBoundingClientRect().height);
    await page.click('[data-testid="editor-unfold"]');
    await page.waitForSelector('[data-testid="editor-folded"]', { state: 'detached' });
    await page.waitForSelector('.work-area[data-editor="shown"] .editor-pane', { timeout: TIMEOUT_MS });
    expect(await editorHeight()).toBeGreaterThan(200);
    await page.reload();
    await page.waitForSelector(`[data-testid="lesson-view"][data-lesson="${WELCOME}"]`);
    await page.waitForSelector('.work-area[data-editor="shown"] .editor-pane', { timeout: TIMEOUT_MS });
    expect(await page.$('[data-testid="editor-folded"]')).toBeNull();
    expect(await editorHeight()).toBeGreaterThan(200);
    await context.close();
  });

  test('the divider between the lesson and the workspace stays where the learner put it', async () => {
    const { context, page } = await newPage(SCREEN_SIZES[1]);
    await openLesson(page, WITH_EDITOR);
    const lessonWidth = () => page.$eval('[data-testid="lesson"]', (el) => el.getBoundingClientRect().width);
    const before = await lessonWidth();
    const grip = await page.$eval('.main > .separator-vertical', (el) => {
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });
    await page.mouse.move(grip.x, grip.y);
    await page.mouse.down();
    await page.mouse.move(grip.x + 120, grip.y, { steps: 8 });
    await page.mouse.up();
    const moved = await lessonWidth();
    expect(moved).toBeGreaterThan(before + 100);
    await page.reload();
    await page.waitForSelector(`[data-testid="lesson-view"][data-lesson="${WITH_EDITOR}"]`);
    expect(Math.abs((await lessonWidth()) - moved)).toBeLessThan(3);
    await context.close();
  });
});

describe('every window size', () => {
  test('screenshots at 1440×900, 1280×800, 1024×700 and 768×1024, in both themes, kept as artefacts', async () => {
    for (const size of SCREEN_SIZES) {
      for (const scheme of ['dark', 'light'] as const) {
        const { context, page } = await newPage(size, scheme);
        await openLesson(page, WITH_EDITOR);
        // In tabs (below 1100 px) the terminals are laid out, hidden behind the lesson's tab.
        await page.waitForSelector('[data-testid="terminal-memcached"] .xterm-rows', {
          timeout: TIMEOUT_MS,
          state: size.width < 1100 ? 'attached' : 'visible',
        });
        await page.waitForTimeout(300);
        await keepScreenshot(page, `lesson-${size.width}x${size.height}-${scheme}`);
        if (size.width < 1100) {
          await page.click('[data-testid="view-tab-work"]');
          await page.waitForTimeout(300);
          await keepScreenshot(page, `workspace-${size.width}x${size.height}-${scheme}`);
        }
        await context.close();
      }
    }
    for (const size of SCREEN_SIZES) {
      for (const scheme of ['dark', 'light'] as const) {
        expect(fs.existsSync(path.join(ARTIFACTS, `lesson-${size.width}x${size.height}-${scheme}.png`))).toBe(true);
      }
    }
  });

  for (const size of [SCREEN_SIZES[2], SCREEN_SIZES[3]]) {
    test(`at ${size.width}×${size.height} the lesson and the workspace are tabs, and nothing overlaps`, async () => {
      const { context, page } = await newPage(size);
      await page.goto(`${testBaseUrl()}/#/${WITH_EDITOR}`);
      await page.waitForSelector('[data-testid="connection-state"][data-state="open"]', { timeout: TIMEOUT_MS });
      await page.waitForSelector(`[data-testid="lesson-view"][data-lesson="${WITH_EDITOR}"]`);
      expect(await page.getAttribute('.app', 'data-layout')).toBe('tabs');

      // The top bar: every control inside the window, none over another.
      const header = await boxes(
        page,
        '.top-bar .brand, .top-bar .badge-group, .top-bar [data-testid="theme-toggle"], .top-bar [data-testid="connection-state"]',
      );
      expect(header.length).toBe(7);
      expect(overlapping(header)).toEqual([]);
      expect(header.every((b) => b.left >= 0 && b.right <= size.width)).toBe(true);
      // The lesson's title and text stay inside the lesson.
      const pane = (await boxes(page, '[data-testid="lesson"]'))[0];
      const title = (await boxes(page, 'h1.lesson-title'))[0];
      expect(title.right).toBeLessThanOrEqual(pane.right);
      expect(
        overlapping([...(await boxes(page, '.lesson-toolbar > *')), ...(await boxes(page, '.view-tabs > *'))]),
      ).toEqual([]);
      expect(median(await proseLineLengths(page))).toBeGreaterThanOrEqual(45);
      await keepScreenshot(page, `tabs-lesson-${size.width}x${size.height}`);

      // The keyboard moves between the tabs; the workspace fills the window below them.
      await page.focus('[data-testid="view-tab-lesson"]');
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector('[data-testid="view-tab-work"][aria-selected="true"]');
      const terminal = (await boxes(page, '[data-testid="terminal-memcached"]'))[0];
      expect(terminal.right - terminal.left).toBeGreaterThan(size.width * 0.9);
      expect(overlapping([...(await boxes(page, '#view-work .pane-toolbar > *'))])).toEqual([]);
      await keepScreenshot(page, `tabs-workspace-${size.width}x${size.height}`);

      // Reload in the middle: the same tab comes back.
      await page.reload();
      await page.waitForSelector('[data-testid="view-tab-work"][aria-selected="true"]');

      // A lesson's Run brings the workspace forward, with what it typed.
      await page.click('[data-testid="view-tab-lesson"]');
      await openLesson(page, WELCOME);
      await page.click('[data-testid="step"][data-step="redis"] [data-testid="block-run"]');
      await page.waitForSelector('[data-testid="view-tab-work"][aria-selected="true"]');
      await waitForTerminal(page, 'redis', (l) => l.some((r) => r.includes('INCR visits')), 'INCR visits', TIMEOUT_MS);
      await context.close();
    });
  }
});

describe('the frame around the lesson', () => {
  for (const size of [SCREEN_SIZES[0], SCREEN_SIZES[1]]) {
    test(`the shortcut popover (Alt+/) stays inside a ${size.width}×${size.height} window and scrolls`, async () => {
      const { context, page } = await newPage(size);
      await openLesson(page, WITH_EDITOR);
      await page.keyboard.press('Alt+Slash');
      const popover = await page.waitForSelector('[data-testid="help-popover"]');
      const box = (await popover.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(size.height);
      expect(box.x + box.width).toBeLessThanOrEqual(size.width);
      // What does not fit scrolls, from the keyboard too (the popover has it).
      const fits = await popover.evaluate((el) => el.scrollHeight <= el.clientHeight);
      if (!fits) {
        await page.keyboard.press('PageDown');
        await expect.poll(() => popover.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
      }
      await keepScreenshot(page, `shortcuts-${size.width}x${size.height}`);
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid="help-popover"]', { state: 'detached' });
      await context.close();
    });
  }

  test('the theme follows the system, and the toggle picks one (the terminals follow), kept for the next visit', async () => {
    const { context, page } = await newPage(SCREEN_SIZES[1], 'light');
    await openLesson(page, WELCOME);
    const theme = () => page.getAttribute('html', 'data-theme');
    const terminalColours = () =>
      page.$eval('[data-testid="terminal-redis"] .xterm-viewport', (el) => getComputedStyle(el).backgroundColor);
    expect(await theme()).toBe('light');
    expect(await page.getAttribute('[data-testid="theme-toggle"]', 'data-theme-choice')).toBe('system');
    expect(await page.$eval('body', (el) => getComputedStyle(el).backgroundColor)).toBe('rgb(246, 248, 250)');
    await page.waitForSelector('[data-testid="terminal-memcached"] .xterm-rows');
    const rowColour = () =>
      page.$eval('[data-testid="terminal-memcached"] .xterm-rows', (el) => getComputedStyle(el).color);
    expect(await rowColour()).toBe('rgb(31, 35, 40)');

    // system → light → dark
    await page.click('[data-testid="theme-toggle"]');
    expect(await page.getAttribute('[data-testid="theme-toggle"]', 'data-theme-choice')).toBe('light');
    await page.click('[data-testid="theme-toggle"]');
    expect(await theme()).toBe('dark');
    await expect.poll(rowColour).toBe('rgb(214, 222, 235)');
    expect(await terminalColours()).toBe('rgb(13, 17, 23)');
    await page.reload();
    await page.waitForSelector(`[data-testid="lesson-view"][data-lesson="${WELCOME}"]`);
    expect(await theme()).toBe('dark');
    await context.close();
  });

  test('the first Tab reaches "Skip to the lesson", which takes the keyboard to the lesson', async () => {
    const { context, page } = await newPage(SCREEN_SIZES[2]);
    await openLesson(page, WELCOME);
    await page.click('[data-testid="view-tab-work"]');
    // A fresh page (the workspace's tab comes back with the reload); nothing has the keyboard yet.
    await page.reload();
    await page.waitForSelector('[data-testid="view-tab-work"][aria-selected="true"]');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('skip-link');
    const link = (await page.$('[data-testid="skip-link"]'))!;
    expect((await link.boundingBox())!.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="view-tab-lesson"][aria-selected="true"]');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('lesson-main');
    await context.close();
  });

  test('an unknown path shows a 404 page with the course outline', async () => {
    const { context, page } = await newPage(SCREEN_SIZES[1]);
    await page.goto(`${testBaseUrl()}/no/such/page`);
    const notFound = await page.waitForSelector('[data-testid="not-found"][data-what="page"]');
    expect(await notFound.textContent()).toContain('There is no page /no/such/page');
    const link = await page.waitForSelector(
      '[data-testid="not-found-outline"] [data-testid="lesson-link-welcome-start-here"]',
    );
    expect(await link.getAttribute('href')).toBe('/#/welcome/start-here');
    await keepScreenshot(page, 'not-found-1280x800');
    await link.click();
    await page.waitForSelector(`[data-testid="lesson-view"][data-lesson="${WELCOME}"]`);
    await context.close();
  });

  test('while the server is away the service badges are grey and show no version; they come back with it', async () => {
    const { context, page } = await newPage(SCREEN_SIZES[1]);
    let down = false;
    const open = new Set<{ close(): Promise<void> }>();
    await page.routeWebSocket(/\/ws$/, (ws) => {
      if (down) return void ws.close({ code: 1011, reason: 'server down' }).catch(() => {});
      ws.connectToServer();
      open.add(ws);
    });
    await openLesson(page, WELCOME);
    await page.waitForSelector('[data-testid="badge-redis"][data-tone="ok"]');
    down = true;
    for (const ws of open) await ws.close().catch(() => {});
    await page.waitForSelector('[data-testid="connection-state"]:not([data-state="open"])');
    for (const service of ['memcached', 'redis', 'rabbitmq', 'mysql']) {
      const badge = `[data-testid="badge-${service}"]`;
      await page.waitForSelector(`${badge}[data-tone="unknown"]`);
      expect(await page.$(`${badge} .badge-version`)).toBeNull();
      expect(await page.getAttribute(badge, 'aria-label')).toContain('unknown');
    }
    await keepScreenshot(page, 'server-away-1280x800');
    down = false;
    // "retry now" exists only between attempts: an attempt of the page's own may be under way (and
    // succeed) at the moment of the click, so the click is tried until the badges are back.
    const back = '[data-testid="badge-redis"][data-tone="ok"]';
    const deadline = Date.now() + TIMEOUT_MS;
    while (!(await page.$(back)) && Date.now() < deadline) {
      await page.click('[data-testid="connection-state"] .link-button', { timeout: 500 }).catch(() => {});
      await page.waitForSelector(back, { timeout: 500 }).catch(() => {});
    }
    await page.waitForSelector(back, { timeout: 1000 });
    await context.close();
  });
});
