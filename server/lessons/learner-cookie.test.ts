import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { LEARNER_COOKIE, learnerId, readCookie } from './learner-cookie.ts';

/** A Set-Cookie value as its name=value and its attributes in a fixed order: their order means nothing. */
function attributes(setCookie: string): { pair: string; attributes: string[] } {
  const [pair, ...rest] = setCookie.split('; ');
  return { pair, attributes: rest.sort() };
}

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
    expect(first.set).toHaveLength(1);
    expect(first.set[0]).toMatch(/^Set-Cookie: /);
    expect(attributes(first.set[0].slice('Set-Cookie: '.length))).toEqual({
      pair: `${LEARNER_COOKIE}=${id}`,
      attributes: ['HttpOnly', 'Max-Age=31536000', 'Path=/', 'SameSite=Lax'],
    });
    const again = fake(`${LEARNER_COOKIE}=${id}`);
    expect(learnerId(again.req, again.res)).toBe(id);
    expect(again.set).toEqual([]);
  });

  it('replaces a malformed id', () => {
    const bad = fake(`${LEARNER_COOKIE}=<script>`);
    expect(learnerId(bad.req, bad.res)).not.toBe('<script>');
    expect(bad.set).toHaveLength(1);
  });

  it('replaces an id that does not URL-decode, and reads the first of two', () => {
    const undecodable = fake(`${LEARNER_COOKIE}=abcdefghijklmnop%E0%A4%A`);
    expect(learnerId(undecodable.req, undecodable.res)).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(undecodable.set).toHaveLength(1);
    const twice = fake(`${LEARNER_COOKIE}=first-id-0123456789; ${LEARNER_COOKIE}=second-id-0123456789`);
    expect(learnerId(twice.req, twice.res)).toBe('first-id-0123456789');
  });
});
