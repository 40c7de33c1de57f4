import { describe, expect, test } from 'vitest';
import {
  isLive,
  nextPaneNumber,
  outcome,
  paneTitle,
  paneToReuse,
  panesToEvict,
  statusText,
  stopStep,
  type RunPaneInfo,
  type RunStatus,
} from './run-panes.ts';

let n = 0;
function pane(file: string, status: RunStatus, extra: Partial<RunPaneInfo> = {}): RunPaneInfo {
  n++;
  return {
    key: `run-pane-${n}`,
    file,
    language: 'python',
    number: 1,
    status,
    code: null,
    message: null,
    runs: 1,
    waiting: false,
    ahead: null,
    lesson: 'redis/redis-py',
    ...extra,
  };
}

describe('run panes', () => {
  test('numbers panes per file, filling gaps', () => {
    const panes = [pane('consumer.py', 'running', { number: 1 }), pane('consumer.py', 'running', { number: 3 })];
    expect(nextPaneNumber(panes, 'consumer.py')).toBe(2);
    expect(nextPaneNumber(panes, 'producer.py')).toBe(1);
    expect(paneTitle({ file: 'consumer.py', number: 2 })).toBe('▶ consumer.py #2');
  });

  test('a live run is never reused; the newest finished pane of the file is', () => {
    const live = pane('consumer.py', 'running');
    expect(paneToReuse([live], 'consumer.py', 'redis/redis-py')).toBeNull();
    const old = pane('consumer.py', 'exited', { code: 0 });
    const newer = pane('consumer.py', 'failed');
    const other = pane('producer.py', 'exited');
    expect(paneToReuse([old, live, newer, other], 'consumer.py', 'redis/redis-py')).toBe(newer.key);
    expect(paneToReuse([old, live, newer, other], 'hello.py', 'redis/redis-py')).toBeNull();
  });

  test("another lesson's pane of the same file is not reused: its output stays", () => {
    const earlier = pane('hello.py', 'exited', { code: 0, lesson: 'memcached/python' });
    expect(paneToReuse([earlier], 'hello.py', 'redis/redis-py')).toBeNull();
    expect(paneToReuse([earlier], 'hello.py', 'memcached/python')).toBe(earlier.key);
  });

  test('Stop interrupts, then kills', () => {
    expect(stopStep('starting')).toBe('interrupt');
    expect(stopStep('running')).toBe('interrupt');
    expect(stopStep('interrupting')).toBe('kill');
    expect(stopStep('exited')).toBeNull();
    expect(stopStep('lost')).toBeNull();
  });

  test('status in words and as a colour', () => {
    expect(['starting', 'running', 'interrupting'].every((s) => isLive(s as RunStatus))).toBe(true);
    expect(statusText({ status: 'exited', code: 130 })).toBe('exit 130');
    expect(statusText({ status: 'interrupting', code: null })).toBe('stopping…');
    expect(statusText({ status: 'running', code: null, waiting: true })).toBe('waiting for input');
    expect(statusText({ status: 'running', code: null, waiting: false })).toBe('running');
    expect(statusText({ status: 'starting', code: null, ahead: 3 })).toBe('queued — 3 ahead');
    expect(statusText({ status: 'starting', code: null, ahead: 0 })).toBe('queued — next');
    expect(statusText({ status: 'starting', code: null, ahead: null })).toBe('starting…');
    expect(outcome({ status: 'running', code: null })).toBe('live');
    expect(outcome({ status: 'exited', code: 0 })).toBe('ok');
    expect(outcome({ status: 'exited', code: 1 })).toBe('failed');
    expect(outcome({ status: 'lost', code: null })).toBe('failed');
  });

  test('makes room by closing the oldest finished panes only', () => {
    const panes = [pane('a.py', 'exited'), pane('b.py', 'running'), pane('c.py', 'exited'), pane('d.py', 'exited')];
    expect(panesToEvict(panes, 10)).toEqual([]);
    expect(panesToEvict(panes, 4)).toEqual([panes[0].key]);
    expect(panesToEvict(panes, 3)).toEqual([panes[0].key, panes[2].key]);
    expect(panesToEvict([pane('x.py', 'running')], 1)).toEqual([]);
  });
});
