// Snippet runs in a real browser against the real server and services: code is typed into Monaco,
// Run (button or Ctrl+Enter) starts it in the sandbox, and what the program prints is read back
// from the run's xterm.js pane.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testBaseUrl } from '../server/testing/endpoints.ts';
import { STARTER_FILES } from '../client/src/editor/starter-files.ts';


/** How long output may take to show up: a run starts in well under a second, the margin is for slow CI. */
const REPLY_TIMEOUT_MS = 20_000;

const SCREENSHOT = '/tmp/playground-e2e-runs.png';

/** Unique per run, so queues and keys never meet those of an earlier run. */
const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

let browser: Browser;
let page: Page;

function starter(name: string): string {
  const file = STARTER_FILES.find((f) => f.name === name);
  if (!file) throw new Error(`no starter file ${name}`);
  return file.content;
}

const runTerminal = (pane: string) => `[data-testid="run-terminal"][data-pane="${pane}"]`;
const runTab = (pane: string) => `[data-testid="run-tab"][data-run="${pane}"]`;

/** The rows xterm.js rendered for a run pane, as text. */
async function rows(pane: string): Promise<string[]> {
  return page.$$eval(`${runTerminal(pane)} .xterm-rows > div`, (divs) =>
    divs.map((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()),
  );
}

async function waitForRun(pane: string, check: (lines: string[]) => boolean, what: string): Promise<string[]> {
  const deadline = Date.now() + REPLY_TIMEOUT_MS;
  let lines: string[] = [];
  while (Date.now() < deadline) {
    lines = await rows(pane);
    if (check(lines)) return lines;
    await page.waitForTimeout(50);
  }
  throw new Error(`${pane}: timed out waiting for ${what}; the pane shows:\n${lines.filter(Boolean).join('\n')}`);
}

/** Keys of the run panes of a file, oldest first, with the number of runs each has shown. */
async function panesOf(file: string): Promise<string[]> {
  return page.$$eval(`[data-testid="run-tab"][data-file="${file}"]`, (tabs) =>
    tabs.map((t) => (t as HTMLElement).dataset.run!),
  );
}

async function runCounts(file: string): Promise<Map<string, number>> {
  const pairs = await page.$$eval(`[data-testid="run-tab"][data-file="${file}"]`, (tabs) =>
    tabs.map((t) => [(t as HTMLElement).dataset.run!, Number((t as HTMLElement).dataset.runs)] as const),
  );
  return new Map(pairs);
}

async function status(pane: string): Promise<string | null> {
  return page.getAttribute(runTab(pane), 'data-status');
}

async function openFile(name: string): Promise<void> {
  await page.click(`[data-testid="file-tab"][data-file="${name}"]`);
  await page.waitForSelector(`[data-testid="file-tab"][data-file="${name}"][aria-selected="true"]`);
}

/** Replaces the whole text of the open file by pasting it: typed, Monaco would indent it again. */
async function replaceText(text: string): Promise<void> {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.click('.monaco-editor .view-lines');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  await page.keyboard.press('Control+Home');
  const firstLine = text.split('\n')[0];
  await expect.poll(editorText).toContain(firstLine);
}

async function editorText(): Promise<string> {
  return page.$eval('.monaco-editor .view-lines', (el) => (el as HTMLElement).innerText.replace(/\u00a0/g, ' '));
}

/** Starts the open file (Run button or Ctrl+Enter) and returns the pane the run went to: a new one or a reused one. */
async function run(file: string, how: 'button' | 'shortcut' = 'button'): Promise<string> {
  const before = await runCounts(file);
  if (how === 'button') await page.click('[data-testid="run-button"]');
  else await page.keyboard.press('Control+Enter');
  let pane: string | undefined;
  await expect
    .poll(
      async () => {
        const after = await runCounts(file);
        pane = [...after].find(([key, runs]) => runs > (before.get(key) ?? 0))?.[0];
        return pane !== undefined;
      },
      { timeout: REPLY_TIMEOUT_MS },
    )
    .toBe(true);
  return pane!;
}

function countOf(lines: string[], text: string): number {
  return lines.filter((l) => l === text).length;
}

beforeAll(async () => {
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(testBaseUrl()).origin });
  page = await context.newPage();
  // Reset and delete ask for confirmation; the tests say yes.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(testBaseUrl());
  await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
  await page.waitForSelector('.monaco-editor .view-lines');
  await page.waitForSelector('[data-testid="run-button"]:not([disabled])');
});

