// The four terminals in a real browser against the real services: keys are typed on the keyboard
// and replies read back from what xterm.js rendered.
import type { Browser, Page } from 'playwright-core';
import { launchChromium, linesAfter, terminalRows, typeLines, waitForTerminal } from './browser.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ServiceName } from '../shared/protocol.ts';
import { testBaseUrl } from '../server/testing/endpoints.ts';

/** How long a reply may take to show up: services answer in milliseconds, the margin is for slow CI. */
const REPLY_TIMEOUT_MS = 15_000;

const SCREENSHOT = '/tmp/playground-e2e.png';

/** Unique per run, so keys and queues never meet those of an earlier run. */
const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

let browser: Browser;
let page: Page;

const rows = (service: ServiceName) => terminalRows(page, service);
const waitForScreen = (service: ServiceName, check: (lines: string[]) => boolean, what: string) =>
  waitForTerminal(page, service, check, what, REPLY_TIMEOUT_MS);
const after = linesAfter;

/** Waits until the keyboard goes to this service's terminal. */
async function waitForFocus(service: ServiceName): Promise<void> {
  await page.waitForFunction((s) => !!document.activeElement?.closest(`[data-testid="terminal-${s}"]`), service);
}

/** Shows a service's terminal (its tab) and waits until it is connected and has the keyboard. */
async function showTerminal(service: ServiceName): Promise<void> {
  await page.click(`[data-testid="tab-${service}"]`);
  await page.waitForSelector(`[data-testid="terminal-${service}"] .xterm-rows`, { state: 'visible' });
  await waitForScreen(service, (l) => l.some((row) => row.includes('Tab completes')), 'the terminal to connect');
  await waitForFocus(service);
}

function typeLine(line: string): Promise<void> {
  return typeLines(page, [line]);
}

beforeAll(async () => {
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // For the paste test: the page writes the clipboard, then Ctrl+V pastes it as a learner would.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(testBaseUrl()).origin });
  page = await context.newPage();
  await page.goto(testBaseUrl());
  await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
});

afterAll(async () => {
  await browser?.close();
});

