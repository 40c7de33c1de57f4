// Who the learner is, in the single-user playground: a random id in an httpOnly cookie, set on the
// first request that has none. It names the learner's progress, nothing more (no login).
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

export const LEARNER_COOKIE = 'pg_learner';
/** A year: progress outlives browser restarts. */
const MAX_AGE_SECONDS = 365 * 24 * 60 * 60;
const ID = /^[A-Za-z0-9_-]{16,64}$/;

/** The value of one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function newLearnerId(): string {
  return randomBytes(18).toString('base64url');
}

/** The learner's id; sets the cookie when the request carries none (or a malformed one). */
export function learnerId(req: Request, res: Response): string {
  const existing = readCookie(req.headers.cookie, LEARNER_COOKIE);
  if (existing && ID.test(existing)) return existing;
  const id = newLearnerId();
  res.append('Set-Cookie', `${LEARNER_COOKIE}=${id}; Path=/; Max-Age=${MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax`);
  return id;
}
