import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MAX_LINGERING_SESSIONS,
  MAX_LINGERING_SESSIONS_PER_CLIENT,
  SESSION_ID_LENGTH,
  SESSION_LINGER_MS,
} from '../../shared/limits.ts';
import { SessionRegistry, type RegisteredSession } from './session-registry.ts';

class Fake implements RegisteredSession {
  endedWith: string | null = null;
  held = false;
  constructor(
    readonly id: string,
    readonly owner: string,
  ) {}
  end(reason: string): void {
    this.endedWith = reason;
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SessionRegistry', () => {
  it('names its limits: 5 minutes, 4 lingering per client, 64 in all', () => {
    expect(SESSION_LINGER_MS).toBe(300_000);
    expect(MAX_LINGERING_SESSIONS_PER_CLIENT).toBe(4);
    expect(MAX_LINGERING_SESSIONS).toBe(64);
    expect(new SessionRegistry().limits).toEqual({
      lingerMs: SESSION_LINGER_MS,
      maxLingeringPerClient: MAX_LINGERING_SESSIONS_PER_CLIENT,
      maxLingering: MAX_LINGERING_SESSIONS,
    });
  });

  it('issues unguessable ids: 32 base64url characters, never twice', () => {
    const r = new SessionRegistry<Fake>();
    const ids = new Set(Array.from({ length: 1000 }, () => r.create((id) => new Fake(id, 'a')).id));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(new RegExp(`^[A-Za-z0-9_-]{${SESSION_ID_LENGTH}}$`));
  });

  it('a lingering session can be claimed by its owner until the linger time is up, then it ends', () => {
    const r = new SessionRegistry<Fake>({ lingerMs: 1000 });
    const s = r.create((id) => new Fake(id, 'learner:1'));
    r.linger(s);
    expect(r.claim(s.id, 'learner:2')).toEqual({ reason: 'no such session: it ended or expired' });
    expect(r.claim(s.id, 'learner:1')).toEqual({ session: s });
    expect(r.isLingering(s.id)).toBe(false);
    vi.advanceTimersByTime(5000);
    expect(s.endedWith).toBeNull();

    r.linger(s);
    vi.advanceTimersByTime(999);
    expect(s.endedWith).toBeNull();
    vi.advanceTimersByTime(1);
    expect(s.endedWith).toBe('the page did not come back within 1 s');
    expect(r.claim(s.id, 'learner:1')).toEqual({ reason: 'no such session: it ended or expired' });
    expect(r.size).toBe(0);
  });

  it('a session a live socket holds is not taken; one whose socket is closing is', () => {
    const r = new SessionRegistry<Fake>();
    const s = r.create((id) => new Fake(id, 'local'));
    s.held = true;
    expect(r.claim(s.id, 'local', (x) => x.held)).toEqual({ reason: 'that session is open in another tab' });
    s.held = false;
    expect(r.claim(s.id, 'local', (x) => x.held)).toEqual({ session: s });
  });

  it('ends the oldest lingering session of a client past the per-client limit, and the oldest of all past the total', () => {
    const r = new SessionRegistry<Fake>({ maxLingeringPerClient: 2, maxLingering: 3 });
    const a = [1, 2, 3].map(() => r.create((id) => new Fake(id, 'a')));
    for (const s of a) r.linger(s);
    expect(a.map((s) => s.endedWith !== null)).toEqual([true, false, false]);
    expect(a[0].endedWith).toMatch(/too many pages of this client/);
    const b = [1, 2].map(() => r.create((id) => new Fake(id, 'b')));
    for (const s of b) r.linger(s);
    // Four lingering (a2, a3, b1, b2) against a total of 3: a2, the oldest, goes.
    expect(a[1].endedWith).toMatch(/too many sessions were left behind/);
    expect(r.lingeringCount).toBe(3);
    // A live session is never ended by the limits.
    const live = r.create((id) => new Fake(id, 'a'));
    r.linger(r.create((id) => new Fake(id, 'a')));
    expect(live.endedWith).toBeNull();
  });

  it('ends every session of a removed learner, and all of them when the server stops', () => {
    const r = new SessionRegistry<Fake>();
    const mine = r.create((id) => new Fake(id, 'learner:1'));
    const other = r.create((id) => new Fake(id, 'learner:2'));
    r.linger(mine);
    r.endOwner('learner:1', 'removed');
    expect(mine.endedWith).toBe('removed');
    expect(other.endedWith).toBeNull();
    r.closeAll();
    expect(other.endedWith).toBe('the server is stopping');
  });
});
