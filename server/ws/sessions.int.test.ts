// A page's terminals and runs outlive its socket: dropped as a reload drops it, the session lingers,
// and a socket that names it (`reattach`) gets every screen back, the half-typed MySQL statement and
// the run that kept going included. Against the real services and the real snippet runner; the
// linger time and the limits are tested on a server of this file with short ones.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_SCROLLBACK_BYTES } from '../../shared/limits.ts';
import { createPlaygroundServer, type PlaygroundServer } from '../app.ts';
import { SERVICES } from '../services/registry.ts';
import { Supervisor } from '../services/supervisor.ts';
import { freshTestDataDir } from '../stack.ts';
import { ClassroomDriver } from '../testing/classroom-client.ts';
import { classroomBaseUrl, instructorSecret, testBaseUrl, testEndpoint } from '../testing/endpoints.ts';
import { PlaygroundClient } from './playground-client.ts';
import { droppedNote } from './scrollback.ts';

const clients: PlaygroundClient[] = [];
async function connect(base = testBaseUrl(), options: Parameters<typeof PlaygroundClient.connect>[1] = {}) {
  const c = await PlaygroundClient.connect(base, options);
  clients.push(c);
  return c;
}
afterEach(() => {
  for (const c of clients.splice(0)) if (!c.closed) c.close();
});