describe('terminals in the browser', () => {
  test('memcached stores and returns a value', async () => {
    await showTerminal('memcached');
    const key = `e2e_${tag}`;
    await typeLine(`set ${key} 0 0 3`);
    await typeLine('bar');
    await waitForScreen('memcached', (l) => after(l, `set ${key} 0 0 3`).includes('STORED'), 'STORED');
    await typeLine(`get ${key}`);
    const lines = await waitForScreen('memcached', (l) => after(l, `get ${key}`).includes('END'), 'END');
    expect(after(lines, `get ${key}`).slice(0, 3)).toEqual([`VALUE ${key} 0 3`, 'bar', 'END']);
  });

  test('Redis sets and gets; Up recalls the last command; Tab completes', async () => {
    await showTerminal('redis');
    const key = `e2e:${tag}`;
    await typeLine(`SET ${key} v`);
    await waitForScreen('redis', (l) => after(l, `SET ${key} v`).includes('OK'), 'OK');
    await typeLine(`GET ${key}`);
    await waitForScreen('redis', (l) => after(l, `GET ${key}`).includes('"v"'), '"v"');

    await page.keyboard.press('ArrowUp');
    const recalled = await waitForScreen(
      'redis',
      (l) => /> GET e2e:\S+$/.test(l.filter(Boolean).at(-1) ?? ''),
      'the recalled line',
    );
    expect(recalled.filter(Boolean).at(-1)).toMatch(new RegExp(`> GET ${key}$`));
    await page.keyboard.press('Enter');
    await waitForScreen('redis', (l) => l.filter((row) => row === '"v"').length === 2, 'the recalled GET to answer');

    await page.keyboard.type('PIN');
    await page.keyboard.press('Tab');
    // Completed with a space after it (the dim syntax hint may follow).
    await waitForScreen(
      'redis',
      (l) => (l.filter(Boolean).at(-1) ?? '').includes('> PING '),
      'PIN to complete to PING',
    );
    await page.keyboard.press('Enter');
    await waitForScreen('redis', (l) => l.includes('PONG'), 'PONG');
  });

  test('Esc then Tab leaves a terminal; Tab alone completes and stays', async () => {
    await showTerminal('redis');
    const inTerminal = () => page.evaluate(() => !!document.activeElement?.closest('[data-testid="terminal-redis"]'));
    await page.keyboard.type('PIN');
    await page.keyboard.press('Tab');
    await waitForScreen('redis', (l) => (l.filter(Boolean).at(-1) ?? '').includes('> PING '), 'PIN to complete');
    expect(await inTerminal()).toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Tab');
    await expect.poll(inTerminal).toBe(false);
    // The line is as it was: Escape typed nothing.
    await page.click('[data-testid="terminal-redis"]');
    await page.keyboard.press('Enter');
    await waitForScreen('redis', (l) => l.filter((r) => r === 'PONG').length >= 1, 'PONG');
  });

  test('a pasted block runs line by line; its last partial line stays to be edited', async () => {
    await showTerminal('redis');
    const key = `e2e:paste:${tag}`;
    await page.evaluate(
      (text) => navigator.clipboard.writeText(text),
      `SET ${key} 41\nINCR ${key}\nGET ${key.slice(0, 6)}`,
    );
    await page.keyboard.press('Control+V');
    const lines = await waitForScreen('redis', (l) => l.includes('(integer) 42'), 'INCR to answer 42');
    expect(after(lines, `SET ${key} 41`)[0]).toBe('OK');
    expect(lines.filter(Boolean).at(-1)).toMatch(/> GET e2e:pa$/);
    await page.keyboard.press('Control+U');
    await waitForScreen('redis', (l) => /> $|>$/.test(l.filter(Boolean).at(-1) ?? ''), 'the line to be cleared');
  });

  test('Ctrl+C copies the selected text instead of interrupting', async () => {
    await showTerminal('redis');
    const word = `copy${tag}`;
    await typeLine(`ECHO ${word}`);
    await waitForScreen('redis', (l) => l.includes(`"${word}"`), 'the echo');
    // Double-click the echoed word (xterm selects a word on double-click).
    const point = await page.$$eval(
      `[data-testid="terminal-redis"] .xterm-rows > div`,
      (divs, w) => {
        const row = divs.filter((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd() === `"${w}"`).at(-1)!;
        // The row is as wide as the terminal; its text is only as wide as the text.
        const range = document.createRange();
        range.selectNodeContents(row);
        const box = range.getBoundingClientRect();
        const cell = box.width / (row.textContent ?? '').length;
        return { x: box.left + cell * (1 + w.length / 2), y: box.top + box.height / 2 };
      },
      word,
    );
    await page.mouse.dblclick(point.x, point.y);
    await page.keyboard.press('Control+C');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(word);
    await page.keyboard.type('PING');
    await page.keyboard.press('Enter');
    const lines = await waitForScreen(
      'redis',
      (l) => l.at(-1) !== undefined && l.filter(Boolean).slice(-2)[0] === 'PONG',
      'PONG',
    );
    expect(lines.some((l) => l.endsWith('^C'))).toBe(false);
  });

  test('RabbitMQ declares a queue', async () => {
    await showTerminal('rabbitmq');
    const queue = `e2e_q_${tag}`;
    await typeLine(`queue.declare queue=${queue}`);
    const lines = await waitForScreen(
      'rabbitmq',
      (l) => after(l, `queue.declare queue=${queue}`).some((row) => row.includes('queue.declare-ok')),
      'queue.declare-ok',
    );
    expect(after(lines, `queue.declare queue=${queue}`).join('\n')).toContain(
      `queue.declare-ok queue=${queue} message_count=0`,
    );
  });

  test('MySQL answers a SELECT with a table', async () => {
    await showTerminal('mysql');
    await typeLine('SELECT 1+1 AS two;');
    const lines = await waitForScreen('mysql', (l) => l.some((row) => row.includes('1 row in set')), '1 row in set');
    const reply = after(lines, 'SELECT 1+1 AS two;');
    expect(reply[0]).toMatch(/^\+-+\+$/);
    expect(reply[1]).toMatch(/^\| two\s*\|$/);
    expect(reply[3]).toMatch(/^\|\s+2 \|$/);
    expect(reply.join('\n')).toContain('1 row in set');
  });

  test('the 2×2 layout shows all four terminals at once, each one live', async () => {
    await page.click('[data-testid="layout-grid"]');
    const panes = page.locator('[data-testid^="terminal-pane-"]');
    await expect.poll(() => panes.count()).toBe(4);
    const shown = await panes.evaluateAll((els) => els.map((e) => e.getAttribute('data-service')).sort());
    expect(shown).toEqual(['memcached', 'mysql', 'rabbitmq', 'redis']);
    for (const service of ['memcached', 'redis', 'rabbitmq', 'mysql'] as const) {
      const box = await page.locator(`[data-testid="terminal-${service}"] .xterm-screen`).boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(200);
      expect(box?.height ?? 0).toBeGreaterThan(80);
    }
    // Scrollback survived the move into the grid.
    expect((await rows('memcached')).join('\n')).toContain('STORED');
    await page.keyboard.press('Alt+2');
    await waitForFocus('redis');
    await typeLine('PING grid');
    await waitForScreen('redis', (l) => l.includes('"grid"'), 'PING grid');
    await page.screenshot({ path: SCREENSHOT });
  });
});
