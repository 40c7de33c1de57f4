// Classroom mode beyond the first join, in real Chromium against a classroom-mode server on the
// real services: the dashboard's step headers read whole, its CSV counts steps done out of the
// course's, the join link uses the address the page was opened at (here a name other machines
// would use, mapped to loopback), a learner's editor starts with the lesson's own files and marks
// only what the learner changed, reset asks in the page, the instructor's broadcasts arrive in a
// dock that covers no control (the instructor's page open twice shows each terminal once), and a
// class can be archived, restored and deleted with its data. Screenshots at four window sizes go
// to e2e/artifacts/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { classroomBaseUrl, instructorSecret } from '../server/testing/endpoints.ts';
import { keepScreenshot, SCREEN_SIZES, showWorkspace, waitForGreeting } from './browser.ts';

/** Live updates and replies take milliseconds; the margin is for a slow CI machine. */
const LIVE_TIMEOUT_MS = 20_000;
/** A learner's first terminal waits for their own instances to start. */
const WORKSPACE_TIMEOUT_MS = 45_000;

/**
 * The name the instructor opens the dashboard at: one other machines could use (not loopback),
 * which Chromium maps to the test server. The join link must be built on it, not on 127.0.0.1.
 */
const CLASS_HOST = 'classroom.test';

const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e3)}`;

let browser: Browser;
let instructor: Page;
let learner: Page;
let base: string;
let classId = '';
let code = '';
const dialogs: string[] = [];

/**
 * Whether what is drawn at the middle of `selector` (or 10 px into it) belongs to it: nothing
 * covers it. Otherwise what is there instead, so that a failure names the culprit.
 */
async function uncovered(page: Page, selector: string): Promise<true | string> {
  return page.$eval(selector, (el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return 'not drawn (no size)';
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + Math.min(box.height / 2, 10));
    if (top !== null && el.contains(top)) return true;
    const describe = (e: Element) =>
      `<${e.tagName.toLowerCase()}${e.getAttribute('data-testid') ? ` data-testid="${e.getAttribute('data-testid')}"` : ''} class="${e.className}">`;
    const chain: string[] = [];
    for (let e: Element | null = top; e && chain.length < 4; e = e.parentElement) chain.push(describe(e));
    return `covered by ${chain.join(' in ') || 'nothing'}`;
  });
}

async function boxOf(page: Page, selector: string) {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on screen`);
  return box;
}

/** The workspace with its editor shown. */
async function showWork(page: Page): Promise<void> {
  await showWorkspace(page);
  const unfold = await page.$('[data-testid="editor-unfold"]');
  if (unfold && (await unfold.isVisible())) await unfold.click();
}

beforeAll(async () => {
  const classroom = classroomBaseUrl();
  if (!classroom) throw new Error('the global setup provides no classroomBaseUrl');
  const port = new URL(classroom).port;
  base = `http://${CLASS_HOST}:${port}`;
  // The flags of e2e/browser.ts, and one more: the class's host name resolves to the test server.
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      `--host-resolver-rules=MAP ${CLASS_HOST} 127.0.0.1`,
    ],
  });
  instructor = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  learner = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  for (const page of [instructor, learner]) {
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
  }
  await instructor.goto(`${base}/instructor`);
  await instructor.fill('[data-testid="instructor-secret"]', instructorSecret());
  await instructor.click('[data-testid="instructor-submit"]');
  await instructor.fill('[data-testid="class-create-name"]', `Extras ${tag}`);
  await instructor.click('[data-testid="class-create"]');
  code = ((await (await instructor.waitForSelector('[data-testid="class-code"]')).textContent()) ?? '').trim();
  classId = decodeURIComponent(new URL(instructor.url()).pathname.split('/').at(-1)!);
}, WORKSPACE_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  // Every question of the page is asked in the page.
  expect(dialogs).toEqual([]);
});

