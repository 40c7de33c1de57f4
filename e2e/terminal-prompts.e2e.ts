// The terminals tell the learner where they are, in real Chromium against the real services:
// memcached's dim prompt and its live byte count while a data block is typed (UTF-8, as a client
// sends it), the note for a data line that does not fit, the usage after a wrong argument count;
// Tab on an ambiguous Redis prefix listing the candidates at once; and "Start this lesson fresh"
// putting back the Redis settings a learner changed, saying so. Screenshots of the memcached data
// prompt at four window sizes are kept in e2e/artifacts/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ServiceName } from '../shared/protocol.ts';
import { testBaseUrl } from '../server/testing/endpoints.ts';
import {
  keepScreenshot,
  launchChromium,
  linesAfter,
  SCREEN_SIZES,
  showWorkspace,
  terminalRows,
  typeLines,
  waitForGreeting,
  waitForTerminal,
} from './browser.ts';

/** Replies take milliseconds; the margin is for a slow CI machine. */
const REPLY_TIMEOUT_MS = 15_000;

/** Unique per run, so keys never meet those of an earlier run. */
const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

let browser: Browser;
let page: Page;
const dialogs: string[] = [];

const waitForScreen = (service: ServiceName, check: (lines: string[]) => boolean, what: string) =>
  waitForTerminal(page, service, check, what, REPLY_TIMEOUT_MS);
const lastLine = (lines: string[]) => lines.filter(Boolean).at(-1) ?? '';

/** Brings a service's terminal forward (the workspace's tab first, in a narrow window) with the keyboard in it. */
async function showTerminal(service: ServiceName): Promise<void> {
  await showWorkspace(page);
  await page.click(`[data-testid="tab-${service}"]`);
  await page.waitForSelector(`[data-testid="terminal-${service}"] .xterm-rows`, { state: 'visible' });
  await waitForGreeting(page, service, REPLY_TIMEOUT_MS);
  await page.click(`[data-testid="terminal-${service}"]`);
  await page.waitForFunction((s) => !!document.activeElement?.closest(`[data-testid="terminal-${s}"]`), service);
}

/** Resizes the window and waits for the page's layout to follow (tabs below 1100 px, columns above). */
async function setSize(size: { width: number; height: number }): Promise<void> {
  await page.setViewportSize(size);
  await page.waitForSelector(`.app[data-layout="${size.width < 1100 ? 'tabs' : 'side-by-side'}"]`);
}

function typeLine(line: string): Promise<void> {
  return typeLines(page, [line]);
}

/** The text of the cells drawn dim on the last row that has text (xterm's DOM renderer marks them). */
function dimTextOfLastRow(service: ServiceName): Promise<string> {
  return page.$$eval(`[data-testid="terminal-${service}"] .xterm-rows > div`, (rows) => {
    const row = rows.filter((r) => (r.textContent ?? '').trim() !== '').at(-1);
    return Array.from(row?.querySelectorAll('.xterm-dim') ?? [], (s) => s.textContent ?? '').join('');
  });
}

beforeAll(async () => {
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(testBaseUrl());
  await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
});

afterAll(async () => {
  await browser?.close();
});

