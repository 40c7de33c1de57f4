import { describe, expect, test } from 'vitest';
import type { ServerMessage, ServicesStatus } from '../../shared/protocol.ts';
import {
  Connection,
  RECONNECT_INITIAL_DELAY_MS,
  RECONNECT_MAX_DELAY_MS,
  backoffDelay,
  socketUrl,
  SESSION_STORAGE_KEY,
  type ConnectionOptions,
  type SocketLike,
  type TerminalMessage,
} from './connection.ts';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  serverSends(message: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

function setup(extra: Partial<ConnectionOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const connection = new Connection({
    url: 'ws://test/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    setTimer: (fn, ms) => {
      const t = { fn, ms };
      timers.push(t);
      return t;
    },
    clearTimer: (t) => {
      const i = timers.indexOf(t as (typeof timers)[number]);
      if (i !== -1) timers.splice(i, 1);
    },
    now: () => 1000,
    ...extra,
  });
  const fire = () => timers.shift()!.fn();
  return { connection, sockets, timers, fire, last: () => sockets[sockets.length - 1] };
}

const services = {
  memcached: { ok: true, state: 'ready', managed: true, version: '1.6.21', address: '127.0.0.1:40001' },
} as unknown as ServicesStatus;
const catalog = [
  {
    name: 'memcached',
    title: 'memcached',
    promptsBeforeReply: true,
    conventionalPort: 11211,
    variable: 'MEMCACHED_SERVERS',
    inspect: true,
  },
  {
    name: 'redis',
    title: 'Redis',
    promptsBeforeReply: false,
    conventionalPort: 6379,
    variable: 'REDIS_URL',
    inspect: true,
  },
];

/** A session id as the server issues them: 32 base64url characters. */
const sessionId = (n: number) => String(n).padStart(32, 'S');

function hello(session = sessionId(1)): Extract<ServerMessage, { type: 'hello' }> {
  return { type: 'hello', protocol: 1, services, catalog, session };
}

/** The socket opens and the server greets: the connection is open. */
function greet(socket: FakeSocket, session = sessionId(1)): void {
  socket.open();
  socket.serverSends(hello(session));
}

