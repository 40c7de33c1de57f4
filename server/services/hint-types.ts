// The `hint:` line under an error that pasted code often meets here (an address from a tutorial, a
// client library's older API, a driver that is not installed): the contract between the runner,
// which watches a run's output (server/runner/hints.ts), and the rows each service keeps in its
// own hints.ts, beside the generic ones (server/runner/hint-rows.ts).
import { readVariable } from '../../shared/constants.ts';
import type { RunLanguage } from '../../shared/protocol.ts';
import type { ServiceId } from './endpoint.ts';

/** One of the learner's services, as a run reaches it. */
export interface HintService {
  name: ServiceId;
  title: string;
  conventionalPort: number;
  /** The ports on 127.0.0.1 inside the run that reach it (its variable's and the conventional one). */
  insidePorts: number[];
  /** The variables that name it (REDIS_URL; MYSQL_URL and SQLALCHEMY_URL). */
  variables: string[];
}

export interface HintContext {
  language: RunLanguage;
  /** The service variables the run found, as it found them. */
  env: Record<string, string>;
  services: HintService[];
}

export interface HintRow {
  /** Stable and unique across the table: the tests and the docs name rows by it. */
  id: string;
  /** Tried on each line of the run's output, ANSI escapes removed. */
  line: RegExp;
  /** The hint for a matching line, or null when this match needs none. */
  hint(match: RegExpExecArray, ctx: HintContext): string | null;
  /** The real output the row was written for (its last lines, verbatim), and what its hint says. */
  fixture: { language: RunLanguage; output: string; says: string };
}

function isLocal(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '::1';
}

/** "localhost:11211 (memcached), localhost:6379 (Redis), …" */
export function servicesHere(ctx: HintContext): string {
  return ctx.services.map((s) => `localhost:${s.conventionalPort} (${s.title})`).join(', ');
}

/**
 * For code that tried `host:port` and could not connect: which address to use instead, when the
 * address is not one of the learner's services (null when it is: then the address is right and
 * the service itself did not answer). `service` is the one the client library speaks, or, if
 * unknown, the one whose conventional port `port` is.
 */
export function addressHint(ctx: HintContext, host: string, port: number | null, service?: ServiceId): string | null {
  if (port !== null && isLocal(host) && ctx.services.some((s) => s.insidePorts.includes(port))) return null;
  const target =
    ctx.services.find((s) => s.name === service) ??
    ctx.services.find((s) => port !== null && s.conventionalPort === port);
  const used = port === null ? host : `${host}:${port}`;
  if (!target)
    return `the code connects to ${used}, which is not one of your services: here they answer on ${servicesHere(ctx)}`;
  return (
    `the code connects to ${used}, which is not your ${target.title} here: use localhost:${target.conventionalPort}` +
    ` (your own ${target.title}) or ${readVariable(ctx.language, target.variables[0])}`
  );
}
