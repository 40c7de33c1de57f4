// Snippet runs in a real browser against the real server and services: code is typed into Monaco,
// Run (button or Ctrl+Enter) starts it in the sandbox, and what the program prints is read back
// from the run's xterm.js pane.
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testBaseUrl } from '../server/testing/endpoints.ts';

/** How long output may take to show up: a run starts in well under a second, the margin is for slow CI. */
const REPLY_TIMEOUT_MS = 20_000;

const SCREENSHOT = '/tmp/playground-e2e-runs.png';

/** Unique per run, so queues and keys never meet those of an earlier run. */
const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

let browser: Browser;
let page: Page;

/**
 * The programs these tests run. Lessons start with their own files only (a lesson without files,
 * like the welcome lesson these tests use, with none), so the tests make these first.
 */
const EXAMPLES: ReadonlyArray<{ name: string; content: string }> = [
  {
    name: 'hello.py',
    content: `# Talk to the same Redis as the terminal below.
# The playground passes each service's address in an environment variable.
import os

import redis

url = os.environ["REDIS_URL"]
r = redis.Redis.from_url(url, decode_responses=True)

print("PING ->", r.ping())
r.set("greeting", "hello from Python")
print("GET greeting ->", r.get("greeting"))
`,
  },
  {
    name: 'hello.js',
    content: `// Talk to the same Redis as the terminal below.
// The playground passes each service's address in an environment variable.
import { createClient } from 'redis';

const client = createClient({ url: process.env.REDIS_URL });
await client.connect();

console.log('PING ->', await client.ping());
await client.set('greeting', 'hello from JavaScript');
console.log('GET greeting ->', await client.get('greeting'));
await client.quit();
`,
  },
  {
    name: 'consumer.py',
    content: `# A RabbitMQ consumer: it waits on a queue and prints each message as it arrives.
# Run it, then run producer.py: each run gets its own pane, and this one keeps going
# until you press Stop (or Ctrl-C in its pane).
import os

import pika

QUEUE = "tasks"

connection = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"]))
channel = connection.channel()
# Declaring a queue that exists is harmless, so both programs do it: either may start first.
channel.queue_declare(queue=QUEUE)


def on_message(ch, method, properties, body):
    print("received", body.decode())


# auto_ack: the broker forgets a message once it is delivered (simple, but lost if we crash).
channel.basic_consume(queue=QUEUE, on_message_callback=on_message, auto_ack=True)

print(f"waiting for messages on {QUEUE!r}")
try:
    channel.start_consuming()
except KeyboardInterrupt:
    # Stop sends Ctrl-C, which Python raises here as KeyboardInterrupt.
    print("stopped")
`,
  },
  {
    name: 'producer.py',
    content: `# A RabbitMQ producer: it sends a few messages to the queue consumer.py reads, then ends.
# Start consumer.py first and watch its pane while this one runs.
import os

import pika

QUEUE = "tasks"

connection = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"]))
channel = connection.channel()
channel.queue_declare(queue=QUEUE)

for n in range(1, 4):
    body = f"message {n}"
    # The default exchange ("") delivers to the queue named by the routing key.
    channel.basic_publish(exchange="", routing_key=QUEUE, body=body)
    print("sent", body)

connection.close()
`,
  },
];

function starter(name: string): string {
  const file = EXAMPLES.find((f) => f.name === name);
  if (!file) throw new Error(`no example file ${name}`);
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
  // The first lesson uses only the terminals, so the editor starts folded away: show it.
  await page.waitForSelector('[data-testid="lesson-view"]');
  await (await page.$('[data-testid="editor-unfold"]'))?.click();
  for (const file of EXAMPLES) {
    await page.click('[data-testid="file-add"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(file.name);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-testid="file-tab"][data-file="${file.name}"][aria-selected="true"]`);
    await page.waitForSelector('.monaco-editor .view-lines');
    // Pasted (typed, Monaco would indent it again); expect.poll belongs to tests, so wait by hand.
    await page.evaluate((t) => navigator.clipboard.writeText(t), file.content);
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+V');
    // Back to the top: Monaco draws only the lines in view.
    await page.keyboard.press('Control+Home');
    await page.waitForFunction(
      (first) =>
        ((document.querySelector('.monaco-editor .view-lines') as HTMLElement | null)?.innerText ?? '')
          .replace(/\u00a0/g, ' ')
          .includes(first),
      file.content.split('\n')[0],
    );
  }
  await page.waitForSelector('[data-testid="run-button"]:not([disabled])');
});

