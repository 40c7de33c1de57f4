import { describe, expect, test } from 'vitest';
import type { ClassDetail, LearnerView } from '../../../shared/classroom-api.ts';
import { applyClassEvent, parseClassEvent } from './class-events.ts';
import { orderLearners } from './learner-order.ts';

const learner = (id: string, name: string, joinedAt: string, done: string[] = []): LearnerView => ({
  id,
  name,
  joinedAt,
  online: true,
  lastActiveAt: null,
  current: null,
  steps: Object.fromEntries(done.map((k) => [k, { attempts: 1, doneAt: joinedAt, lastOk: true }])),
  workspace: 'ready',
});

const detail: ClassDetail = {
  class: {
    id: 'c1',
    name: 'Caching 101',
    code: 'K7QX2M',
    joinPath: '/join/K7QX2M',
    createdAt: '2025-01-01T09:00:00Z',
    archivedAt: null,
    learners: 2,
  },
  learners: [learner('a', 'Ada', '2025-01-01T10:00:00Z'), learner('b', 'Bob', '2025-01-01T10:01:00Z')],
  steps: [],
  broadcastingTerminals: false,
};

describe('class events', () => {
  test('a snapshot replaces everything', () => {
    expect(applyClassEvent(null, { kind: 'snapshot', detail })).toBe(detail);
  });

  test('a learner event replaces that row in place, or adds a newcomer', () => {
    const ada = { ...detail.learners[0], online: false };
    const next = applyClassEvent(detail, { kind: 'learner', learner: ada })!;
    expect(next.learners.map((l) => [l.id, l.online])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    const cy = learner('c', 'Cy', '2025-01-01T10:02:00Z');
    const more = applyClassEvent(next, { kind: 'learner', learner: cy })!;
    expect(more.learners.map((l) => l.id)).toEqual(['a', 'b', 'c']);
    expect(more.class.learners).toBe(3);
  });

  test('removed drops the row; events before the snapshot wait for it', () => {
    const next = applyClassEvent(detail, { kind: 'removed', learnerId: 'a' })!;
    expect(next.learners.map((l) => l.id)).toEqual(['b']);
    expect(next.class.learners).toBe(1);
    expect(applyClassEvent(next, { kind: 'removed', learnerId: 'zz' })).toBe(next);
    expect(applyClassEvent(null, { kind: 'removed', learnerId: 'a' })).toBeNull();
  });

  test('only well-formed events are read from the stream', () => {
    expect(parseClassEvent(JSON.stringify({ kind: 'removed', learnerId: 'a' }))).toEqual({
      kind: 'removed',
      learnerId: 'a',
    });
    expect(parseClassEvent('not json')).toBeNull();
    expect(parseClassEvent(JSON.stringify({ kind: 'mystery' }))).toBeNull();
    expect(parseClassEvent(JSON.stringify({ kind: 'learner' }))).toBeNull();
  });

  test('rows can be ordered by join, name or progress', () => {
    const columns = [{ key: 'x/y/1', course: 'x', lesson: 'y', lessonTitle: 'Y', title: '1', hasCheck: true }];
    const list = [
      learner('b', 'bob', '2025-01-01T10:01:00Z', ['x/y/1']),
      learner('a', 'Ada', '2025-01-01T10:00:00Z'),
      learner('c', 'Cy', '2025-01-01T10:02:00Z'),
    ];
    expect(orderLearners(list, 'joined', columns).map((l) => l.id)).toEqual(['a', 'b', 'c']);
    expect(orderLearners(list, 'name', columns).map((l) => l.id)).toEqual(['a', 'b', 'c']);
    expect(orderLearners(list, 'progress', columns).map((l) => l.id)).toEqual(['b', 'a', 'c']);
  });
});
