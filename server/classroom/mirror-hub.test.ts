import { describe, expect, it } from 'vitest';
import type { MirrorEvent } from '../../shared/classroom-api.ts';
import { MIRROR_SCROLLBACK_BYTES, MirrorHub } from './mirror-hub.ts';

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
