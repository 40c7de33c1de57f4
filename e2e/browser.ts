// What the e2e tests share: Debian's Chromium launched the one way these machines allow, and
// reading a terminal the way a person does — from the rows xterm.js rendered.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SIDE_BY_SIDE_MIN_PX } from '../client/src/work-layout.ts';
import type { ServiceName } from '../shared/protocol.ts';

/** Screenshots a person can look at: CI keeps this folder as an artefact (git ignores it). */
export const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');

/** The window sizes the workspace is tried at: two laptops, a small one (or half a screen), a tablet upright. */
export const SCREEN_SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
  { width: 768, height: 1024 },
] as const;

/** Saves a screenshot of the page as e2e/artifacts/<name>.png. */
export function keepScreenshot(page: Page, name: string): Promise<Buffer> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/**
 * Brings the workspace forward: below SIDE_BY_SIDE_MIN_PX it is a tab of its own. A resize reaches
 * the page a moment later, so this waits for the layout of the window's width rather than looking
 * once (looking once, on a busy machine, found the wide layout still there and left the lesson up).
 */
export async function showWorkspace(page: Page): Promise<void> {
  const tab = '[data-testid="view-tab-work"]';
  if ((page.viewportSize()?.width ?? SIDE_BY_SIDE_MIN_PX) >= SIDE_BY_SIDE_MIN_PX) {
    await page.waitForSelector(tab, { state: 'hidden' });
    return;
  }
  await page.click(tab);
  await page.waitForSelector(`${tab}[aria-selected="true"]`);
}

/**
 * Waits until the service's terminal has greeted: its first line ("<service> at <address> — Tab
 * completes, …", client/src/terminal/terminal-session.ts) comes once the server is connected.
 */
export function waitForGreeting(page: Page, service: ServiceName, timeoutMs: number): Promise<string[]> {
  return waitForTerminal(
    page,
    service,
    (lines) => lines.some((row) => row.includes('Tab completes')),
    'the terminal to connect',
    timeoutMs,
  );
}

/** Types each line at the keyboard with Enter after it, as a person would, into what has the focus. */
export async function typeLines(page: Page, lines: readonly string[]): Promise<void> {
  for (const line of lines) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
}

/** The system's Chromium; these tests never download a browser. */
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** The rows xterm.js rendered for a service's terminal, as text (the DOM renderer draws one div per row). */
export function terminalRows(page: Page, service: ServiceName): Promise<string[]> {
  return screenRows(page, `[data-testid="terminal-${service}"]`);
}

/** Waits until the terminal's rendered rows satisfy `check`; fails with the screen in the message. */
export function waitForTerminal(
  page: Page,
  service: ServiceName,
  check: (lines: string[]) => boolean,
  what: string,
  timeoutMs: number,
): Promise<string[]> {
  return waitForScreenText(page, `[data-testid="terminal-${service}"]`, check, what, timeoutMs, service);
}

/** Lines that appear after the last row containing `marker` (e.g. after the command just typed). */
export function linesAfter(lines: string[], marker: string): string[] {
  let at = -1;
  lines.forEach((l, i) => {
    if (l.includes(marker)) at = i;
  });
  return at === -1 ? [] : lines.slice(at + 1);
}

/** The rows of every xterm.js screen inside `container` (a CSS selector), as text, screen after screen. */
export function screenRows(page: Page, container: string): Promise<string[]> {
  return page.$$eval(`${container} .xterm-rows > div`, (divs) =>
    divs.map((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()),
  );
}

/** Waits until the screens inside `container` satisfy `check`; fails with what they show. */
export async function waitForScreenText(
  page: Page,
  container: string,
  check: (lines: string[]) => boolean,
  what: string,
  timeoutMs: number,
  /** Names the screen in the failure message (default: the selector). */
  label = container,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let lines: string[] = [];
  while (Date.now() < deadline) {
    lines = await screenRows(page, container);
    if (check(lines)) return lines;
    await page.waitForTimeout(50);
  }
  throw new Error(`${label}: timed out waiting for ${what}; the screen shows:\n${lines.filter(Boolean).join('\n')}`);
}
