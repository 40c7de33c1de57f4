// The contract between the lessons engine (server/lessons/) and a service's folder: how a service
// reads the `check` entries and the `reset:` entry a lesson writes for it, and answers them against
// the learner's live instance. The engine parses YAML, reports problems at their lines, runs the
// checks with a time limit and collects what a reset cleared; the service knows what to ask.
import type { z } from 'zod';
import type { Endpoint } from './endpoint.ts';

/** What one check answers: whether it passed, and in plain words what it found. */
export interface CheckOutcome {
  ok: boolean;
  message: string;
}

export const pass = (message: string): CheckOutcome => ({ ok: true, message });
export const fail = (message: string): CheckOutcome => ({ ok: false, message });

/** The service is not there to ask; the check cannot pass, and no hint would help. */
export class ServiceUnavailable extends Error {}

/** Connecting to a service on loopback takes milliseconds; a server that is down answers at once. */
export const CONNECT_TIMEOUT_MS = 3_000;

/** What a service's checks and reset work with: one learner's instance, for one run of checks. */
export interface CheckScope {
  /** Where the learner reaches the service; throws ServiceUnavailable while it is not running. */
  endpoint(): Endpoint;
  /** The playground's privileged access to that server (ServiceAdapter.admin), or null. */
  admin: unknown;
  /**
   * Something kept for the whole run (a connection, a listing that takes a second), made at its
   * first use under `key` and closed when the run ends. A failed `open` is tried again next time.
   */
  keep<T>(key: string, open: () => Promise<T>, close?: (value: T) => unknown): Promise<T>;
}

/** Reading one service's part of a lesson's YAML; problems land at the right line of lesson.md. */
export interface ParseContext {
  /** Validates the body (or `value`) with a schema; on problems, reports each and answers null. */
  parse<S extends z.ZodType>(schema: S, value?: unknown): z.infer<S> | null;
  /** A problem with the body as a whole, reported at its line. */
  report(message: string): void;
}

/** A service's step checks: `redis: {key: visits, type: string}` in a lesson's check block. */
export interface ServiceChecks<Spec = unknown> {
  /** An example body, for messages about a malformed one: "{key: visits}". */
  example: string;
  /** The mapping under the service's name; null (after reporting) when it is not a valid check. */
  parse(body: Record<string, unknown>, ctx: ParseContext): Spec | null;
  /** Asks the live service; a failure to ask throws (the engine words it), an answer is an outcome. */
  run(spec: Spec, scope: CheckScope): Promise<CheckOutcome>;
}

/** What a reset tells the engine as it goes. */
export interface ResetReport {
  /** Something that was there and is gone now, in plain words: `Redis key "greeting"`. */
  cleared(what: string): void;
  /** Runs one removal; a failure is recorded against `what` and the reset goes on with the next. */
  attempt(what: string, removal: () => Promise<void>): Promise<void>;
}

/** A service's part of "Start this lesson fresh": `redis: ["q:*"]` in a lesson's `reset:`. */
export interface ServiceReset<Spec = unknown> {
  /** The entry under the service's name in the front matter's `reset:`. */
  schema: z.ZodType<Spec>;
  /** Removes exactly what the entry names, and nothing else of the learner's. */
  run(spec: Spec, scope: CheckScope, report: ResetReport): Promise<void>;
  /**
   * Puts back the run-time settings the server had when the playground first met it (Redis's
   * `CONFIG SET maxmemory 1` breaks every lesson, not only the one it was typed in), reporting each
   * as cleared: `Redis setting maxmemory back to 64mb (it was 1 byte)`. Run at every reset of every
   * lesson, whether or not its `reset:` names the service; a service that is not running is skipped.
   */
  restore?(scope: CheckScope, report: ResetReport): Promise<void>;
}