describe('the dashboard', () => {
  test('the join link (and the projected one) uses the address the page was opened at, not loopback', async () => {
    const link = `${base}/join/${code}`;
    expect(await instructor.textContent('[data-testid="class-join-link"]')).toBe(link);
    expect(await instructor.$('[data-testid="class-join-note"]')).toBeNull();
    await instructor.click('text=Show full screen');
    expect(await instructor.textContent('[data-testid="projector-link"]')).toBe(link);
    await instructor.keyboard.press('Escape');
    await instructor.waitForSelector('.projector', { state: 'detached' });
  });

  test(
    'a learner joins; every lesson header reads whole (or says where it is cut), every step is named',
    async () => {
      await learner.goto(`${base}/join/${code}`);
      await learner.fill('[data-testid="join-name"]', `Grace ${tag}`);
      await learner.click('[data-testid="join-submit"]');
      await learner.waitForSelector('[data-testid="class-identity"]', { timeout: WORKSPACE_TIMEOUT_MS });
      await instructor.waitForSelector('[data-testid="grid"] .grid-row', { timeout: LIVE_TIMEOUT_MS });

      const heads = await instructor.$$eval('.grid-lesson', (ths) =>
        ths.map((th) => {
          const text = th.querySelector('.grid-lesson-text') as HTMLElement;
          return {
            shown: (text.textContent ?? '').replace(/\n/g, ' '),
            title: th.getAttribute('title') ?? '',
            clipped: text.scrollHeight > text.clientHeight + 1 || text.scrollWidth > text.clientWidth + 1,
          };
        }),
      );
      expect(heads.length).toBeGreaterThan(20);
      for (const h of heads) {
        expect(h.clipped, h.title).toBe(false);
        // "3. Reading and CAS", whole, or cut where it says so; the tooltip has it all.
        const heading = h.title.replace(/^[^·]+ · /, '').replace(/ \(\d+ steps?\)$/, '');
        if (h.shown.endsWith('…')) expect(heading.startsWith(h.shown.slice(0, -1).split(' ')[0])).toBe(true);
        else expect(h.shown).toBe(heading);
      }
      // Most headers need no cut at all.
      expect(heads.filter((h) => !h.shown.endsWith('…')).length).toBeGreaterThan(heads.length * 0.7);
      const steps = await instructor.$$eval('.grid-step', (ths) => ths.map((th) => th.getAttribute('title') ?? ''));
      expect(steps.length).toBeGreaterThan(100);
      for (const title of steps) expect(title).toMatch(/\nStep \d+ of \d+: \S/);
      for (const size of SCREEN_SIZES) {
        await instructor.setViewportSize(size);
        await instructor.waitForTimeout(300);
        await keepScreenshot(instructor, `dashboard-class-${size.width}x${size.height}`);
      }
      await instructor.setViewportSize(SCREEN_SIZES[0]);
    },
    WORKSPACE_TIMEOUT_MS + LIVE_TIMEOUT_MS,
  );

  test('the CSV counts steps done out of the course’s checked steps, with a header that says so', async () => {
    // Fetched by the page (its cookie, its host name), as the Export button's download is.
    const csv = await instructor.evaluate(async (id) => {
      const response = await fetch(`/api/classes/${encodeURIComponent(id)}/progress.csv`);
      return response.ok ? response.text() : `HTTP ${response.status}`;
    }, classId);
    const [header, row] = csv.split('\r\n');
    const checked = await instructor.$$eval('.grid-step:not(.grid-step-nocheck)', (ths) => ths.length);
    const columns = header.split(',');
    expect(columns[4]).toBe(`steps done (of ${checked})`);
    expect(row.split(',')[4]).toMatch(/^\d+$/);
  });
});