afterAll(async () => {
  await browser?.close();
});

describe('runs in the browser', () => {
  test('text typed into Monaco is what runs: Run button for Python, Ctrl+Enter for JavaScript', async () => {
    await openFile('hello.py');
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+A');
    // Typed key by key: Monaco closes the brackets and quotes, and typing over them keeps one of each.
    await page.keyboard.type(`print("typed ${tag}")`);
    await expect.poll(editorText).toContain(`print("typed ${tag}")`);
    const py = await run('hello.py');
    const lines = await waitForRun(py, (l) => l.includes('[exited with code 0]'), 'the Python run to end');
    expect(lines.filter(Boolean).slice(0, 3)).toEqual(['$ python3 hello.py', `typed ${tag}`, '[exited with code 0]']);
    expect(await status(py)).toBe('exited');

    await openFile('hello.js');
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(`console.log('js ${tag}', 6 * 7)`);
    await expect.poll(editorText).toContain(`console.log('js ${tag}', 6 * 7)`);
    const js = await run('hello.js', 'shortcut');
    const jsLines = await waitForRun(js, (l) => l.includes('[exited with code 0]'), 'the JavaScript run to end');
    expect(jsLines.filter(Boolean).slice(0, 3)).toEqual(['$ node hello.js', `js ${tag} 42`, '[exited with code 0]']);
  });

  test('a consumer and a producer run at once, each in its own pane; Stop ends the consumer', async () => {
    const queue = `e2e_tasks_${tag}`;
    await openFile('consumer.py');
    await replaceText(starter('consumer.py').replace('"tasks"', `"${queue}"`));
    const consumer = await run('consumer.py');
    await waitForRun(consumer, (l) => l.includes(`waiting for messages on '${queue}'`), 'the consumer to wait');

    await openFile('producer.py');
    await replaceText(starter('producer.py').replace('"tasks"', `"${queue}"`));
    const producer = await run('producer.py');
    expect(producer).not.toBe(consumer);
    await waitForRun(
      producer,
      (l) => l.includes('sent message 3') && l.includes('[exited with code 0]'),
      'the producer',
    );
    const received = await waitForRun(
      consumer,
      (l) => ['received message 1', 'received message 2', 'received message 3'].every((m) => l.includes(m)),
      'the consumer to print the messages',
    );
    expect(received).not.toContain('[exited with code 0]');
    expect(await status(consumer)).toBe('running');

    // Side by side: the area split in two for the two runs.
    expect(await page.getAttribute('.terminal-area', 'data-layout')).toBe('split');
    for (const pane of [consumer, producer]) {
      const box = await page.locator(`${runTerminal(pane)} .xterm-screen`).boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(200);
      expect(await page.getAttribute(runTerminal(pane), 'data-hidden')).toBeNull();
    }
    await page.screenshot({ path: SCREENSHOT });

    await page.click(`[data-testid="run-header"][data-file="consumer.py"] [data-testid="run-stop"]`);
    // The starter catches the KeyboardInterrupt that Stop's Ctrl-C raises, and says so.
    const stopped = await waitForRun(
      consumer,
      (l) => l.some((r) => r.startsWith('[exited with code')),
      'the consumer to end',
    );
    expect(stopped.filter(Boolean).slice(-2)).toEqual(['stopped', '[exited with code 0]']);
    expect(await status(consumer)).toBe('exited');
  });

  test('a second run of a live file gets its own pane; Stop twice kills a program that ignores Ctrl-C', async () => {
    await page.click('[data-testid="file-add"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('stubborn.py');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="file-tab"][data-file="stubborn.py"][aria-selected="true"]');
    await replaceText(
      [
        'import signal, time',
        'signal.signal(signal.SIGINT, signal.SIG_IGN)',
        'print("ignoring Ctrl-C", flush=True)',
        'time.sleep(60)',
        '',
      ].join('\n'),
    );
    const first = await run('stubborn.py');
    await waitForRun(first, (l) => l.includes('ignoring Ctrl-C'), 'the first run');
    const second = await run('stubborn.py');
    expect(second).not.toBe(first);
    await waitForRun(second, (l) => l.includes('ignoring Ctrl-C'), 'the second run');
    expect(await page.textContent(runTab(first))).toContain('▶ stubborn.py #1');
    expect(await page.textContent(runTab(second))).toContain('▶ stubborn.py #2');
    expect([await status(first), await status(second)]).toEqual(['running', 'running']);

    // The editor's Stop acts on the newest live run of the open file: Ctrl-C, then a kill.
    await page.click('[data-testid="stop-button"]');
    await expect.poll(() => status(second)).toBe('interrupting');
    expect(await page.textContent('[data-testid="stop-button"]')).toContain('Kill');
    await page.click('[data-testid="stop-button"]');
    const killed = await waitForRun(second, (l) => l.includes('[exited with code 137]'), 'the kill');
    expect(killed.join('\n')).toMatch(/\[(stopped|killed)[^\]]*\]/);
    expect(await status(first)).toBe('running');

    // Ctrl-C typed in the pane is a signal too; the second one kills at once.
    await page.click(runTab(first));
    await page.click(runTerminal(first));
    await page.keyboard.press('Control+C');
    await expect.poll(() => status(first)).toBe('interrupting');
    await page.keyboard.press('Control+C');
    await waitForRun(first, (l) => l.some((r) => /^\[exited with code \d+\]$/.test(r)), 'the second Ctrl-C to kill');

    // Running it again reuses a finished pane: no third pane, a separator, a new header.
    const again = await run('stubborn.py');
    expect(await panesOf('stubborn.py')).toHaveLength(2);
    await waitForRun(again, (l) => countOf(l, '$ python3 stubborn.py') === 2, 'the second header in the reused pane');
    await page.click(`${runTab(again)} .tab-close`);
    await expect.poll(() => panesOf('stubborn.py')).toHaveLength(1);
  });

  test("input() gets the line typed into the run's pane", async () => {
    await page.click('[data-testid="file-add"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('ask.py');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="file-tab"][data-file="ask.py"][aria-selected="true"]');
    await replaceText('name = input("name? ")\nprint(f"hello, {name}!")\n');
    const pane = await run('ask.py');
    await waitForRun(pane, (l) => l.includes('name?'), 'the prompt');
    await page.click(runTerminal(pane));
    await page.keyboard.type(`Ada ${tag}`);
    await page.keyboard.press('Enter');
    const lines = await waitForRun(pane, (l) => l.includes('[exited with code 0]'), 'the run to end');
    expect(lines.filter(Boolean).slice(0, 4)).toEqual([
      '$ python3 ask.py',
      `name? Ada ${tag}`,
      `hello, Ada ${tag}!`,
      '[exited with code 0]',
    ]);
  });

  test('the environment popover shows the variables a run gets, with copy buttons', async () => {
    await page.click('[data-testid="env-button"]');
    const row = page.locator('[data-testid="env-row"][data-name="REDIS_URL"]');
    await row.waitFor();
    const value = (await row.locator('code').textContent()) ?? '';
    expect(value).toMatch(/^redis:\/\/127\.0\.0\.1:\d+/);
    const names = await page.$$eval('[data-testid="env-row"]', (els) =>
      els.map((e) => (e as HTMLElement).dataset.name),
    );
    expect(names).toEqual(['MEMCACHED_SERVERS', 'REDIS_URL', 'AMQP_URL', 'MYSQL_URL', 'SQLALCHEMY_URL']);
    await row.locator('button').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(value);
    await page.click('[data-testid="env-copy-all"]');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain(`export REDIS_URL=${value}`);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="env-popover"]', { state: 'detached' });
  });

  test("edits survive a reload; reset brings back the lesson's files", async () => {
    await page.click('[data-testid="file-add"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('bad name.py');
    expect(await page.textContent('[data-testid="file-name-problem"]')).toContain('No spaces');
    await page.keyboard.press('Escape');

    await page.reload();
    await page.waitForSelector('.monaco-editor .view-lines');
    const tabs = await page.$$eval('[data-testid="file-tab"]', (els) =>
      els.map((e) => (e as HTMLElement).dataset.file),
    );
    expect(tabs).toEqual(['hello.py', 'hello.js', 'consumer.py', 'producer.py', 'stubborn.py', 'ask.py']);
    await openFile('hello.py');
    await expect.poll(editorText).toContain(`print("typed ${tag}")`);

    await page.click('[data-testid="reset-files"]');
    await expect
      .poll(() => page.$$eval('[data-testid="file-tab"]', (els) => els.map((e) => (e as HTMLElement).dataset.file)))
      .toEqual(STARTER_FILES.map((f) => f.name));
    await expect.poll(editorText).toContain('Talk to the same Redis as the terminal below.');
    expect(await page.isDisabled('[data-testid="reset-files"]')).toBe(true);
  });
});
