// The one interface every service implements. A service's folder under server/services/ holds all
// of it — terminal, private instance, step checks and lesson reset, per-learner provisioning for
// classroom mode, the variables a snippet run finds — and registry.ts lists the folders. The
// lessons engine, the classroom and the runner loop over the registry and name no service, so a
// fifth service is one more folder and one line in registry.ts (fifth-service.int.test.ts shows it).
import type { CommandInfo } from '../../shared/protocol.ts';
import type { ServiceChecks, ServiceReset } from './check-types.ts';
import type { LearnerAccounts, LearnerInstances } from './classroom-types.ts';
import type { Endpoint, ServiceId } from './endpoint.ts';
import type { HintRow } from './hint-types.ts';
import type { ServiceInspector } from './inspect-types.ts';
import type { RunWatcher } from './run-watch-types.ts';
import type { WireProtocol } from './wire-types.ts';
import type { ManagedContext, ManagedSpec } from './managed-types.ts';

/** What a terminal session writes to the learner. */
export interface TerminalOutput {
  /** Terminal text; lines end in "\r\n". May hold ANSI. */
  write(text: string): void;
  /** The session is ready for the next line, shown after this prompt. */
  prompt(text: string): void;
  /** Flow control: the adapter registers the socket(s) whose reading pauses under backpressure. */
  setSource(source: PausableSource | null): void;
  /** The session cannot go on (its connection failed for good): the host closes the terminal. */
  fail(message: string): void;
}

export interface PausableSource {
  pause(): void;
  resume(): void;
}

/**
 * One live terminal against one service. The host (server/terminal/terminal-host.ts) splits input
 * into lines and hands them over one at a time: after line() it waits for output.prompt() before
 * the next line. A session that streams (SUBSCRIBE, basic.consume) simply does not prompt until
 * interrupt() ends the stream.
 */
export interface TerminalSession {
  /** One line the learner typed, without its line ending. */
  line(text: string): void;
  /** Ctrl-C: stop what is running (or drop a half-typed multi-line command), then prompt. */
  interrupt(): void;
  resize?(cols: number, rows: number): void;
  /** The next line is data for the service (memcached's data block): the host's own commands pass through. */
  takesAnyLine?(): boolean;
  /** Release every connection; no output may follow. */
  close(): void;
}

/**
 * A terminal that prompts at once and answers later, as telnet does (memcached): whoever types a
 * script into it (lessons:check, a lesson's Run button) paces lines by the replies instead.
 */
export interface RawReplies {
  /** Whether the server answers this line by itself (a storage command waits for its data line). */
  expectsReply(line: string): boolean;
  /** Whether `output`, everything since `line` was sent, holds its whole reply. */
  complete(line: string, output: string): boolean;
}

/**
 * A snippet run's view of the network: the server forwards each endpoint into the sandbox and
 * answers the address the program inside uses for it (server/runner/run-network.ts).
 */
export interface Forwarder {
  /** `host:port` outside → `host:port` inside; keeps "localhost" where it was given. */
  hostPort(value: string): string;
  /** A URL outside → the same URL pointing inside; a URL without a port uses the service's conventional one. */
  url(value: string, defaultPort: number): string;
}

/**
 * A rewrite of what a run's client sends through the service's conventional port, as plain data
 * (it crosses to the executor, which makes the stream with forward-filters.ts): RabbitMQ's turns
 * the tutorials' guest/guest into the learner's own login.
 */
export interface ForwardFilter {
  kind: string;
  options: Record<string, string>;
}

export interface ServiceAdapter {
  name: ServiceId;
  /** As people write it: "Redis", "RabbitMQ". */
  title: string;
  /** The fence tag of a lesson block that types into its terminal (```amqp for RabbitMQ). */
  fenceTag: string;
  /**
   * The port its clients assume when none is given (6379 for Redis). Inside a run, localhost on
   * this port reaches the learner's own service too, so code pasted from a tutorial runs as it is.
   */
  conventionalPort: number;
  /** What the conventional port's forward rewrites on the way in (see ForwardFilter). */
  conventionalFilter?(endpoint: Endpoint): ForwardFilter | undefined;
  /** Environment variable that points the playground at an external server instead. */
  urlEnv: string;
  /** Turns the env variable's value into an endpoint; throws a clear Error when malformed. */
  parseUrl(value: string): Endpoint;
  managed: ManagedSpec;
  /** Connects once and answers the server's version; throws if it does not answer. */
  probe(endpoint: Endpoint): Promise<{ version: string }>;
  /** Commands for completion and hints; may ask the live server (Redis COMMAND DOCS). */
  commands(endpoint: Endpoint): Promise<CommandInfo[]>;
  /** Whether the terminal ignores case for command names. */
  caseInsensitive: boolean;
  /**
   * Opens a session; the first prompt comes through output.prompt(). Throws if it cannot connect.
   * `admin`: the service's admin data (see `admin` below), for a hint that asks it (RabbitMQ's 404
   * lists the vhost's queues).
   */
  openTerminal(endpoint: Endpoint, output: TerminalOutput, admin?: unknown): Promise<TerminalSession>;
  /** Set when the terminal is a raw pipe that prompts before the server answers. */
  rawReplies?: RawReplies;
  /** The variables a snippet run finds for this endpoint (REDIS_URL…), each pointing inside the sandbox. */
  snippetEnv(endpoint: Endpoint, forward: Forwarder): Record<string, string>;
  /**
   * The playground's own privileged access to the server behind `endpoint` (RabbitMQ: reading a
   * vhost's bindings, which AMQP cannot list), as plain data (it crosses to test workers): built
   * from the private instance's context, or from the URL for an external server. Checks and resets
   * get it back as `scope.admin`.
   */
  admin?(endpoint: Endpoint, ctx: ManagedContext | null): unknown;
  /** A lesson's `check` entries for this service, and how they are asked. */
  checks: ServiceChecks;
  /** The entry of a lesson's `reset:` front matter for this service, and how it is cleared. */
  reset: ServiceReset;
  /** Classroom mode: each learner's own instance (a process) or own account on the shared server. */
  classroom: LearnerInstances | LearnerAccounts;
  /** One line that says what to change when pasted code fails against this service (hint-types.ts). */
  hints?: HintRow[];
  /** A live view of what is inside the learner's service, for the Inspect tab (inspect-types.ts). */
  inspect?: ServiceInspector;
  /** What a snippet run did to the service, said after it ends (run-watch-types.ts). */
  runWatch?: RunWatcher;
  /** Its wire protocol decoded, request paired with reply, for the trace of a terminal or a run (wire-types.ts). */
  decode?: WireProtocol;
}