describe('the learner’s editor', () => {
  test('a lesson starts with its own files only; what a lesson’s button adds is not “changed”', async () => {
    await learner.goto(`${base}/#/redis/redis-py`);
    await learner.waitForSelector('[data-testid="lesson-view"][data-lesson="redis/redis-py"]');
    await showWork(learner);
    // redis-py has no files beside its lesson.md: no examples from elsewhere, an editor that says what to do.
    await learner.waitForSelector('[data-testid="editor-empty"]');
    expect(await learner.$$('[data-testid="file-tab"]')).toHaveLength(0);

    const lesson = await learner.$('[data-testid="view-tab-lesson"]');
    if (lesson && (await lesson.isVisible())) await lesson.click();
    await learner.click('[data-testid="snippet-block"][data-file="hello_redis.py"] [data-testid="block-open"]');
    const tab = '[data-testid="file-tab"][data-file="hello_redis.py"]';
    await learner.waitForSelector(`${tab}[aria-selected="true"]`);
    expect(await learner.$(`${tab} .file-modified`)).toBeNull();
    expect(await learner.isDisabled('[data-testid="reset-files"]')).toBe(true);

    // The learner's own edit is a change.
    await learner.click('.monaco-editor .view-lines');
    await learner.keyboard.press('Control+End');
    await learner.keyboard.type(`# mine ${tag}`);
    await learner.waitForSelector(`${tab} .file-modified`);

    // Reset says what it does, in the page, starting on Cancel.
    await learner.click('[data-testid="reset-files"]');
    await learner.waitForSelector('[data-testid="confirm-dialog"]');
    expect(await learner.textContent('[data-testid="reset-edited"]')).toContain(
      "hello_redis.py goes back to the lesson's text",
    );
    expect(await learner.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('confirm-cancel');
    await learner.keyboard.press('Enter');
    await learner.waitForSelector('[data-testid="confirm-dialog"]', { state: 'detached' });
    await learner.waitForSelector(`${tab} .file-modified`);
    await learner.click('[data-testid="reset-files"]');
    await learner.click('[data-testid="confirm-ok"]');
    await learner.waitForSelector(`${tab}:not(:has(.file-modified))`);
    expect(
      await learner.$$eval('[data-testid="file-tab"]', (t) => t.map((e) => (e as HTMLElement).dataset.file)),
    ).toEqual(['hello_redis.py']);
  });

  test('after a reload the active tab is in view and the save status beside the strip, not over it', async () => {
    for (const name of ['first_helper.py', 'second_helper.py', 'third_helper.py', 'fourth_helper.py', 'last_one.py']) {
      await learner.click('[data-testid="file-add"]');
      await learner.keyboard.press('Control+A');
      await learner.keyboard.type(name);
      await learner.keyboard.press('Enter');
      await learner.waitForSelector(`[data-testid="file-tab"][data-file="${name}"][aria-selected="true"]`);
    }
    await learner.click('.monaco-editor .view-lines');
    await learner.keyboard.type('x = 1');
    await learner.waitForSelector('[data-testid="save-status"][data-state="saved"]', { timeout: LIVE_TIMEOUT_MS });
    await learner.reload();
    await learner.waitForSelector('[data-testid="lesson-view"]', { state: 'attached' });
    await showWork(learner);
    await learner.waitForSelector('[data-testid="file-tab"][data-file="last_one.py"][aria-selected="true"]');
    await learner.click('.monaco-editor .view-lines');
    await learner.keyboard.type('\ny = 2');
    await learner.waitForSelector('[data-testid="save-status"][data-state="saved"]', { timeout: LIVE_TIMEOUT_MS });
    await learner.waitForTimeout(200);
    const strip = await boxOf(learner, '.editor-pane .file-tabs');
    const active = await boxOf(learner, '[data-testid="file-tab"][aria-selected="true"]');
    const saved = await boxOf(learner, '[data-testid="save-status"]');
    const env = await boxOf(learner, '[data-testid="env-button"]');
    expect(active.x).toBeGreaterThanOrEqual(strip.x - 1);
    expect(active.x + active.width).toBeLessThanOrEqual(strip.x + strip.width + 1);
    expect(saved.x).toBeGreaterThanOrEqual(strip.x + strip.width);
    expect(env.x).toBeGreaterThanOrEqual(saved.x + saved.width);
    expect(await uncovered(learner, '[data-testid="file-tab"][aria-selected="true"]')).toBe(true);
  });
});

describe('what the instructor shares', () => {
  test('the instructor’s page open twice: the learner sees each terminal once, in a dock that covers nothing', async () => {
    // The instructor's own workspace, twice, with a line typed into Redis in the second.
    const first = await instructor.context().newPage();
    const second = await instructor.context().newPage();
    for (const p of [first, second]) {
      await p.goto(`${base}/`);
      await p.waitForSelector('[data-testid="connection-state"][data-state="open"]', { timeout: LIVE_TIMEOUT_MS });
    }
    await instructor.bringToFront();
    // The switch's label takes the click, as a person's would.
    await instructor.click('.broadcast-panel .switch');
    await instructor.waitForSelector('[data-testid="broadcast-terminals-result"]');
    await second.bringToFront();
    await second.click('[data-testid="tab-redis"]');
    await waitForGreeting(second, 'redis', LIVE_TIMEOUT_MS);
    await second.click('[data-testid="terminal-redis"]');
    await second.keyboard.type(`ECHO shown-${tag}`);
    await second.keyboard.press('Enter');

    await learner.bringToFront();
    await learner.waitForSelector('[data-testid="mirror-panel"]', { timeout: LIVE_TIMEOUT_MS });
    // Every terminal of the instructor's comes from both pages; the learner gets one tab for each.
    const labels = () => learner.$$eval('[data-testid="mirror-tab"]', (t) => t.map((e) => e.textContent ?? ''));
    await expect.poll(async () => (await labels()).includes('Redis'), { timeout: LIVE_TIMEOUT_MS }).toBe(true);
    const shown = await labels();
    expect(shown).toContain('memcached');
    expect(new Set(shown).size).toBe(shown.length);
    await learner.waitForSelector(`[data-testid="mirror-body"] :text("shown-${tag}")`, { timeout: LIVE_TIMEOUT_MS });

    // Counts agree: the broadcast panel's, the join panel's and the "Now" card's come from one place.
    await instructor.bringToFront();
    expect(await instructor.textContent('[data-testid="broadcast-terminals-result"]')).toBe(
      'Shown live to 1 learner online now',
    );
    expect(await instructor.textContent('[data-testid="class-learner-count"]')).toMatch(/^1 learner · 1 online$/);

    // A shared snippet joins the dock; nothing floats over the workspace.
    await instructor.click('[data-testid="snippet-open"]');
    await instructor.fill('[data-testid="snippet-name"]', 'count_keys.py');
    await instructor.fill('[data-testid="snippet-code"]', 'print("count")\n');
    await instructor.click('[data-testid="snippet-send"]');
    await learner.bringToFront();
    await learner.waitForSelector('[data-testid="broadcast-card"][data-file="count_keys.py"]', {
      timeout: LIVE_TIMEOUT_MS,
    });
    for (const size of SCREEN_SIZES) {
      await learner.setViewportSize(size);
      await showWork(learner);
      await learner.waitForTimeout(300);
      for (const control of [
        '[data-testid="run-button"]',
        '[data-testid="env-button"]',
        '[data-testid="reset-files"]',
      ]) {
        expect(await uncovered(learner, control), `${control} at ${size.width}×${size.height}`).toBe(true);
      }
      expect(await uncovered(learner, '[data-testid="terminal-redis"], [data-testid="terminal-memcached"]')).toBe(true);
      const dock = await boxOf(learner, '[data-testid="instructor-dock"]');
      const editor = await boxOf(learner, '.editor-pane');
      expect(editor.y + editor.height).toBeLessThanOrEqual(dock.y + 1);
      await keepScreenshot(learner, `learner-dock-${size.width}x${size.height}`);
    }
    await learner.setViewportSize({ width: 1280, height: 800 });
    for (const p of [first, second]) await p.close();
  });

  test('the dock resizes from the keyboard, folds, and keeps both (and unopened snippets) across a reload', async () => {
    // Where the test above leaves it, whether or not it got to its end.
    await learner.setViewportSize({ width: 1280, height: 800 });
    const height = () => learner.$eval('[data-testid="mirror-panel"]', (el) => el.getBoundingClientRect().height);
    const before = await height();
    await learner.focus('[data-testid="dock-divider"]');
    await learner.keyboard.press('ArrowUp');
    await learner.keyboard.press('ArrowUp');
    await expect.poll(height).toBe(before + 48);
    await learner.click('[data-testid="dock-toggle"]');
    expect(await learner.getAttribute('[data-testid="instructor-dock"]', 'data-collapsed')).toBe('true');
    expect(await learner.isVisible('[data-testid="mirror-panel"]')).toBe(false);

    await learner.reload();
    await learner.waitForSelector('[data-testid="instructor-dock"][data-collapsed="true"]', {
      timeout: LIVE_TIMEOUT_MS,
    });
    await learner.click('[data-testid="dock-toggle"]');
    await learner.waitForSelector('[data-testid="broadcast-card"][data-file="count_keys.py"]');
    await learner.waitForSelector('[data-testid="mirror-panel"]', { timeout: LIVE_TIMEOUT_MS });
    expect(await height()).toBe(before + 48);
    await learner.click('[data-testid="broadcast-card"][data-file="count_keys.py"] [data-testid="broadcast-open"]');
    await learner.waitForSelector('[data-testid="file-tab"][data-file="count_keys.py"][aria-selected="true"]');
    // Put there by the instructor, not changed by the learner.
    expect(await learner.$('[data-testid="file-tab"][data-file="count_keys.py"] .file-modified')).toBeNull();

    await instructor.click('.broadcast-panel .switch');
    await learner.waitForSelector('[data-testid="instructor-dock"]', { state: 'detached', timeout: LIVE_TIMEOUT_MS });
  });
});

describe('a class’s end', () => {
  test('an archived class takes no new learners; restored, it does again', async () => {
    await instructor.click('[data-testid="class-archive"]');
    await instructor.waitForSelector('[data-testid="class-archived"]');
    // Asked from a page of the class's host with no session of its own, as a late learner's would be.
    const late = await browser.newPage();
    await late.goto(`${base}/join/${code}`);
    const refused = await late.evaluate(
      async ([c, name]) => {
        const response = await fetch('/api/join', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: c, name }),
        });
        return { status: response.status, body: (await response.json()) as { error?: string } };
      },
      [code, `Late ${tag}`],
    );
    expect(refused.status).toBe(410);
    expect(refused.body.error).toContain('archived');
    await instructor.click('[data-testid="class-restore"]');
    await instructor.waitForSelector('[data-testid="class-archived"]', { state: 'detached' });
    expect(await late.evaluate(async (c) => (await fetch(`/api/join/${c}`)).status, code)).toBe(200);
    await late.close();
  });

  test('deleting a class asks first (on Cancel), then removes it with its learners’ data', async () => {
    await instructor.click('[data-testid="class-delete"]');
    await instructor.waitForSelector('[data-testid="confirm-dialog"]');
    expect(await instructor.textContent('[data-testid="confirm-dialog"]')).toContain('1 learner is removed');
    expect(await instructor.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('confirm-cancel');
    await keepScreenshot(instructor, 'dashboard-delete-dialog-1440x900');
    await instructor.click('[data-testid="confirm-ok"]');
    await instructor.waitForSelector('[data-testid="class-list"], .empty-note', { timeout: LIVE_TIMEOUT_MS });
    expect(new URL(instructor.url()).pathname).toBe('/instructor');
    expect(await instructor.$(`[data-testid="class-link-${classId}"]`)).toBeNull();
    // The class, its code and the learner are gone; the learner's page says the session ended.
    await learner.waitForSelector('[data-testid="session-ended"]', { timeout: LIVE_TIMEOUT_MS });
    const after = await learner.evaluate(async (c) => {
      const join = await fetch(`/api/join/${c}`);
      const session = (await (await fetch('/api/session')).json()) as unknown;
      return { join: join.status, session };
    }, code);
    expect(after).toEqual({ join: 404, session: { mode: 'classroom', role: null } });
  });
});

describe('the page asks in the page', () => {
  test('no window.confirm, alert or prompt is left in the client (the figure is printed)', () => {
    const client = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'client', 'src');
    const calls: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
          fs.readFileSync(file, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              // window.confirm(…), or a bare confirm(…)/alert(…); an object's own prompt() method is not one.
              const call = /window\.(?:confirm|alert|prompt)\(|(?:^|[^.\w])(?:confirm|alert)\(/;
              if (call.test(line) && !/^\s*(\/\/|\*)/.test(line)) {
                calls.push(`${path.relative(client, file)}:${i + 1}: ${line.trim()}`);
              }
            });
        }
      }
    };
    walk(client);
    console.log(`window.confirm/alert/prompt calls left in client/src: ${calls.length}`);
    expect(calls).toEqual([]);
  });
});
