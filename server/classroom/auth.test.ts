import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limit.ts';
import {
  INSTRUCTOR_COOKIE,
  LEARNER_COOKIE_MAX_AGE_S,
  LEARNER_TOKEN_COOKIE,
  cookie,
  hashToken,
  instructorSession,
  isInstructor,
  isInstructorSession,
  learnerTokenOf,
  newLearnerToken,
  originAllowed,
} from './auth.ts';

const SECRET = 'a-long-enough-secret';

describe('learner tokens', () => {
  it('are 256-bit, distinct, and read back from the cookie', () => {
    const a = newLearnerToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newLearnerToken()).not.toBe(a);
    expect(learnerTokenOf({ cookie: `x=1; pg_class=${a}` })).toBe(a);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignore malformed cookies', () => {
    expect(learnerTokenOf({ cookie: 'pg_class=short' })).toBeNull();
    expect(learnerTokenOf({})).toBeNull();
  });
});

describe('instructor sessions', () => {
  it('accept their own signature and refuse a tampered one, another secret, or an old one', () => {
    const now = Date.now();
    const s = instructorSession(SECRET, now);
    expect(isInstructorSession(SECRET, s, now)).toBe(true);
    expect(isInstructorSession('another-secret-here', s, now)).toBe(false);
    const tampered = s.replace(/\.(\d+)\./, (_m, t: string) => `.${Number(t) + 1}.`);
    expect(isInstructorSession(SECRET, tampered, now)).toBe(false);
    expect(isInstructorSession(SECRET, s, now + 8 * 24 * 3600 * 1000)).toBe(false);
  });

  it('accept the secret as a Bearer token, nothing else', () => {
    expect(isInstructor(SECRET, { authorization: `Bearer ${SECRET}` })).toBe(true);
    expect(isInstructor(SECRET, { authorization: `Bearer ${SECRET}x` })).toBe(false);
    expect(isInstructor(SECRET, { cookie: `pg_instructor=${instructorSession(SECRET)}` })).toBe(true);
    expect(isInstructor(SECRET, { cookie: 'pg_instructor=v1.1.abc' })).toBe(false);
  });
});

describe('session cookies', () => {
  /** The name=value and the attributes in a fixed order: their order means nothing. */
  const attributes = (setCookie: string) => {
    const [pair, ...rest] = setCookie.split('; ');
    return { pair, attributes: rest.sort() };
  };

  it('are httpOnly, Lax, for the whole site, and Secure over https', () => {
    const token = newLearnerToken();
    expect(attributes(cookie(LEARNER_TOKEN_COOKIE, token, LEARNER_COOKIE_MAX_AGE_S, false))).toEqual({
      pair: `pg_class=${token}`,
      attributes: ['HttpOnly', 'Max-Age=15552000', 'Path=/', 'SameSite=Lax'],
    });
    const session = instructorSession(SECRET);
    expect(attributes(cookie(INSTRUCTOR_COOKIE, session, 60, true))).toEqual({
      pair: `pg_instructor=${session}`,
      attributes: ['HttpOnly', 'Max-Age=60', 'Path=/', 'SameSite=Lax', 'Secure'],
    });
  });

  it('clear with an empty value and Max-Age=0', () => {
    expect(attributes(cookie(INSTRUCTOR_COOKIE, '', 0, false))).toEqual({
      pair: 'pg_instructor=',
      attributes: ['HttpOnly', 'Max-Age=0', 'Path=/', 'SameSite=Lax'],
    });
  });

  it('read back what they set', () => {
    const token = newLearnerToken();
    const pair = attributes(cookie(LEARNER_TOKEN_COOKIE, token, LEARNER_COOKIE_MAX_AGE_S, true)).pair;
    expect(learnerTokenOf({ cookie: `theme=dark; ${pair}; other=1` })).toBe(token);
    const session = attributes(cookie(INSTRUCTOR_COOKIE, instructorSession(SECRET), 60, true)).pair;
    expect(isInstructor(SECRET, { cookie: session })).toBe(true);
  });
});

describe('originAllowed', () => {
  it('lets the page’s own origin and scripts without Origin through, and refuses other sites', () => {
    expect(originAllowed({ host: 'class.example:3000', origin: 'http://class.example:3000' }, [])).toBe(true);
    expect(originAllowed({ host: 'class.example:3000' }, [])).toBe(true);
    expect(originAllowed({ host: 'class.example:3000', origin: 'http://evil.example' }, [])).toBe(false);
    expect(originAllowed({ host: 'class.example:3000', origin: 'null' }, [])).toBe(false);
    expect(originAllowed({ host: 'internal:3000', origin: 'https://proxy.example' }, ['https://proxy.example'])).toBe(
      true,
    );
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then the rate', () => {
    let t = 0;
    const bucket = new TokenBucket(10, 3, () => t);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    t += 100; // one token a tenth of a second
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    t += 10_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});
