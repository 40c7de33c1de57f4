// The public WebSocket API against the real server and real services: bad input of every kind gets
// a clear error while the connection and the other terminals keep working; output is flow-controlled.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_LINE_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_TERMINALS_PER_SOCKET,
  OUTPUT_HIGH_WATERMARK_BYTES,
  WS_MAX_PAYLOAD_BYTES,
} from '../../shared/limits.ts';
import { testBaseUrl } from '../testing/endpoints.ts';
import { PlaygroundClient } from './playground-client.ts';

const clients: PlaygroundClient[] = [];
async function connect(): Promise<PlaygroundClient> {
  const c = await PlaygroundClient.connect(testBaseUrl());
  clients.push(c);
  return c;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

const unique = () => `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe('the /ws API', () => {
  it('says hello with the protocol version and every service ready', async () => {
    const c = await connect();
    const hello = c.messages.find((m) => m.type === 'hello');
    expect(hello).toMatchObject({ type: 'hello', protocol: 1 });
    if (hello?.type !== 'hello') throw new Error('no hello');
    expect(Object.keys(hello.services)).toEqual(['memcached', 'redis', 'rabbitmq', 'mysql']);
    for (const s of Object.values(hello.services)) expect(s).toMatchObject({ ok: true, state: 'ready', managed: true });
  });

  it('passes memcached commands through and shows the replies verbatim', async () => {
    const c = await connect();
    await c.open('m', 'memcached');
    const key = unique();
    c.send({ type: 'input', id: 'm', data: `set ${key} 0 0 3\rbar\rget ${key}\r` });
    const out = await c.waitForOutput('m', /END\r\n/);
    expect(out).toBe(`STORED\r\nVALUE ${key} 0 3\r\nbar\r\nEND\r\n`);
    const from = c.terminal('m').output.length;
    c.send({ type: 'input', id: 'm', data: `set ${key} 0 0 2\rabc\r` });
    expect(await c.waitForOutput('m', /ERROR\r\n$/, from)).toContain('CLIENT_ERROR bad data chunk');
  });

  it('answers each kind of bad frame with an error and keeps working', async () => {
    const c = await connect();
    await c.open('m', 'memcached');
    c.sendRaw('not json');
    c.send({ type: 'teleport', id: 'm' });
    c.send({ type: 'open', id: 'x', kind: 'terminal', service: 'mongodb' });
    c.send({ type: 'input', id: 'nobody', data: 'x\r' });
    c.send({ type: 'open', id: 'm', kind: 'terminal', service: 'redis' });
    c.sendRaw(Buffer.from([0, 1, 2, 255]), true);
    c.sendRaw('"x"'.padEnd(MAX_MESSAGE_BYTES + 10, ' '));
    await c.until(() => c.errors.length >= 3 && c.terminal('m').errors.length >= 2);
    expect(c.errors).toEqual([
      expect.stringMatching(/^invalid JSON/),
      'binary frames are not supported; send JSON text frames',
      `message too large: ${MAX_MESSAGE_BYTES + 10} bytes; the limit is ${MAX_MESSAGE_BYTES}`,
    ]);
    expect(c.terminal('x').errors[0]).toMatch(/^unknown service "mongodb"/);
    expect(c.terminal('nobody').errors).toEqual(['no open terminal or run with id "nobody"']);
    expect(c.terminal('m').errors).toEqual([
      expect.stringMatching(/^unknown message type "teleport"; expected one of open, input/),
      'id "m" is already open on this connection',
    ]);
    // Still working: the same terminal answers.
    const from = c.terminal('m').output.length;
    c.send({ type: 'input', id: 'm', data: 'version\r' });
    expect(await c.waitForOutput('m', /VERSION \S+\r\n/, from)).toMatch(/^VERSION /);
  });

  it('refuses a 1 MB line with a clear message; binary junk reaches the server as typed', async () => {
    const c = await connect();
    await c.open('m', 'memcached');
    await c.open('r', 'redis');
    let from = c.terminal('m').output.length;
    c.send({ type: 'input', id: 'm', data: 'x'.repeat(1024 * 1024) + '\r' });
    expect(await c.waitForOutput('m', /line too long/, from)).toContain(`the limit is ${MAX_LINE_BYTES} bytes`);
    from = c.terminal('m').output.length;
    c.send({ type: 'input', id: 'm', data: '\u0000\u0001\u00ff\ufffd junk\r' });
    expect(await c.waitForOutput('m', /ERROR\r\n/, from)).toContain('ERROR');
    // The other terminal on the same socket was never disturbed.
    expect(await c.run('r', 'PING')).toContain('PONG');
  });

  it(`refuses more than MAX_TERMINALS_PER_SOCKET terminals on one socket`, async () => {
    const c = await connect();
    await Promise.all(Array.from({ length: MAX_TERMINALS_PER_SOCKET }, (_, i) => c.open(`t${i}`, 'memcached')));
    c.send({ type: 'open', id: 'one-too-many', kind: 'terminal', service: 'memcached' });
    await c.until(() => c.terminal('one-too-many').errors.length > 0);
    expect(c.terminal('one-too-many').errors[0]).toBe(
      `too many terminals open (limit ${MAX_TERMINALS_PER_SOCKET}); close one first`,
    );
    c.send({ type: 'close', id: 't0' });
    await c.open('now-fits', 'memcached');
    expect(c.terminal('now-fits').prompts).toHaveLength(1);
    expect(c.terminal('now-fits').prompts[0]).toMatch(/memcached>/);
  });

  it('closes the socket with 1009 on a frame over WS_MAX_PAYLOAD_BYTES; other sockets carry on', async () => {
    const c = await connect();
    const other = await connect();
    await other.open('r', 'redis');
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    c.sendRaw('x'.repeat(WS_MAX_PAYLOAD_BYTES + 1));
    expect(await closed).toBe(1009);
    expect(await other.run('r', 'PING')).toContain('PONG');
  });

  it('closes a terminal with exit code 0 and then treats its id as unknown', async () => {
    const c = await connect();
    await c.open('m', 'memcached');
    c.send({ type: 'close', id: 'm' });
    await c.until(() => c.terminal('m').exited !== null);
    expect(c.terminal('m').exited).toBe(0);
    c.send({ type: 'input', id: 'm', data: 'version\r' });
    await c.until(() => c.terminal('m').errors.length > 0);
    expect(c.terminal('m').errors[0]).toBe('no open terminal or run with id "m"');
  });

  it('holds output while the client is paused and loses none of it', async () => {
    const c = await connect();
    await c.open('m', 'memcached');
    const key = unique();
    const size = 60_000; // a data block is one line: under MAX_LINE_BYTES
    const gets = 60; // 3.6 MB of replies: far past the high watermark
    const value = 'v'.repeat(size);
    c.send({ type: 'input', id: 'm', data: `set ${key} 0 0 ${size}\r${value}\r` });
    await c.waitForOutput('m', /STORED\r\n/);
    const from = c.terminal('m').output.length;
    c.send({ type: 'pause', id: 'm' });
    c.send({ type: 'input', id: 'm', data: `get ${key}\r`.repeat(gets) });
    await new Promise((r) => setTimeout(r, 500));
    const whilePaused = c.terminal('m').output.length - from;
    expect(whilePaused).toBe(0);
    c.send({ type: 'resume', id: 'm' });
    const expected = `VALUE ${key} 0 ${size}\r\n${value}\r\nEND\r\n`.repeat(gets);
    await c.until(() => c.terminal('m').output.length - from >= expected.length, 20_000);
    expect(c.terminal('m').output.slice(from) === expected).toBe(true);
    expect(OUTPUT_HIGH_WATERMARK_BYTES).toBeLessThan(expected.length);
  });
});

describe('GET /api/health', () => {
  it('reports every service with its version', async () => {
    const res = await fetch(`${testBaseUrl()}/api/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { services: Record<string, { ok: boolean; version: string }> };
    expect(body.services.memcached).toMatchObject({ ok: true, version: expect.stringMatching(/^1\.\d+\.\d+/) });
    expect(body.services.redis).toMatchObject({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(body.services.rabbitmq).toMatchObject({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(body.services.mysql).toMatchObject({ ok: true, version: expect.stringMatching(/MariaDB/) });
  });

  it('reports the snippet runs, their executor, and how late the event loop ran since the last read', async () => {
    const read = async () =>
      (await (await fetch(`${testBaseUrl()}/api/health`)).json()) as {
        runs: { busy: number; live: number; queued: number } | null;
        executor: { address: string; supervised: boolean; state: string; pid: number | null } | null;
        eventLoopDelayMs: { p50: number; p99: number; max: number; overMs: number };
      };
    await read();
    await new Promise((r) => setTimeout(r, 200));
    const body = await read();
    expect(body.runs).toEqual({ busy: expect.any(Number), live: expect.any(Number), queued: 0 });
    // The executor this server started and watches, on a unix socket beside the runner's files.
    expect(body.executor).toMatchObject({
      address: expect.stringMatching(/^unix:\/.*executor\.sock$/),
      supervised: true,
      state: 'up',
    });
    expect(fs.readFileSync(`/proc/${body.executor!.pid}/cmdline`, 'utf8')).toContain('server/executor/main.ts');
    expect(body.eventLoopDelayMs.overMs).toBeGreaterThanOrEqual(150);
    expect(body.eventLoopDelayMs.p99).toBeGreaterThan(0);
    expect(body.eventLoopDelayMs.max).toBeGreaterThanOrEqual(body.eventLoopDelayMs.p99);
  });
});
