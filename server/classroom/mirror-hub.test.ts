import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MirrorEvent } from '../../shared/classroom-api.ts';
import type { BusMessage, ClassBus } from './events/index.ts';
import { MIRROR_SCROLLBACK_BYTES, MirrorHub, WATCH_RENEW_MS } from './mirror-hub.ts';

/**
 * Instances on one event channel, in the process: delivered on a later turn as the shared
 * channel does, and every publish counted by topic (what would travel through Redis).
 */
class Channel {
  readonly topics = new EventEmitter<Record<string, [BusMessage]>>();
  readonly published: string[] = [];

  instance(instanceId: string): ClassBus {
    return {
      instanceId,
      shared: true,
      publish: (topic, body) => {
        this.published.push(topic);
        const message = { from: instanceId, body: structuredClone(body) };
        setImmediate(() => this.topics.emit(topic, message));
      },
      subscribe: (topic, handler) => {
        this.topics.on(topic, handler);
        return () => this.topics.off(topic, handler);
      },
      close: async () => {},
    };
  }
}

const settle = () => new Promise((r) => setImmediate(() => setImmediate(() => setImmediate(r))));

describe('MirrorHub', () => {
  it('streams one owner’s channels to watchers, and only that owner’s', () => {
    const hub = new MirrorHub();
    const ada: MirrorEvent[] = [];
    const bob: MirrorEvent[] = [];
    hub.watch('ada', (e) => ada.push(e));
    hub.watch('bob', (e) => bob.push(e));
    const tap = hub.tap('ada');
    tap.open('t1', 'Redis');
    tap.output('t1', 'PONG\r\n');
    tap.close('t1');
    expect(ada.map((e) => e.kind)).toEqual(['open', 'output', 'close']);
    expect(ada[1]).toMatchObject({ kind: 'output', data: 'PONG\r\n' });
    expect(bob).toEqual([]);
  });

  it('gives a late watcher each open channel with its recent output', () => {
    const hub = new MirrorHub();
    const tap = hub.tap('ada');
    tap.open('t1', 'memcached');
    tap.output('t1', 'STORED\r\n');
    const seen: MirrorEvent[] = [];
    hub.watch('ada', (e) => seen.push(e));
    expect(seen).toEqual([{ kind: 'open', channel: expect.any(String), label: 'memcached', scrollback: 'STORED\r\n' }]);
  });

  it('keeps channels of two sockets apart even when their ids are the same', () => {
    const hub = new MirrorHub();
    hub.tap('ada').open('t1', 'Redis');
    hub.tap('ada').open('t1', 'MySQL');
    expect(hub.channelCount('ada')).toBe(2);
  });

  it('caps the scrollback, starting it at a line', () => {
    const hub = new MirrorHub();
    const tap = hub.tap('ada');
    tap.open('t', 'Redis');
    for (let i = 0; i < 2000; i++) tap.output('t', `line ${i} ${'x'.repeat(20)}\r\n`);
    const seen: MirrorEvent[] = [];
    hub.watch('ada', (e) => seen.push(e));
    const open = seen[0] as Extract<MirrorEvent, { kind: 'open' }>;
    expect(open.scrollback!.length).toBeLessThanOrEqual(MIRROR_SCROLLBACK_BYTES);
    expect(open.scrollback).toMatch(/^line \d+ /);
    expect(open.scrollback).toContain('line 1999 ');
  });

  it('closes every channel for watchers when the owner is dropped', () => {
    const hub = new MirrorHub();
    const tap = hub.tap('ada');
    tap.open('a', 'Redis');
    tap.open('b', 'MySQL');
    const seen: MirrorEvent[] = [];
    hub.watch('ada', (e) => seen.push(e));
    hub.drop('ada');
    expect(seen.filter((e) => e.kind === 'close')).toHaveLength(2);
    expect(hub.channelCount('ada')).toBe(0);
  });
});

describe('MirrorHub across instances', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('puts a person’s events on the channel only while someone on another instance watches them', async () => {
    const channel = new Channel();
    const a = new MirrorHub(channel.instance('A'));
    const b = new MirrorHub(channel.instance('B'));
    const tap = a.tap('ada');
    tap.open('t1', 'Redis');
    tap.output('t1', 'before anyone watched\r\n');
    await settle();
    expect(channel.published.filter((t) => t === 'mirror:ada')).toEqual([]);

    const seen: MirrorEvent[] = [];
    const stop = b.watch('ada', (e) => seen.push(e));
    await settle();
    // The screen so far, from A's answer to the watch.
    expect(seen).toEqual([
      {
        kind: 'open',
        channel: expect.stringMatching(/^A:s\d+:t1$/),
        label: 'Redis',
        scrollback: 'before anyone watched\r\n',
      },
    ]);
    tap.output('t1', 'PONG\r\n');
    await settle();
    expect(seen.at(-1)).toMatchObject({ kind: 'output', data: 'PONG\r\n' });

    stop();
    await settle();
    const sent = channel.published.length;
    tap.output('t1', 'nobody watches now\r\n');
    await settle();
    expect(channel.published.slice(sent)).toEqual([]);
    a.detach();
    b.detach();
  });

  it('a watcher that stops saying it watches lapses; one that renews does not', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const channel = new Channel();
    const a = new MirrorHub(channel.instance('A'));
    const b = new MirrorHub(channel.instance('B'));
    a.tap('ada').open('t1', 'Redis');
    b.watch('ada', () => {});
    await settle();
    vi.advanceTimersByTime(5 * WATCH_RENEW_MS);
    await settle();
    expect(a.watchedFromElsewhere('ada')).toBe(true);
    // B's server stops without a word (its renewals stop).
    b.detach();
    vi.advanceTimersByTime(3 * WATCH_RENEW_MS + 1);
    expect(a.watchedFromElsewhere('ada')).toBe(false);
    a.detach();
  });

  it('a watched person who moves to another instance is shown from there at once', async () => {
    const channel = new Channel();
    const a = new MirrorHub(channel.instance('A'));
    const b = new MirrorHub(channel.instance('B'));
    const c = new MirrorHub(channel.instance('C'));
    const seen: MirrorEvent[] = [];
    c.watch('ada', (e) => seen.push(e));
    a.tap('ada').open('t1', 'Redis');
    await settle();
    // A dies; Ada's page reconnects to B, which has never been asked about her.
    const tap = b.tap('ada');
    tap.open('t1', 'Redis');
    tap.output('t1', 'moved\r\n');
    await settle();
    const fromB = seen.filter((e) => e.kind === 'open' && e.channel.startsWith('B:'));
    expect(fromB.length).toBeGreaterThan(0);
    tap.output('t1', 'PONG\r\n');
    await settle();
    expect(seen.at(-1)).toMatchObject({ kind: 'output', channel: expect.stringMatching(/^B:/), data: 'PONG\r\n' });
    for (const hub of [a, b, c]) hub.detach();
  });
});
