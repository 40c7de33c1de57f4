// Traces through the public socket: a terminal opened with `trace: true` and a run opened with it
// send `trace` frames holding exactly the bytes their connections carried, the run's before its
// `exit`; a reload gets them again; a terminal without `trace` sends none.
import { afterEach, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../shared/trace.ts';
import { testBaseUrl, testEndpoint } from '../testing/endpoints.ts';
import { PlaygroundClient } from '../ws/playground-client.ts';

const clients: PlaygroundClient[] = [];
async function connect(options?: { reattach: string }): Promise<PlaygroundClient> {
  const c = await PlaygroundClient.connect(testBaseUrl(), options);
  clients.push(c);
  return c;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

/** What one direction of one connection carried, the events' bytes put together. */
function carried(events: TraceEvent[], conn: number, dir: 'send' | 'recv'): string {
  return Buffer.concat(
    events.filter((e) => e.conn === conn && e.dir === dir && e.bytes).map((e) => Buffer.from(e.bytes, 'base64')),
  ).toString('latin1');
}

describe('a traced terminal', () => {
  it('sends what its connection carried, both ways, and shows the real address', async () => {
    const c = await connect();
    const key = `trace:${Date.now()}`;
    const t = await c.open('r', 'redis', 10_000, true);
    await c.run('r', `SET ${key} hello`);
    await c.run('r', `GET ${key}`);
    await c.until(() => carried(t.traceEvents(), 1, 'recv').includes('hello'));
    const events = t.traceEvents();
    expect(events[0]).toMatchObject({ kind: 'open', conn: 1, service: 'redis', seq: 0 });
    expect(carried(events, 1, 'send')).toContain(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$5\r\nhello\r\n`);
    expect(carried(events, 1, 'recv')).toContain('+OK\r\n');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const opened = c.messages.find((m) => m.type === 'opened' && m.id === 'r');
    expect(opened).toMatchObject({ address: testEndpoint('redis').address });
    // The prompt, as redis-cli's, names the server, not the tap in between.
    expect(t.prompts[0]).toContain(`${testEndpoint('redis').address}> `);

    c.send({ type: 'close', id: 'r' });
    await c.until(() => t.traceEvents().some((e) => e.kind === 'close'));
  });

  it('comes back whole after a reload', async () => {
    const a = await connect();
    const t = await a.open('m', 'memcached', 10_000, true);
    await a.run('m', 'version');
    await a.until(() => carried(t.traceEvents(), 1, 'recv').includes('VERSION'));
    const before = t.traceEvents();
    const session = a.session;
    await a.drop();
    const b = await connect({ reattach: session });
    await b.until(() => b.terminal('m').traceEvents().length >= before.length);
    const replay = b.messages.find((m) => m.type === 'trace' && m.id === 'm');
    expect(replay).toMatchObject({ replay: true });
    expect(b.terminal('m').traceEvents().slice(0, before.length)).toEqual(before);
  });

  it('sends no trace without `trace`', async () => {
    const c = await connect();
    await c.open('plain', 'redis');
    await c.run('plain', 'PING');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(c.messages.some((m) => m.type === 'trace')).toBe(false);
  });
});

describe('a traced run', () => {
  it('sends each connection the program opened, its bytes, and its close, before the exit', async () => {
    const c = await connect();
    const key = `trace:run:${Date.now()}`;
    c.send({
      type: 'open',
      id: 'py',
      kind: 'run',
      language: 'python',
      trace: true,
      code: [
        'import os, redis',
        'r = redis.Redis.from_url(os.environ["REDIS_URL"])',
        'p = r.pipeline(transaction=False)',
        `p.set("${key}", "piped")`,
        `p.get("${key}")`,
        'print(p.execute())',
      ].join('\n'),
    });
    await c.until(() => c.terminal('py').exited !== null, 20_000);
    expect(c.terminal('py').exited).toBe(0);
    const events = c.terminal('py').traceEvents();
    const open = events.find((e) => e.kind === 'open');
    expect(open).toMatchObject({ service: 'redis', conn: 1 });
    expect(carried(events, 1, 'send')).toContain(`$${key.length}\r\n${key}\r\n$5\r\npiped\r\n`);
    expect(carried(events, 1, 'recv')).toContain('$5\r\npiped\r\n');
    expect(events.some((e) => e.kind === 'close' && e.conn === 1)).toBe(true);
    const exitAt = c.messages.findIndex((m) => m.type === 'exit' && m.id === 'py');
    const lastTrace = c.messages.map((m) => m.type === 'trace' && m.id === 'py').lastIndexOf(true);
    expect(lastTrace).toBeLessThan(exitAt);
  });
});
