// Who is asking, in classroom mode. A learner holds a random token (cookie `pg_class`, 256 bits);
// the store keeps only its sha256, so a leaked database does not hand out sessions. The instructor
// holds a session signed with the instructor secret (cookie `pg_instructor`), or sends the secret
// itself as a Bearer token (scripts, CSV downloads with curl). Comparisons are constant-time.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';

export const LEARNER_TOKEN_COOKIE = 'pg_class';
export const INSTRUCTOR_COOKIE = 'pg_instructor';
/** Learner sessions outlive browser restarts for the length of a course. */
export const LEARNER_COOKIE_MAX_AGE_S = 180 * 24 * 60 * 60;
/** The instructor signs in again after a week. */
export const INSTRUCTOR_SESSION_MAX_AGE_S = 7 * 24 * 60 * 60;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newLearnerToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The learner token from the Cookie header, if it has the right shape. */
export function learnerTokenOf(headers: IncomingHttpHeaders): string | null {
  const token = parseCookie(headers.cookie ?? '')[LEARNER_TOKEN_COOKIE];
  return token && TOKEN.test(token) ? token : null;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function signature(secret: string, issuedAt: number): string {
  return createHmac('sha256', secret).update(`instructor-session:${issuedAt}`).digest('base64url');
}

export function instructorSession(secret: string, now = Date.now()): string {
  return `v1.${now}.${signature(secret, now)}`;
}

export function isInstructorSession(secret: string, value: string | undefined, now = Date.now()): boolean {
  const m = /^v1\.(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!m) return false;
  const issuedAt = Number(m[1]);
  if (issuedAt > now + 60_000 || now - issuedAt > INSTRUCTOR_SESSION_MAX_AGE_S * 1000) return false;
  return sameText(m[2], signature(secret, issuedAt));
}

/** The instructor, by session cookie or by `Authorization: Bearer <secret>`. */
export function isInstructor(secret: string, headers: IncomingHttpHeaders): boolean {
  if (isInstructorSession(secret, parseCookie(headers.cookie ?? '')[INSTRUCTOR_COOKIE])) return true;
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) return sameText(auth.slice(7).trim(), secret);
  return false;
}

/** A Set-Cookie value for one of the session cookies; Max-Age 0 with an empty value clears it. */
export function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return stringifySetCookie({
    name,
    value,
    path: '/',
    maxAge: maxAgeSeconds,
    httpOnly: true,
    sameSite: 'lax',
    secure,
  });
}

/**
 * Cross-site requests are refused: a page elsewhere must not open a learner's WebSocket or press
 * the instructor's buttons with their cookies. Browsers always send Origin on WebSocket upgrades
 * and on POST/PUT/DELETE; a request without one comes from a script, not a browser, and is let
 * through (it still needs a token).
 */
export function originAllowed(headers: IncomingHttpHeaders, allowed: string[]): boolean {
  const origin = headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded =
    typeof headers['x-forwarded-host'] === 'string' ? headers['x-forwarded-host'].split(',')[0].trim() : null;
  return host === headers.host || (forwarded !== null && host === forwarded);
}
