// The Inspect tab in a real browser against the real services: what is typed in a terminal shows
// up in the service's view without a reload or a click (a Redis key with its TTL, memcached's
// hit counter, a RabbitMQ binding and where a publish went, a MySQL table with its foreign key).
// Screenshots of each view are kept.
import type { Browser, Page } from 'playwright-core';
import { launchChromium, typeLines, waitForGreeting } from './browser.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ServiceName } from '../shared/protocol.ts';
import { testBaseUrl } from '../server/testing/endpoints.ts';

const TIMEOUT_MS = 15_000;
const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

let browser: Browser;
let page: Page;

async function typeIn(service: ServiceName, lines: string[]): Promise<void> {
  await page.click(`[data-testid="tab-${service}"]`);
  await page.waitForSelector(`[data-testid="terminal-${service}"] .xterm-rows`, { state: 'visible' });
  await waitForGreeting(page, service, TIMEOUT_MS);
  await page.waitForFunction((s) => !!document.activeElement?.closest(`[data-testid="terminal-${s}"]`), service);
  await typeLines(page, lines);
}

/** Opens the Inspect tab on `service` with the keyboard: Alt+I, then the arrows to its tab. */
async function inspect(service: ServiceName): Promise<void> {
  if (!(await page.$('[data-testid="inspect-panel"]'))) await page.keyboard.press('Alt+KeyI');
  await page.waitForSelector('[data-testid="inspect-panel"]');
  for (let i = 0; i < 4 && !(await page.$(`[data-testid="inspect-tab-${service}"][aria-selected="true"]`)); i++) {
    await page.keyboard.press('ArrowRight');
  }
  await page.waitForSelector(`[data-testid="inspect-view-${service}"]`);
}

beforeAll(async () => {
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  await page.goto(testBaseUrl());
  await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
});

afterAll(async () => {
  await browser?.close();
});

