import { describe, expect, it } from 'vitest';
import {
  cellState,
  normalizeJoinCode,
  DISPLAY_NAME_PATTERN,
  type LearnerView,
  type StepColumn,
} from './classroom-api.ts';

const col = (lesson: string, step: string, hasCheck = true): StepColumn => ({
  key: `redis/${lesson}/${step}`,
  course: 'redis',
  lesson,
  lessonTitle: lesson,
  title: step,
  hasCheck,
});
const columns = [col('strings', 'read', false), col('strings', 'set'), col('strings', 'ttl'), col('lists', 'push')];
const NOW = Date.parse('2026-11-21T10:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function learner(over: Partial<LearnerView> = {}): LearnerView {
  return {
    id: 'l1',
    name: 'Ada',
    joinedAt: ago(3600_000),
    online: true,
    lastActiveAt: ago(1000),
    current: 'redis/strings',
    steps: {},
    workspace: 'ready',
    ...over,
  };
}

describe('cellState', () => {
  it('marks a passed step done, wherever the learner is now', () => {
    const l = learner({ current: 'redis/lists', steps: { 'redis/strings/set': { attempts: 1, doneAt: ago(60_000) } } });
    expect(cellState(l, columns[1], columns, NOW)).toBe('done');
  });

  it('shows working on the first unfinished checked step of the current lesson only', () => {
    const l = learner({ steps: { 'redis/strings/set': { attempts: 1, doneAt: ago(1000) } } });
    expect(cellState(l, columns[0], columns, NOW)).toBe('none');
    expect(cellState(l, columns[2], columns, NOW)).toBe('working');
    expect(cellState(l, columns[3], columns, NOW)).toBe('none');
  });

  it('calls three failed attempts stuck', () => {
    const l = learner({ steps: { 'redis/strings/set': { attempts: 3, lastAttemptAt: ago(1000), lastOk: false } } });
    expect(cellState(l, columns[1], columns, NOW)).toBe('stuck');
  });

  it('calls a step open for ten minutes after a failed attempt stuck', () => {
    const l = learner({
      steps: { 'redis/strings/set': { attempts: 1, lastAttemptAt: ago(11 * 60_000), lastOk: false } },
    });
    expect(cellState(l, columns[1], columns, NOW)).toBe('stuck');
  });

  it('shows idle when the learner is offline or quiet for five minutes', () => {
    expect(cellState(learner({ online: false }), columns[1], columns, NOW)).toBe('idle');
    expect(cellState(learner({ lastActiveAt: ago(6 * 60_000) }), columns[1], columns, NOW)).toBe('idle');
  });
});

describe('join codes and names', () => {
  it('normalizes what a person types', () => {
    expect(normalizeJoinCode(' k7q-x2m ')).toBe('K7QX2M');
  });

  it('accepts names in any script and refuses markup or empty names', () => {
    expect(DISPLAY_NAME_PATTERN.test("Zoë O'Neil")).toBe(true);
    expect(DISPLAY_NAME_PATTERN.test('李雷')).toBe(true);
    expect(DISPLAY_NAME_PATTERN.test('<script>')).toBe(false);
    expect(DISPLAY_NAME_PATTERN.test('')).toBe(false);
    expect(DISPLAY_NAME_PATTERN.test('x'.repeat(41))).toBe(false);
  });
});
