import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { LEARNER_COOKIE, learnerId, readCookie } from './learner-cookie.ts';

function fake(cookie?: string) {
  const set: string[] = [];
  const req = { headers: { cookie } } as unknown as Request;
  const res = { append: (name: string, value: string) => set.push(`${name}: ${value}`) } as unknown as Response;
  return { req, res, set };
}

describe('learner cookie', () => {
  it('reads one cookie among many', () => {
    expect(readCookie('a=1; pg_learner=abc%2Fd; b=2', 'pg_learner')).toBe('abc/d');
    expect(readCookie(undefined, 'pg_learner')).toBeUndefined();
  });

  it('issues a random httpOnly id once, then reads it back', () => {
    const first = fake();
    const id = learnerId(first.req, first.res);
    expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(first.set).toEqual([`Set-Cookie: ${LEARNER_COOKIE}=${id}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax`]);
    const again = fake(`${LEARNER_COOKIE}=${id}`);
    expect(learnerId(again.req, again.res)).toBe(id);
    expect(again.set).toEqual([]);
  });

  it('replaces a malformed id', () => {
    const bad = fake(`${LEARNER_COOKIE}=<script>`);
    expect(learnerId(bad.req, bad.res)).not.toBe('<script>');
    expect(bad.set).toHaveLength(1);
  });
});
