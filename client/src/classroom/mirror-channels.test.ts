import { describe, expect, test } from 'vitest';
import type { MirrorEvent } from '../../../shared/classroom-api.ts';
import {
  EMPTY_MIRROR,
  MAX_MIRROR_CHANNELS,
  applyMirrorEvent,
  followChannels,
  selectChannel,
  visibleChannels,
  type MirrorChannelsState,
} from './mirror-channels.ts';

function run(events: MirrorEvent[], from: MirrorChannelsState = EMPTY_MIRROR) {
  let state = from;
  const dropped: string[] = [];
  for (const e of events) {
    const next = applyMirrorEvent(state, e);
    state = next.state;
    dropped.push(...next.dropped);
  }
  return { state, dropped };
}

describe('mirror channels', () => {
  test('the first channel is shown; quiet ones wait in their tabs', () => {
    const { state } = run([
      { kind: 'open', channel: 't1', label: 'Redis' },
      { kind: 'open', channel: 't2', label: 'memcached' },
    ]);
    expect(state).toEqual({
      channels: [
        { channel: 't1', label: 'Redis', ended: false },
        { channel: 't2', label: 'memcached', ended: false },
      ],
      active: 't1',
      follow: true,
    });
  });

  test('the screen follows whichever channel prints, until the watcher picks a tab', () => {
    const opened = run([
      { kind: 'open', channel: 't1', label: 'Redis', scrollback: 'redis> ' },
      { kind: 'open', channel: 't2', label: 'memcached' },
      { kind: 'open', channel: 't3', label: 'MySQL', scrollback: 'mysql> ' },
    ]).state;
    expect(opened.active).toBe('t3');
    const typed = run([{ kind: 'output', channel: 't2', data: 'STORED' }], opened).state;
    expect(typed.active).toBe('t2');

    const picked = selectChannel(typed, 't1');
    expect(picked).toMatchObject({ active: 't1', follow: false });
    expect(run([{ kind: 'output', channel: 't3', data: 'x' }], picked).state.active).toBe('t1');

    const following = followChannels(picked);
    expect(run([{ kind: 'output', channel: 't3', data: 'x' }], following).state.active).toBe('t3');
  });

  test('a closed channel stays readable; a new one takes the screen from it', () => {
    const { state } = run([
      { kind: 'open', channel: 'run1', label: '▶ producer.py' },
      { kind: 'close', channel: 'run1' },
      { kind: 'open', channel: 'run2', label: '▶ consumer.py' },
    ]);
    expect(state.channels.map((c) => [c.channel, c.ended])).toEqual([
      ['run1', true],
      ['run2', false],
    ]);
    expect(state.active).toBe('run2');
  });

  test('an open again (a watcher reconnecting) revives the channel and takes its new label', () => {
    const { state } = run([
      { kind: 'open', channel: 't1', label: 'Redis' },
      { kind: 'close', channel: 't1' },
      { kind: 'open', channel: 't1', label: 'Redis (again)' },
    ]);
    expect(state.channels).toEqual([{ channel: 't1', label: 'Redis (again)', ended: false }]);
  });

  test('output for a channel never opened gets a screen named after it', () => {
    const { state } = run([{ kind: 'output', channel: 'x9', data: 'hi' }]);
    expect(state.channels).toEqual([{ channel: 'x9', label: 'x9', ended: false }]);
  });

  test('beyond the limit, ended channels go first, then the oldest', () => {
    const opens = (n: number, prefix: string): MirrorEvent[] =>
      Array.from({ length: n }, (_, i) => ({ kind: 'open', channel: `${prefix}${i}`, label: `${prefix}${i}` }));
    const { state, dropped } = run(
      [...opens(MAX_MIRROR_CHANNELS, 'a'), { kind: 'close', channel: 'a3' }, ...opens(2, 'b')],
      { ...EMPTY_MIRROR, follow: false },
    );
    expect(dropped).toEqual(['a3', 'a0']);
    expect(state.channels).toHaveLength(MAX_MIRROR_CHANNELS);
    // The screen shown (a0) was pushed out: the newest takes its place.
    expect(state.active).toBe('b1');
  });

  test('selecting a tab shows it; unknown channels are ignored', () => {
    const { state } = run([
      { kind: 'open', channel: 't1', label: 'A' },
      { kind: 'open', channel: 't2', label: 'B' },
    ]);
    expect(selectChannel(state, 't2').active).toBe('t2');
    expect(selectChannel(state, 'nope')).toBe(state);
  });
});

describe('one tab per label', () => {
  test('the same terminal from two open pages is one tab, standing for the one on screen', () => {
    const { state } = run([
      { kind: 'open', channel: 's1:t-redis', label: 'Redis' },
      { kind: 'open', channel: 's1:t-mysql', label: 'MySQL' },
      { kind: 'open', channel: 's2:t-redis', label: 'Redis' },
      { kind: 'open', channel: 's2:t-mysql', label: 'MySQL' },
    ]);
    expect(state.channels).toHaveLength(4);
    // Nothing printed: the first stays on screen; the other label's tab is its newest channel.
    expect(visibleChannels(state).map((c) => c.channel)).toEqual(['s1:t-redis', 's2:t-mysql']);
    // The second page's Redis prints: the screen follows it, and the Redis tab with it.
    const typed = run([{ kind: 'output', channel: 's2:t-redis', data: 'PONG' }], state).state;
    expect(typed.active).toBe('s2:t-redis');
    expect(visibleChannels(typed).map((c) => c.channel)).toEqual(['s2:t-redis', 's2:t-mysql']);
  });

  test('a page closed (or reloaded) leaves no extra set of ended tabs beside the live ones', () => {
    const { state } = run([
      { kind: 'open', channel: 's1:t-redis', label: 'Redis', scrollback: 'redis> ' },
      { kind: 'open', channel: 's1:t-mysql', label: 'MySQL' },
      { kind: 'close', channel: 's1:t-redis' },
      { kind: 'close', channel: 's1:t-mysql' },
      { kind: 'open', channel: 's3:t-redis', label: 'Redis', scrollback: 'redis> ' },
    ]);
    expect(visibleChannels(state).map((c) => [c.channel, c.ended])).toEqual([
      ['s3:t-redis', false],
      // Only ended channels have this label: the newest of them stays readable.
      ['s1:t-mysql', true],
    ]);
  });
});
