// Who the learner is, in the single-user playground: a random id in an httpOnly cookie, set on the
// first request that has none. It names the learner's progress, nothing more (no login).
import { randomBytes } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';

export const LEARNER_COOKIE = 'pg_learner';
/** A year: progress outlives browser restarts. */
const MAX_AGE_SECONDS = 365 * 24 * 60 * 60;
const ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The value of one cookie from a Cookie header (the first, if the name repeats), URL-decoded. A value
 * that does not decode comes back as sent: callers check the shape they expect.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  return parseCookie(header ?? '')[name];
}

export function newLearnerId(): string {
  return randomBytes(18).toString('base64url');
}

/** The learner's id; sets the cookie when the request carries none (or a malformed one). */
export function learnerId(req: Request, res: Response): string {
  const existing = readCookie(req.headers.cookie, LEARNER_COOKIE);
  if (existing && ID.test(existing)) return existing;
  const id = newLearnerId();
  res.append(
    'Set-Cookie',
    stringifySetCookie({
      name: LEARNER_COOKIE,
      value: id,
      path: '/',
      maxAge: MAX_AGE_SECONDS,
      httpOnly: true,
      sameSite: 'lax',
    }),
  );
  return id;
}