const unique = () => `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A program that prints a tick every 100 ms for 20 s: a consumer's stand-in that is still going after a reload. */
const TICKER = 'import time\nfor i in range(200):\n    print(f"tick {i}", flush=True)\n    time.sleep(0.1)\n';

function lastTick(text: string): number {
  const all = [...text.matchAll(/tick (\d+)/g)];
  return all.length ? Number(all[all.length - 1][1]) : -1;
}

describe('re-attaching to a session', () => {
  it('gives a reloaded page every terminal and run back, and they go on', async () => {
    const key = unique();
    const a = await connect();
    expect(a.session).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await a.open('redis-1', 'redis');
    await a.open('mysql-2', 'mysql');
    expect(await a.run('redis-1', `SET ${key} before`)).toContain('OK');
    await a.run('redis-1', `GET ${key}`);
    // Half a statement: MySQL waits for the rest at its continuation prompt.
    await a.run('mysql-2', `SELECT 'half' AS`);
    expect(a.terminal('mysql-2').prompts.at(-1)).toBe('    -> ');
    a.send({
      type: 'open',
      id: 'run-1',
      kind: 'run',
      language: 'python',
      code: 'print("finished run")',
      name: 'done.py',
    });
    a.send({ type: 'open', id: 'run-2', kind: 'run', language: 'python', code: TICKER, name: 'ticker.py' });
    await a.until(() => a.terminal('run-1').exited === 0 && lastTick(a.terminal('run-2').output) >= 2, 20_000);
    const session = a.session;
    await a.drop();
    const tickAtDrop = lastTick(a.terminal('run-2').output);
    // Output while nobody is attached is kept.
    await new Promise((r) => setTimeout(r, 500));

    const b = await connect(testBaseUrl(), { reattach: session });
    expect(b.reattached).toMatchObject({
      session,
      found: true,
      terminals: [
        { id: 'redis-1', service: 'redis' },
        { id: 'mysql-2', service: 'mysql' },
      ],
      runs: [
        { id: 'run-1', name: 'done.py', language: 'python', state: 'exited' },
        { id: 'run-2', name: 'ticker.py', language: 'python', state: 'running' },
      ],
    });
    expect(b.session).toBe(session);
    await b.until(() => b.terminal('run-2').chunks.length > 0 && b.terminal('run-1').exited !== null);
    // The screens: each typed line after its prompt, then its reply; MySQL still in its statement.
    const redis = b.terminal('redis-1').output;
    expect(redis).toMatch(new RegExp(`> SET ${key} before\\r\\nOK\\r\\n.*> GET ${key}\\r\\n"before"\\r\\n`, 's'));
    expect(b.terminal('redis-1').prompts).toEqual([a.terminal('redis-1').prompts.at(-1)]);
    expect(b.terminal('mysql-2').output).toContain(`> SELECT 'half' AS\r\n`);
    expect(b.terminal('mysql-2').prompts).toEqual(['    -> ']);
    expect(b.terminal('run-1').output).toContain('finished run');
    expect(b.terminal('run-1').exited).toBe(0);
    expect(b.messages.some((m) => m.type === 'started' && m.id === 'run-2')).toBe(true);
    expect(lastTick(b.terminal('run-2').output)).toBeGreaterThan(tickAtDrop);
    expect(b.terminal('run-2').exited).toBeNull();

    // Live again: the run keeps printing to the new socket, the statement can be finished.
    const replayed = lastTick(b.terminal('run-2').output);
    await b.until(() => lastTick(b.terminal('run-2').output) > replayed + 2, 10_000);
    expect(await b.run('mysql-2', `'word';`)).toMatch(/\| word\s*\|[\s\S]*\| half\s*\|/);
    expect(await b.run('redis-1', `GET ${key}`)).toContain('"before"');
    b.send({ type: 'close', id: 'run-2' });
    await b.until(() => b.terminal('run-2').exited !== null, 10_000);
  });

  it('says a run waits for input, and says it again to a page that re-attaches meanwhile', async () => {
    const a = await connect();
    a.send({ type: 'open', id: 'ask', kind: 'run', language: 'python', code: 'print("hi", input("name? "))' });
    await a.until(() => a.terminal('ask').waiting, 10_000);
    // The prompt the program printed comes before the news that it waits.
    const said = a.messages.findIndex((m) => m.type === 'input-wait' && m.id === 'ask');
    const prompt = a.messages.findIndex((m) => m.type === 'output' && m.id === 'ask' && m.data.includes('name? '));
    expect(prompt).toBeGreaterThan(-1);
    expect(prompt).toBeLessThan(said);
    const session = a.session;
    await a.drop();

    const b = await connect(testBaseUrl(), { reattach: session });
    await b.until(() => b.terminal('ask').waiting && b.terminal('ask').output.includes('name? '));
    b.send({ type: 'input', id: 'ask', data: 'Ada\r' });
    await b.until(() => b.terminal('ask').exited !== null, 10_000);
    expect(b.terminal('ask').output).toContain('hi Ada');
    expect(b.messages.filter((m) => m.type === 'input-wait').map((m) => m.type === 'input-wait' && m.waiting)).toEqual([
      true,
      false,
    ]);
  });

  it('replays only what a page does not show yet when it says how much it has', async () => {
    const a = await connect();
    await a.open('r', 'redis');
    await a.run('r', 'ECHO first');
    const session = a.session;
    await a.drop();
    const b = await connect(testBaseUrl(), { reattach: session });
    const position = b.reattached!.terminals[0].position;
    await b.until(() => b.terminal('r').prompts.length > 0);
    expect(position).toBe(a.terminal('r').output.length);
    expect(b.messages.find((m) => m.type === 'output' && m.id === 'r')).toMatchObject({ replay: true });
    await b.run('r', 'ECHO second');
    await b.drop();
    // This page shows everything up to here: nothing is replayed, the prompt is sent again.
    const seen = position + b.terminal('r').since(1).length;
    const c = await connect(testBaseUrl(), { reattach: session, have: { r: seen } });
    expect(c.reattached!.terminals[0].position).toBe(seen);
    await c.until(() => c.terminal('r').prompts.length > 0);
    expect(c.terminal('r').output).toBe('');
    expect(c.terminal('r').prompts).toHaveLength(1);
    await c.drop();
    // This one missed the second reply only.
    const d = await connect(testBaseUrl(), { reattach: session, have: { r: position } });
    await d.until(() => d.terminal('r').prompts.length > 0);
    expect(d.terminal('r').output).toBe('"second"\r\n');
  });

  it('keeps the last SESSION_SCROLLBACK_BYTES per terminal for the replay; the live stream is not cut', async () => {
    const key = unique();
    const a = await connect();
    await a.open('r', 'redis');
    // 6000 list items of ~50 bytes: LRANGE prints ~350 KB, each RPUSH line stays under MAX_LINE_BYTES.
    for (let from = 0; from < 6000; from += 1000) {
      const items = Array.from(
        { length: 1000 },
        (_, i) => `row-${String(from + i).padStart(5, '0')}-${'x'.repeat(40)}`,
      );
      await a.run('r', `RPUSH ${key} ${items.join(' ')}`);
    }
    const reply = await a.run('r', `LRANGE ${key} 0 -1`, 20_000);
    expect(Buffer.byteLength(reply)).toBeGreaterThan(SESSION_SCROLLBACK_BYTES);
    expect(reply).toContain('row-00000');
    expect(reply).toContain('row-05999');
    await a.run('r', 'ECHO after');
    const session = a.session;
    await a.drop();
    const b = await connect(testBaseUrl(), { reattach: session });
    // The replay may come in several reads after the answer.
    await b.until(() => b.terminal('r').prompts.length > 0);
    const replay = b.terminal('r').output;
    expect(replay.startsWith(droppedNote(SESSION_SCROLLBACK_BYTES))).toBe(true);
    expect(Buffer.byteLength(replay)).toBeLessThanOrEqual(
      SESSION_SCROLLBACK_BYTES + Buffer.byteLength(droppedNote(SESSION_SCROLLBACK_BYTES)),
    );
    expect(replay).not.toContain(`RPUSH ${key}`);
    expect(replay).not.toContain('row-00000');
    expect(replay).toContain('row-05999');
    expect(replay.endsWith('> ECHO after\r\n"after"\r\n')).toBe(true);
  });

  it('refuses a session id it never issued, one a live page holds, and a reattach after an open', async () => {
    const unknown = await connect(testBaseUrl(), { reattach: 'A'.repeat(32) });
    expect(unknown.reattached).toMatchObject({
      found: false,
      session: unknown.session,
      reason: 'no such session: it ended or expired',
      terminals: [],
      runs: [],
    });
    const holder = await connect();
    await holder.open('r', 'redis');
    const thief = await connect(testBaseUrl(), { reattach: holder.session });
    expect(thief.reattached).toMatchObject({ found: false, reason: 'that session is open in another tab' });
    expect(thief.session).not.toBe(holder.session);
    expect(await holder.run('r', 'ECHO still-mine')).toContain('still-mine');

    const late = await connect();
    await late.open('m', 'memcached');
    late.send({ type: 'reattach', session: holder.session });
    await late.until(() => late.reattached !== null);
    expect(late.reattached).toMatchObject({
      found: false,
      reason: 'a reattach must come before any open on this connection',
    });

    const bad = await connect();
    bad.send({ type: 'reattach', session: '1' });
    await bad.until(() => bad.errors.length > 0);
    expect(bad.errors[0]).toMatch(/^bad reattach message: "session": a session id from hello/);
  });

  it('a page that closes its socket normally ends its session: nothing lingers', async () => {
    const a = await connect();
    await a.open('r', 'redis');
    const session = a.session;
    a.close();
    await a.until(() => a.closed !== null);
    const b = await connect(testBaseUrl(), { reattach: session });
    expect(b.reattached).toMatchObject({ found: false });
  });
});

describe('the linger time and the limits', () => {
  let dataDir: string;
  let supervisor: Supervisor;
  let app: PlaygroundServer;
  let base: string;
  const LINGER_MS = 600;

  beforeAll(async () => {
    dataDir = path.join(await freshTestDataDir(), `sessions-${Date.now()}`);
    const env = Object.fromEntries(SERVICES.adapters.map((a) => [a.urlEnv, testEndpoint(a.name).url]));
    supervisor = new Supervisor({ adapters: SERVICES.adapters, dataDir, env });
    await supervisor.startAll();
    app = await createPlaygroundServer({
      supervisor,
      lessonsDir: 'lessons',
      clientDir: '/nonexistent',
      sessionLimits: { lingerMs: LINGER_MS, maxLingeringPerClient: 2, maxLingering: 3 },
    });
    base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  });

  afterAll(async () => {
    await app?.close();
    await supervisor?.stopAll();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  /** Redis connections named `name`, as CLIENT LIST shows them. */
  async function namedConnections(name: string): Promise<number> {
    const probe = await connect(base);
    await probe.open('p', 'redis');
    const list = await probe.run('p', 'CLIENT LIST');
    probe.close();
    return list.split('\n').filter((l) => l.includes(`name=${name} `)).length;
  }

  it('ends a session nobody re-attached to after the linger time, with its service connections', async () => {
    const name = unique();
    const a = await connect(base);
    await a.open('r', 'redis');
    await a.run('r', `CLIENT SETNAME ${name}`);
    const session = a.session;
    await a.drop();
    await new Promise((r) => setTimeout(r, LINGER_MS / 3));
    expect(await namedConnections(name)).toBe(1);
    await new Promise((r) => setTimeout(r, LINGER_MS));
    const b = await connect(base, { reattach: session });
    expect(b.reattached).toMatchObject({ found: false, reason: 'no such session: it ended or expired' });
    await expect.poll(() => namedConnections(name), { timeout: 5000 }).toBe(0);
  });

  it('a session re-attached in time is taken off the clock', async () => {
    const a = await connect(base);
    await a.open('r', 'redis');
    await a.drop();
    const b = await connect(base, { reattach: a.session });
    expect(b.reattached?.found).toBe(true);
    await new Promise((r) => setTimeout(r, LINGER_MS * 2));
    expect(await b.run('r', 'ECHO alive')).toContain('"alive"');
  });

  it('keeps at most maxLingeringPerClient sessions of one client lingering: the oldest ends', async () => {
    const dropped: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await connect(base);
      await c.open('r', 'redis');
      dropped.push(c.session);
      await c.drop();
    }
    const first = await connect(base, { reattach: dropped[0] });
    expect(first.reattached).toMatchObject({ found: false });
    const third = await connect(base, { reattach: dropped[2] });
    expect(third.reattached).toMatchObject({ found: true });
  });
});

describe('classroom: sessions belong to their learner', () => {
  it("another learner cannot re-attach to a learner's session; that learner can", async () => {
    const driver = new ClassroomDriver(classroomBaseUrl(), instructorSecret());
    const klass = await driver.createClass(`sessions ${unique()}`);
    const ada = await driver.join(klass.code, `Ada ${unique()}`);
    const bob = await driver.join(klass.code, `Bob ${unique()}`);
    const adaSocket = await ada.connect();
    clients.push(adaSocket);
    await adaSocket.open('r', 'redis', 45_000);
    await adaSocket.run('r', 'SET whose ada');
    const session = adaSocket.session;
    await adaSocket.drop();

    const bobSocket = await bob.connect();
    clients.push(bobSocket);
    bobSocket.send({ type: 'reattach', session });
    await bobSocket.until(() => bobSocket.reattached !== null);
    expect(bobSocket.reattached).toMatchObject({ found: false, reason: 'no such session: it ended or expired' });
    expect(bobSocket.terminal('r').output).toBe('');

    const back = await PlaygroundClient.connect(ada.baseUrl, { headers: { cookie: ada.cookie }, reattach: session });
    clients.push(back);
    expect(back.reattached).toMatchObject({ found: true, terminals: [{ id: 'r', service: 'redis' }] });
    await back.until(() => back.terminal('r').prompts.length > 0);
    expect(back.terminal('r').output).toContain('> SET whose ada\r\nOK\r\n');
    // Still Ada's own Redis.
    expect(await back.run('r', 'GET whose')).toContain('"ada"');
  });

  it('frames that follow an open at once wait for the terminal instead of meeting "no open terminal"', async () => {
    const driver = new ClassroomDriver(classroomBaseUrl(), instructorSecret());
    const klass = await driver.createClass(`early ${unique()}`);
    const cy = await driver.join(klass.code, `Cy ${unique()}`);
    const c = await cy.connect();
    clients.push(c);
    // The learner's services are asked for readiness first (an await): these frames arrive meanwhile.
    c.send({ type: 'open', id: 'mysql-4', kind: 'terminal', service: 'mysql' });
    c.send({ type: 'resize', id: 'mysql-4', cols: 100, rows: 30 });
    c.send({ type: 'pause', id: 'mysql-4' });
    c.send({ type: 'resume', id: 'mysql-4' });
    c.send({ type: 'input', id: 'mysql-4', data: 'SELECT 6 * 7 AS answer;\r' });
    await c.waitForOutput('mysql-4', /\| +42 \|/, 0, 45_000);
    expect(c.terminal('mysql-4').errors).toEqual([]);
  });
});