class MemoryStore {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

describe('Connection', () => {
  test('builds the socket URL from the page location', () => {
    expect(socketUrl({ protocol: 'http:', host: 'localhost:3000' })).toBe('ws://localhost:3000/ws');
    expect(socketUrl({ protocol: 'https:', host: 'play.example' })).toBe('wss://play.example/ws');
  });

  test('backs off from 250 ms, doubling, to 5 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(backoffDelay)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(RECONNECT_INITIAL_DELAY_MS).toBe(250);
    expect(RECONNECT_MAX_DELAY_MS).toBe(5000);
  });

  test('takes services from hello and service messages', () => {
    const { connection, last } = setup();
    const catalogs: string[][] = [];
    connection.onCatalog((c) => catalogs.push(c.map((s) => s.name)));
    connection.start();
    last().open();
    last().serverSends(hello());
    expect(catalogs).toEqual([['memcached', 'redis']]);
    expect(connection.getSnapshot().services?.memcached?.version).toBe('1.6.21');
    const seen: string[] = [];
    connection.onService((service, status) => seen.push(`${service}:${status.state}`));
    last().serverSends({
      type: 'service',
      service: 'redis',
      status: { ok: false, state: 'restarting', managed: true },
    });
    expect(seen).toEqual(['redis:restarting']);
    expect(connection.getSnapshot().services?.redis?.state).toBe('restarting');
    expect(connection.getSnapshot().services?.memcached?.state).toBe('ready');
  });

  test('routes terminal messages by id and drops those of unknown ids', () => {
    const { connection, last } = setup();
    connection.start();
    last().open();
    const a: TerminalMessage[] = [];
    const b: TerminalMessage[] = [];
    connection.route('t1', { receive: (m) => a.push(m) });
    const unroute = connection.route('t2', { receive: (m) => b.push(m) });
    last().serverSends({ type: 'output', id: 't1', data: 'x' });
    last().serverSends({ type: 'prompt', id: 't2', prompt: '> ' });
    unroute();
    last().serverSends({ type: 'output', id: 't2', data: 'late' });
    last().serverSends({ type: 'output', id: 't9', data: 'stray' });
    expect(a).toEqual([{ type: 'output', id: 't1', data: 'x' }]);
    expect(b).toEqual([{ type: 'prompt', id: 't2', prompt: '> ' }]);
  });

  test('a trace goes to its channel like its output', () => {
    const { connection, last } = setup();
    connection.start();
    last().open();
    const got: TerminalMessage[] = [];
    connection.route('run-1', { receive: (m) => got.push(m) });
    const trace: ServerMessage = { type: 'trace', id: 'run-1', events: [], replay: true };
    last().serverSends(trace);
    last().serverSends({ ...trace, id: 'run-2' });
    expect(got).toEqual([trace]);
  });

  test('an error without id becomes the connection notice; a wrong protocol says to reload', () => {
    const { connection, last } = setup();
    connection.start();
    last().open();
    last().serverSends({ type: 'error', message: 'message too large' });
    expect(connection.getSnapshot().notice?.message).toBe('message too large');
    last().serverSends({ ...hello(), protocol: 99 });
    expect(connection.getSnapshot().notice?.message).toMatch(/protocol 99.*Reload/);
  });

  test('sends only once open: the socket is up and the server said hello', () => {
    const { connection, last } = setup();
    connection.start();
    expect(connection.send({ type: 'close', id: 'x' })).toBe(false);
    last().open();
    expect(connection.send({ type: 'close', id: 'x' })).toBe(false);
    expect(connection.isOpen).toBe(false);
    last().serverSends(hello());
    expect(connection.send({ type: 'close', id: 'x' })).toBe(true);
    expect(last().sent).toEqual([{ type: 'close', id: 'x' }]);
  });

  test('reconnects with growing delays, tells listeners, and resets after a hello', () => {
    const { connection, sockets, timers, fire, last } = setup();
    const events: string[] = [];
    connection.onOpen((reconnected) => events.push(reconnected ? 'reopened' : 'opened'));
    connection.onLost(() => events.push('lost'));
    connection.start();
    greet(last());
    last().drop();
    expect(connection.getSnapshot().state).toBe('waiting');
    expect(timers.map((t) => t.ms)).toEqual([250]);
    fire();
    last().drop();
    expect(timers.map((t) => t.ms)).toEqual([500]);
    fire();
    last().drop();
    expect(timers.map((t) => t.ms)).toEqual([1000]);
    expect(connection.getSnapshot().retryAt).toBe(2000);
    fire();
    greet(last(), sessionId(2));
    // The reconnect asks for the first socket's session; this server no longer has it.
    expect(last().sent).toEqual([{ type: 'reattach', session: sessionId(1), have: {} }]);
    last().serverSends({ type: 'reattached', session: sessionId(2), found: false, terminals: [], runs: [] });
    last().drop();
    expect(timers.map((t) => t.ms)).toEqual([250]);
    expect(events).toEqual(['opened', 'lost', 'reopened', 'lost']);
    expect(sockets).toHaveLength(4);
  });

  test('reconnectNow skips the wait; stop closes and stays closed', () => {
    const { connection, sockets, timers, last } = setup();
    connection.start();
    last().drop();
    expect(timers).toHaveLength(1);
    connection.reconnectNow();
    expect(timers).toHaveLength(0);
    expect(sockets).toHaveLength(2);
    last().open();
    connection.stop();
    expect(last().closed).toBe(true);
    expect(timers).toHaveLength(0);
  });

  test('notifies subscribers with a new snapshot object on each change', () => {
    const { connection, last } = setup();
    let calls = 0;
    connection.subscribe(() => calls++);
    const before = connection.getSnapshot();
    connection.start();
    greet(last());
    expect(calls).toBeGreaterThan(0);
    expect(connection.getSnapshot()).not.toBe(before);
    expect(connection.getSnapshot().state).toBe('open');
  });

  test('classroom: a final close code ends the connection instead of retrying', () => {
    const { connection, timers, sockets, last } = setup({ finalCloseCodes: [4401, 4403] });
    const lost: string[] = [];
    connection.onLost(() => lost.push('lost'));
    connection.start();
    greet(last());
    last().drop(4403, 'removed');
    expect(lost).toEqual(['lost']);
    expect(timers).toHaveLength(0);
    expect(connection.getSnapshot()).toMatchObject({ state: 'ended', ended: { code: 4403, reason: 'removed' } });
    connection.reconnectNow();
    expect(sockets).toHaveLength(1);
  });

  test('without final close codes, 4401 is retried like any close', () => {
    const { connection, timers, last } = setup();
    connection.start();
    last().open();
    last().drop(4401);
    expect(connection.getSnapshot().state).toBe('waiting');
    expect(timers).toHaveLength(1);
  });

  test('classroom: broadcasts go to their listeners; a notice keeps its level', () => {
    const { connection, last } = setup();
    const seen: string[] = [];
    connection.onBroadcast((event) => seen.push(event.kind));
    connection.start();
    last().open();
    last().serverSends({ type: 'broadcast', event: { kind: 'mirror-stop' } });
    last().serverSends({ type: 'notice', level: 'info', message: 'Your workspace was reset' });
    expect(seen).toEqual(['mirror-stop']);
    expect(connection.getSnapshot().notice).toEqual({ message: 'Your workspace was reset', at: 1000, level: 'info' });
  });

  describe('re-attaching to the session after a reload or a dropped connection', () => {
    test('keeps the id hello gives in the tab’s session storage', () => {
      const store = new MemoryStore();
      const { connection, last } = setup({ sessionStore: store });
      const opened: unknown[] = [];
      connection.onOpen((reconnected, reattached) => opened.push({ reconnected, reattached }));
      connection.start();
      greet(last(), sessionId(7));
      expect(store.items.get(SESSION_STORAGE_KEY)).toBe(sessionId(7));
      expect(last().sent).toEqual([]);
      expect(opened).toEqual([{ reconnected: false, reattached: { terminals: [], runs: [] } }]);
    });

    test('a reloaded page asks for its session first and opens with what came back; the rest is closed', () => {
      const store = new MemoryStore();
      store.setItem(SESSION_STORAGE_KEY, sessionId(7));
      const { connection, last } = setup({ sessionStore: store });
      const opened: Array<{ reconnected: boolean; terminals: string[] }> = [];
      connection.onOpen((reconnected, reattached) => {
        opened.push({ reconnected, terminals: reattached.terminals.map((t) => t.id) });
        // The page takes up its redis terminal (a second one of the same service it leaves).
        connection.route('redis-3', { receive: () => {} });
      });
      connection.start();
      greet(last(), sessionId(8));
      expect(last().sent).toEqual([{ type: 'reattach', session: sessionId(7), have: {} }]);
      expect(connection.isOpen).toBe(false);
      last().serverSends({
        type: 'reattached',
        session: sessionId(7),
        found: true,
        terminals: [
          { id: 'redis-1', service: 'redis', position: 10 },
          { id: 'redis-3', service: 'redis', position: 99 },
        ],
        runs: [{ id: 'run-2', name: 'consumer.py', language: 'python', state: 'running', position: 5 }],
      });
      expect(connection.isOpen).toBe(true);
      expect(opened).toEqual([{ reconnected: false, terminals: ['redis-1', 'redis-3'] }]);
      expect(last().sent.slice(1)).toEqual([
        { type: 'close', id: 'redis-1' },
        { type: 'close', id: 'run-2' },
      ]);
      expect(store.items.get(SESSION_STORAGE_KEY)).toBe(sessionId(7));
      // New ids never take one of the session's.
      expect(connection.newId('redis')).toBe('redis-2');
      expect(connection.newId('redis')).toBe('redis-4');
    });

    test('a session the server no longer has: the fresh one of hello is kept and the page starts afresh', () => {
      const store = new MemoryStore();
      store.setItem(SESSION_STORAGE_KEY, sessionId(7));
      const { connection, last } = setup({ sessionStore: store });
      const opened: number[] = [];
      connection.onOpen((_r, reattached) => opened.push(reattached.terminals.length));
      connection.start();
      greet(last(), sessionId(8));
      last().serverSends({
        type: 'reattached',
        session: sessionId(8),
        found: false,
        reason: 'no such session: it ended or expired',
        terminals: [],
        runs: [],
      });
      expect(opened).toEqual([0]);
      expect(store.items.get(SESSION_STORAGE_KEY)).toBe(sessionId(8));
    });

    test('after a dropped connection it says how much output each channel has shown', () => {
      const { connection, sockets, fire, last } = setup();
      connection.start();
      greet(last(), sessionId(1));
      connection.route('redis-1', { receive: () => {}, received: () => 1234 });
      connection.route('run-2', { receive: () => {} });
      last().drop();
      fire();
      greet(last(), sessionId(2));
      expect(sockets).toHaveLength(2);
      expect(last().sent).toEqual([{ type: 'reattach', session: sessionId(1), have: { 'redis-1': 1234 } }]);
      // A reattach answered on a socket that never asked is ignored.
      const stray = setup();
      stray.connection.start();
      stray.last().open();
      stray.last().serverSends({ type: 'reattached', session: sessionId(3), found: true, terminals: [], runs: [] });
      expect(stray.connection.isOpen).toBe(false);
    });
  });
});
