import { describe, expect, it } from 'vitest';
import type { ClassDetail } from '../../shared/classroom-api.ts';
import { csvField, progressCsv } from './csv.ts';

describe('progress CSV', () => {
  it('quotes commas and quotes, and defuses formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });

  it('has a row per learner and a column per checked step', () => {
    const detail: ClassDetail = {
      class: {
        id: 'c1',
        name: 'Tuesday',
        code: 'ABCDEF',
        joinPath: '/join/ABCDEF',
        createdAt: '2026-11-21T09:00:00Z',
        archivedAt: null,
        learners: 2,
      },
      steps: [
        { key: 'm/a/one', course: 'm', lesson: 'a', lessonTitle: 'A', title: 'one', hasCheck: true },
        { key: 'm/a/read', course: 'm', lesson: 'a', lessonTitle: 'A', title: 'read', hasCheck: false },
      ],
      learners: [
        {
          id: 'l1',
          name: 'Ada',
          joinedAt: 'j1',
          online: true,
          lastActiveAt: null,
          current: 'm/a',
          steps: { 'm/a/one': { attempts: 1, doneAt: '2026-11-21T09:05:00.000Z' } },
          workspace: 'ready',
        },
        {
          id: 'l2',
          name: 'Bo, Jr',
          joinedAt: 'j2',
          online: false,
          lastActiveAt: null,
          current: null,
          steps: {},
          workspace: 'ready',
        },
      ],
      broadcastingTerminals: false,
    };
    const lines = progressCsv(detail).trimEnd().split('\r\n');
    expect(lines).toEqual([
      'learner,joined,last active,current lesson,steps done (of 1),m/a/one',
      'Ada,j1,,m/a,1,2026-11-21T09:05:00.000Z',
      '"Bo, Jr",j2,,,0,',
    ]);
  });
});