describe('the Inspect tab', () => {
  test('a Redis key typed in the terminal appears with its TTL counting down', async () => {
    await typeIn('redis', [`SET e2e:${tag} hello EX 300`]);
    // Alt+I from the Redis terminal opens the Redis view.
    await page.keyboard.press('Alt+KeyI');
    await page.waitForSelector('[data-testid="inspect-tab-redis"][aria-selected="true"]');
    const row = `[data-testid="redis-keys"] tr[data-key="e2e:${tag}"]`;
    await page.waitForSelector(row, { timeout: TIMEOUT_MS });
    const ttl = async () => page.textContent(`${row} [data-testid="ttl"]`);
    const first = await ttl();
    expect(first).toMatch(/^[45] min \d+ s$/);
    await expect.poll(ttl, { timeout: 3_000 }).not.toBe(first);
    // Its value, one click (or Enter on the key) away.
    await page.focus(`${row} .key-button`);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="redis-value"]');
    expect(await page.textContent('[data-testid="redis-value"]')).toContain('hello');
    await page.screenshot({ path: '/tmp/playground-e2e-inspect-redis.png' });

    // A key deleted in the terminal leaves the view, pushed.
    await typeIn('redis', [`DEL e2e:${tag}`]);
    await inspect('redis');
    await page.waitForSelector(row, { state: 'detached', timeout: TIMEOUT_MS });
  });

  test("memcached's hit counter moves with a get typed in the terminal", async () => {
    await inspect('memcached');
    const hits = async () =>
      Number((await page.textContent('[data-testid="memcached-hits"] .inspect-card-value')) ?? NaN);
    await page.waitForSelector('[data-testid="memcached-hits"]');
    const before = await hits();
    await typeIn('memcached', [`set e2e_${tag} 0 300 2`, 'hi', `get e2e_${tag}`]);
    await inspect('memcached');
    await expect.poll(hits, { timeout: TIMEOUT_MS }).toBe(before + 1);
    await page.waitForSelector(`[data-testid="memcached-keys"] tr[data-key="e2e_${tag}"]`);
    await page.screenshot({ path: '/tmp/playground-e2e-inspect-memcached.png' });
  });

  test('a MySQL table appears with its foreign key and row count', async () => {
    await typeIn('mysql', [
      `CREATE TABLE e2e_users_${tag} (id INT PRIMARY KEY);`,
      `CREATE TABLE e2e_orders_${tag} (id INT PRIMARY KEY, user_id INT, FOREIGN KEY (user_id) REFERENCES e2e_users_${tag} (id));`,
      `INSERT INTO e2e_users_${tag} VALUES (1), (2);`,
    ]);
    await inspect('mysql');
    const orders = `[data-table="e2e_orders_${tag}"]`;
    await page.waitForSelector(orders, { timeout: TIMEOUT_MS });
    expect(await page.textContent(orders)).toContain(`→ e2e_users_${tag}.id`);
    // The diagram draws both tables and the foreign key between them as an edge.
    await page.waitForSelector(`[data-testid="er-table-e2e_orders_${tag}"]`);
    await page.waitForSelector(`[data-testid="er-table-e2e_users_${tag}"]`);
    await page.waitForSelector('[data-testid="er-diagram"] .react-flow__edge');
    expect(await page.textContent('[data-testid="er-diagram"]')).toContain('user_id → id');
    await expect
      .poll(() => page.textContent(`[data-table="e2e_users_${tag}"] [data-testid="rows"]`), { timeout: TIMEOUT_MS })
      .toBe('2 rows');
    await page.click(`[data-table="e2e_users_${tag}"] .key-button`);
    await page.waitForSelector('[data-testid="mysql-rows"]');
    expect(await page.textContent('[data-testid="mysql-rows"]')).toContain('2 rows');
    await page.screenshot({ path: '/tmp/playground-e2e-inspect-mysql.png' });
    await typeIn('mysql', [`DROP TABLE e2e_orders_${tag}, e2e_users_${tag};`]);
  });

  test('a RabbitMQ binding typed in the terminal appears as an edge, and a publish shows where it went', async () => {
    await typeIn('rabbitmq', [
      `exchange.declare exchange=e2e.logs.${tag} type=direct`,
      `queue.declare queue=e2e.errors.${tag}`,
    ]);
    await inspect('rabbitmq');
    const queue = `[data-testid="topo-queue-e2e.errors.${tag}"]`;
    await page.waitForSelector(queue, { timeout: TIMEOUT_MS });
    const edges = () => page.$$eval('[data-testid="topology"] .react-flow__edge', (e) => e.length);
    const before = await edges();
    // Alt+I hides the view and gives the keyboard back to the terminal, which binds and publishes.
    await page.keyboard.press('Alt+KeyI');
    await page.waitForFunction(() => !!document.activeElement?.closest('[data-testid="terminal-rabbitmq"]'));
    for (const line of [
      `queue.bind queue=e2e.errors.${tag} exchange=e2e.logs.${tag} routing_key=error`,
      `basic.publish exchange=e2e.logs.${tag} routing_key=error body="disk full"`,
      `basic.publish exchange=e2e.logs.${tag} routing_key=debug body="nobody"`,
    ]) {
      await page.keyboard.type(line);
      await page.keyboard.press('Enter');
    }
    await page.keyboard.press('Alt+KeyI');
    await expect.poll(edges, { timeout: TIMEOUT_MS }).toBe(before + 1);
    await expect.poll(() => page.textContent(`${queue} [data-testid="depth"]`), { timeout: TIMEOUT_MS }).toBe('1');
    await page.waitForSelector('[data-testid="unroutable"]', { timeout: TIMEOUT_MS });
    expect(await page.textContent('[data-testid="unroutable"]')).toBe(
      `unroutable: no binding of exchange "e2e.logs.${tag}" matches routing key "debug"`,
    );
    const publishes = await page.$$eval('[data-testid="publish"]', (li) => li.map((l) => l.textContent));
    expect(publishes[1]).toMatch(new RegExp(`e2e\\.logs\\.${tag} key "error" → e2e\\.errors\\.${tag}`));
    await page.screenshot({ path: '/tmp/playground-e2e-inspect-rabbitmq.png' });
    await page.keyboard.press('Alt+KeyI');
    await typeIn('rabbitmq', [`queue.delete queue=e2e.errors.${tag}`, `exchange.delete exchange=e2e.logs.${tag}`]);
  });

  test('a reload keeps the tab open and the view live', async () => {
    await inspect('redis');
    await page.reload();
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    await page.waitForSelector('[data-testid="inspect-view-redis"] [data-testid="redis-total"]', {
      timeout: TIMEOUT_MS,
    });
    // Alt+I closes it; the terminals are back.
    await page.keyboard.press('Alt+KeyI');
    await page.waitForSelector('[data-testid="inspect-panel"]', { state: 'detached' });
  });
});
