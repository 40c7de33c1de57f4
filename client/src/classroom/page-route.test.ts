import { describe, expect, test } from 'vitest';
import type { SessionView } from '../../../shared/classroom-api.ts';
import { dashboardPath, joinPath, parsePageRoute, screenFor } from './page-route.ts';

describe('page routes', () => {
  test('/join/:code pre-fills the code, normalized as the server reads it', () => {
    expect(parsePageRoute('/join/K7QX2M')).toEqual({ kind: 'join', code: 'K7QX2M' });
    expect(parsePageRoute('/join/k7qx-2m/')).toEqual({ kind: 'join', code: 'K7QX2M' });
    expect(parsePageRoute('/join/k7%20qx2m')).toEqual({ kind: 'join', code: 'K7QX2M' });
    expect(parsePageRoute('/join')).toEqual({ kind: 'join', code: null });
    expect(parsePageRoute('/join/')).toEqual({ kind: 'join', code: null });
  });

  test('/instructor and the paths under it are the dashboard', () => {
    expect(parsePageRoute('/instructor')).toEqual({ kind: 'instructor', view: { kind: 'classes' } });
    expect(parsePageRoute('/instructor/')).toEqual({ kind: 'instructor', view: { kind: 'classes' } });
    expect(parsePageRoute('/instructor/classes/c12')).toEqual({
      kind: 'instructor',
      view: { kind: 'class', classId: 'c12' },
    });
    expect(parsePageRoute('/instructor/whatever/else')).toEqual({ kind: 'instructor', view: { kind: 'classes' } });
  });

  test('everything else, and paths that do not decode, are the workspace', () => {
    expect(parsePageRoute('/')).toEqual({ kind: 'workspace' });
    expect(parsePageRoute('/joinery')).toEqual({ kind: 'workspace' });
    expect(parsePageRoute('/join/A/B')).toEqual({ kind: 'workspace' });
    expect(parsePageRoute('/instructors')).toEqual({ kind: 'workspace' });
    expect(parsePageRoute('/join/%E0%A4%A')).toEqual({ kind: 'workspace' });
  });

  test('paths are built back the same way', () => {
    expect(dashboardPath({ kind: 'classes' })).toBe('/instructor');
    expect(dashboardPath({ kind: 'class', classId: 'a b' })).toBe('/instructor/classes/a%20b');
    expect(parsePageRoute(dashboardPath({ kind: 'class', classId: 'a b' }))).toEqual({
      kind: 'instructor',
      view: { kind: 'class', classId: 'a b' },
    });
    expect(joinPath('K7QX2M')).toBe('/join/K7QX2M');
    expect(joinPath(null)).toBe('/join');
  });
});

describe('screen for a session', () => {
  const single: SessionView = { mode: 'single' };
  const guest: SessionView = { mode: 'classroom', role: null };
  const learner: SessionView = {
    mode: 'classroom',
    role: 'learner',
    learner: { id: 'l1', name: 'Ada' },
    class: { id: 'c1', name: 'Caching 101', code: 'K7QX2M' },
  };
  const instructor: SessionView = { mode: 'classroom', role: 'instructor' };
  const join = parsePageRoute('/join/K7QX2M');
  const dash = parsePageRoute('/instructor');
  const home = parsePageRoute('/');

  test('single-user mode is always the workspace', () => {
    for (const route of [join, dash, home]) expect(screenFor(single, route)).toBe('workspace');
  });

  test('a guest joins, or signs in at /instructor', () => {
    expect(screenFor(guest, home)).toBe('join');
    expect(screenFor(guest, join)).toBe('join');
    expect(screenFor(guest, dash)).toBe('instructor-sign-in');
  });

  test('a learner works; /instructor still asks for the secret', () => {
    expect(screenFor(learner, home)).toBe('workspace');
    expect(screenFor(learner, join)).toBe('workspace');
    expect(screenFor(learner, dash)).toBe('instructor-sign-in');
  });

  test('the instructor has the dashboard at /instructor and a workspace elsewhere', () => {
    expect(screenFor(instructor, dash)).toBe('dashboard');
    expect(screenFor(instructor, parsePageRoute('/instructor/classes/c1'))).toBe('dashboard');
    expect(screenFor(instructor, home)).toBe('workspace');
  });
});