afterAll(async () => {
  await browser?.close();
});

describe('runs in the browser', () => {
  test('pasted code with a blog’s address: a hint under the error, a marker, Ctrl+. puts localhost there, and it runs', async () => {
    await page.click('[data-testid="file-add"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('tutorial.py');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="file-tab"][data-file="tutorial.py"][aria-selected="true"]');
    await replaceText(
      [
        'import redis',
        "r = redis.Redis(host='192.168.1.1', port=6379)",
        `r.set('${tag}-tutorial', 'ok')`,
        `print('tutorial:', r.get('${tag}-tutorial'))`,
        '',
      ].join('\n'),
    );
    // The address is marked as the learner types or pastes.
    await page.waitForSelector('.monaco-editor .squiggly-warning');
    const failed = await run('tutorial.py');
    const lines = await waitForRun(failed, (l) => l.some((x) => x.startsWith('[hint: ')), 'the hint');
    expect(lines.find((x) => x.startsWith('[hint: '))).toContain('192.168.1.1:6379, which is not your Redis here');
    await page.screenshot({ path: '/tmp/playground-e2e-hint.png' });

    // Keyboard only: F8 goes to the marker, Ctrl+. lists the fixes, Enter takes the first.
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('F8');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+.');
    await page.waitForSelector('.action-widget');
    await page.screenshot({ path: '/tmp/playground-e2e-quickfix.png' });
    await page.keyboard.press('Enter');
    await expect.poll(editorText).toContain("host='localhost', port=6379");
    await expect.poll(() => page.$$('.monaco-editor .squiggly-warning').then((m) => m.length)).toBe(0);

    const fixed = await run('tutorial.py');
    await waitForRun(fixed, (l) => l.includes("tutorial: b'ok'"), 'the fixed run');
  });

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
    // After the exit, what the broker saw while it ran: the three publishes and where they went.
    const squeezed = (l: string[]) => l.join('').replace(/\s+/g, '');
    await waitForRun(
      producer,
      (l) => squeezed(l).includes(`published3tothedefaultexchange,key"${queue}"→${queue}`),
      'the summary of the producer run',
    );
    expect((await rows(producer)).some((r) => r.includes('What changed while this run ran'))).toBe(true);
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

  test('a run takes the keyboard: input() gets what is typed next, the pane says it waits, Alt+0 goes back', async () => {
    await openFile('ask.py');
    const source = await editorText();
    const runsBefore = [...(await runCounts('ask.py')).values()].reduce((a, b) => a + b, 0);
    await page.click('.monaco-editor .view-lines');
    const pane = await run('ask.py', 'shortcut');
    const header = `[data-testid="run-header"][data-file="ask.py"]`;
    await page.waitForSelector(`${header} [data-testid="run-status"][data-waiting="true"]`, {
      timeout: REPLY_TIMEOUT_MS,
    });
    expect(await page.textContent(`${header} [data-testid="run-status"]`)).toContain('waiting for input');
    await page.waitForSelector(`${header} [data-testid="run-hint"]`, { state: 'attached' });
    // No click: the pane has the keyboard already.
    await page.keyboard.type('Ada');
    await page.keyboard.press('Enter');
    const lines = await waitForRun(pane, (l) => l.includes('hello, Ada!'), 'the greeting');
    expect(lines).toContain('name? Ada');
    expect(await editorText()).toBe(source);
    await page.waitForSelector(`${header}[data-status="exited"]`);

    await page.keyboard.press('Alt+0');
    await page.waitForFunction(() => !!document.activeElement?.closest('.monaco-editor'));

    // The Run button: Enter afterwards answers input(), it does not press Run a second time.
    await page.click('[data-testid="run-button"]');
    await page.waitForSelector(`${header} [data-testid="run-status"][data-waiting="true"]`, {
      timeout: REPLY_TIMEOUT_MS,
    });
    await page.keyboard.press('Enter');
    await waitForRun(pane, (l) => l.includes('hello, !'), 'the empty answer');
    await page.waitForSelector(`${header}[data-status="exited"]`);
    const runsAfter = [...(await runCounts('ask.py')).values()].reduce((a, b) => a + b, 0);
    expect(runsAfter).toBe(runsBefore + 2);
    expect(await editorText()).toBe(source);
  });

  test('Esc then Tab leaves a run pane; Tab alone stays in it', async () => {
    await openFile('ask.py');
    const pane = await run('ask.py', 'shortcut');
    await page.waitForSelector(`[data-testid="run-header"][data-file="ask.py"] [data-waiting="true"]`, {
      timeout: REPLY_TIMEOUT_MS,
    });
    const inPane = () => page.evaluate((p) => !!document.activeElement?.closest(`[data-pane="${p}"]`), pane);
    expect(await inPane()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await inPane()).toBe(true);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    await expect.poll(inPane).toBe(false);
    // Escape was no keystroke of the program's: the line it gets is exactly what was typed.
    await page.click(runTerminal(pane));
    await page.keyboard.press('Escape');
    await page.keyboard.type('Bo');
    await page.keyboard.press('Enter');
    await waitForRun(pane, (l) => l.some((r) => r.endsWith('Bo!')), 'the greeting');
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

  test("another lesson's runs go to Earlier runs, still reachable; the 2×2 grid shows the four services", async () => {
    const runTabs = () =>
      page.$$eval('[data-testid="run-tab"]', (els) => els.map((e) => (e as HTMLElement).dataset.run));
    const shownPanes = () =>
      page.$$eval('[data-testid^="terminal-pane-"]', (els) =>
        els
          .sort((a, b) => a.dataset.testid!.localeCompare(b.dataset.testid!))
          .map((e) => (e as HTMLElement).dataset.service ?? (e as HTMLElement).dataset.run),
      );
    const here = await runTabs();
    expect(here.length).toBeGreaterThan(1);
    const first = await page.evaluate(() => location.hash);

    await page.keyboard.press('Alt+BracketRight');
    await expect.poll(() => page.evaluate(() => location.hash)).not.toBe(first);
    await expect.poll(runTabs).toEqual([]);
    expect(await page.textContent('[data-testid="earlier-runs"]')).toContain(`Earlier runs (${here.length})`);
    await expect.poll(async () => (await shownPanes()).every((k) => !k?.startsWith('run-pane-'))).toBe(true);
    await page.click('[data-testid="layout-grid"]');
    await expect.poll(shownPanes).toEqual(['memcached', 'redis', 'rabbitmq', 'mysql']);

    // By keyboard: the menu opens on its first item; the second one goes on screen with its output.
    await page.focus('[data-testid="earlier-runs"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="earlier-runs-menu"]');
    await page.keyboard.press('ArrowDown');
    const picked = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.run);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="earlier-runs-menu"]', { state: 'detached' });
    await expect.poll(shownPanes).toContain(picked);
    await expect.poll(runTabs).toEqual([picked]);
    await waitForRun(picked!, (l) => l.some((r) => r.startsWith('$ ')), "the run's output");

    await page.keyboard.press('Alt+BracketLeft');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(first);
    await expect.poll(runTabs).toEqual(here);
    expect(await page.$('[data-testid="earlier-runs"]')).toBeNull();
    await page.click('[data-testid="layout-single"]');
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
    expect(tabs).toEqual([
      'hello.py',
      'hello.js',
      'consumer.py',
      'producer.py',
      'tutorial.py',
      'stubborn.py',
      'ask.py',
    ]);
    await openFile('hello.py');
    await expect.poll(editorText).toContain(`print("typed ${tag}")`);

    // Reset asks first, in the page; the welcome lesson has no files, so every file made here goes.
    await page.click('[data-testid="reset-files"]');
    await page.click('[data-testid="confirm-dialog"] [data-testid="confirm-ok"]');
    await expect
      .poll(() => page.$$eval('[data-testid="file-tab"]', (els) => els.map((e) => (e as HTMLElement).dataset.file)))
      .toEqual([]);
    await page.waitForSelector('[data-testid="editor-empty"]');
    expect(await page.isDisabled('[data-testid="reset-files"]')).toBe(true);
  });
});