describe('terminal prompts and completion', () => {
  test('memcached: a dim prompt, then the data block’s bytes counted live, in UTF-8', async () => {
    await showTerminal('memcached');
    await waitForScreen('memcached', (l) => lastLine(l) === 'memcached>', 'the memcached> prompt');
    expect(await dimTextOfLastRow('memcached')).toBe('memcached>');

    const key = `e2e:prompt:${tag}`;
    await typeLine(`set ${key} 0 0 10`);
    await waitForScreen('memcached', (l) => lastLine(l) === 'data (0/10 bytes)>', 'the data prompt');
    // Counted as the learner types: é is two bytes on the wire.
    await page.keyboard.type('héllo');
    await waitForScreen('memcached', (l) => lastLine(l) === 'data (6/10 bytes)> héllo', 'the live count');
    for (const size of SCREEN_SIZES) {
      await setSize(size);
      await showTerminal('memcached');
      await waitForScreen('memcached', (l) => lastLine(l).endsWith('héllo'), 'the half-typed data line');
      await keepScreenshot(page, `memcached-data-prompt-${size.width}x${size.height}`);
    }
    await setSize(SCREEN_SIZES[0]);
    await showTerminal('memcached');

    // Short of the 10 declared: one line says so, and the count goes on (the line end is data too).
    await page.keyboard.press('Enter');
    const noted = await waitForScreen(
      'memcached',
      (l) => lastLine(l) === 'data (8/10 bytes)>',
      'the count after a short data line',
    );
    // One line of text; a narrow terminal may wrap it into two rows (and a space at the wrap is lost).
    const squeezed = (text: string) => text.replace(/\s+/g, '');
    expect(squeezed(linesAfter(noted, 'héllo').filter(Boolean).slice(0, -1).join(''))).toBe(
      squeezed('note: 6 of the 10 bytes set declared: the line end is data too; memcached waits for 2 more bytes.'),
    );
    await typeLine('ok');
    await waitForScreen('memcached', (l) => linesAfter(l, '> ok').includes('STORED'), 'STORED');
    // What went out as UTF-8 comes back as the same text.
    await typeLine(`get ${key}`);
    const got = await waitForScreen('memcached', (l) => linesAfter(l, `get ${key}`).includes('END'), 'the value');
    expect(linesAfter(got, `get ${key}`).slice(0, 4)).toEqual([`VALUE ${key} 0 10`, 'héllo', 'ok', 'END']);
  });

  test('memcached: a wrong argument count gets the command’s usage after ERROR', async () => {
    await showTerminal('memcached');
    await typeLine(`set e2e:${tag} 0 0`);
    const lines = await waitForScreen(
      'memcached',
      (l) => linesAfter(l, `set e2e:${tag} 0 0`).some((r) => r.startsWith('usage:')),
      'the usage',
    );
    expect(linesAfter(lines, `set e2e:${tag} 0 0`).slice(0, 3)).toEqual([
      'ERROR',
      'usage: set <key> <flags> <exptime> <bytes> [noreply]',
      'memcached>',
    ]);
  });

  test('Redis: Tab on an ambiguous prefix lists the candidates at once, the line kept', async () => {
    await showTerminal('redis');
    await page.keyboard.type('SE');
    await page.keyboard.press('Tab');
    const lines = await waitForScreen(
      'redis',
      (l) => l.some((r) => /\bSELECT\b/.test(r) && /\bSET\b/.test(r)),
      'the list of SE… commands',
    );
    expect(lines.join(' ')).toMatch(/\bSETEX\b/);
    expect(lastLine(lines)).toMatch(/> SE$/);
    // Typing on narrows it down; Tab then completes.
    await page.keyboard.type('L');
    await page.keyboard.press('Tab');
    await waitForScreen('redis', (l) => /> SELECT $|> SELECT\b/.test(lastLine(l)), 'SEL to complete to SELECT');
    await page.keyboard.press('Control+U');
  });

  test('“Start this lesson fresh” puts back the Redis settings the learner changed, and says so', async () => {
    await setSize(SCREEN_SIZES[0]);
    await page.goto(`${testBaseUrl()}/#/redis/redis-cli-basics`);
    await page.waitForSelector('[data-testid="lesson-view"][data-lesson="redis/redis-cli-basics"]', {
      state: 'attached',
    });
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    await showTerminal('redis');
    // Settings that do not get in other tests' way (the test servers are shared): the policy and a limit above use.
    await typeLine('CONFIG SET maxmemory 100mb');
    await typeLine('CONFIG SET maxmemory-policy allkeys-lru');
    await waitForScreen('redis', (l) => l.filter((r) => r === 'OK').length >= 2, 'both CONFIG SETs');
    const lesson = await page.$('[data-testid="view-tab-lesson"]');
    if (lesson && (await lesson.isVisible())) await lesson.click();
    await page.click('[data-testid="lesson-reset"]');
    await page.click('[data-testid="confirm-dialog"] [data-testid="confirm-ok"]');
    const report = await (await page.waitForSelector('[data-testid="reset-report"]')).textContent();
    expect(report).toContain('Redis setting maxmemory back to 64mb (it was 100mb)');
    expect(report).toContain('Redis setting maxmemory-policy back to noeviction (it was allkeys-lru)');
    await showTerminal('redis');
    await typeLine('CONFIG GET maxmemory*');
    const lines = await waitForScreen(
      'redis',
      (l) => l.includes('   "67108864"') || l.some((r) => r.includes('"67108864"')),
      'maxmemory back',
    );
    expect(lines.join('\n')).toContain('"noeviction"');
    expect(dialogs).toEqual([]);
    // What the rows show is the learner's screen, not a log: the last prompt is ready for more.
    expect(lastLine(await terminalRows(page, 'redis'))).toMatch(/> $|>$/);
  });
});
