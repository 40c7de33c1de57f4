// Where a page's session lives while no socket holds it. Each socket gets a session with an
// unguessable id (sent in `hello`); when the socket goes away the session lingers for
// SESSION_LINGER_MS with its terminals and runs, and a socket of the same client that names the id
// (`reattach`) takes it over. The id is the capability: 192 random bits, never a counter, and it
// works only for the client (learner, instructor, single user) that owned the session.
import { randomBytes } from 'node:crypto';
import {
  MAX_LINGERING_SESSIONS,
  MAX_LINGERING_SESSIONS_PER_CLIENT,
  SESSION_ID_LENGTH,
  SESSION_LINGER_MS,
} from '../../shared/limits.ts';

/** What the registry needs of a session. */
export interface RegisteredSession {
  readonly id: string;
  /** Who may re-attach: "local" in single-user mode, "learner:<id>" or "instructor" in a classroom. */
  readonly owner: string;
  /** Ends it for good: terminals closed, runs stopped. */
  end(reason: string): void;
}

export interface SessionLimits {
  lingerMs: number;
  maxLingeringPerClient: number;
  maxLingering: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  lingerMs: SESSION_LINGER_MS,
  maxLingeringPerClient: MAX_LINGERING_SESSIONS_PER_CLIENT,
  maxLingering: MAX_LINGERING_SESSIONS,
};

export type Claim<S> = { session: S } | { reason: string };

export class SessionRegistry<S extends RegisteredSession> {
  private readonly sessions = new Map<string, S>();
  /** Sessions without a socket, oldest first, with the timer that ends each. */
  private readonly lingering = new Map<string, NodeJS.Timeout>();
  readonly limits: SessionLimits;

  constructor(limits: Partial<SessionLimits> = {}) {
    this.limits = { ...DEFAULT_SESSION_LIMITS, ...limits };
  }

  /** A fresh id, then the session made with it. */
  create(make: (id: string) => S): S {
    let id: string;
    do id = randomBytes((SESSION_ID_LENGTH * 3) / 4).toString('base64url');
    while (this.sessions.has(id));
    const session = make(id);
    this.sessions.set(id, session);
    return session;
  }

  /** The session's socket went away: it waits for a `reattach`, then ends. */
  linger(session: S, reason = `the page did not come back within ${Math.round(this.limits.lingerMs / 1000)} s`): void {
    if (this.sessions.get(session.id) !== session || this.lingering.has(session.id)) return;
    const timer = setTimeout(() => this.end(session, reason), this.limits.lingerMs);
    timer.unref();
    this.lingering.set(session.id, timer);
    const ofOwner = [...this.lingering.keys()].filter((id) => this.sessions.get(id)?.owner === session.owner);
    for (const id of ofOwner.slice(0, Math.max(0, ofOwner.length - this.limits.maxLingeringPerClient))) {
      this.end(this.sessions.get(id)!, 'too many pages of this client left sessions behind; the oldest ended');
    }
    const all = [...this.lingering.keys()];
    for (const id of all.slice(0, Math.max(0, all.length - this.limits.maxLingering))) {
      this.end(this.sessions.get(id)!, 'too many sessions were left behind; the oldest ended');
    }
  }

  /**
   * The lingering session `id` of `owner`, taken off the clock; or why not. Someone else's session
   * answers as an unknown one: a wrong id tells nothing about which ids exist.
   */
  claim(id: string, owner: string, stillHeld?: (session: S) => boolean): Claim<S> {
    const session = this.sessions.get(id);
    if (!session || session.owner !== owner) return { reason: 'no such session: it ended or expired' };
    const timer = this.lingering.get(id);
    if (!timer) {
      // A reload races its old socket's close: a socket that is already closing counts as gone.
      if (stillHeld?.(session) ?? true) return { reason: 'that session is open in another tab' };
    } else {
      clearTimeout(timer);
      this.lingering.delete(id);
    }
    return { session };
  }

  /** Ends a session now (its page closed it, or it was replaced). */
  end(session: S, reason: string): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    const timer = this.lingering.get(session.id);
    if (timer) clearTimeout(timer);
    this.lingering.delete(session.id);
    session.end(reason);
  }

  /** Ends every session of one client (a learner removed from the class). */
  endOwner(owner: string, reason: string): void {
    for (const s of [...this.sessions.values()]) if (s.owner === owner) this.end(s, reason);
  }

  /** The server stops. */
  closeAll(reason = 'the server is stopping'): void {
    for (const s of [...this.sessions.values()]) this.end(s, reason);
  }

  get size(): number {
    return this.sessions.size;
  }

  get lingeringCount(): number {
    return this.lingering.size;
  }

  isLingering(id: string): boolean {
    return this.lingering.has(id);
  }
}
