// The snippet runner behind one small interface: the socket layer starts a run, feeds it input and
// signals, and hears its output and exit. How a run is contained (the sandbox) is the runner's
// business alone; a different backend never touches the socket layer or the UI.
import type { RunLanguage } from '../../shared/protocol.ts';
import type { Duplex } from 'node:stream';
import type { Endpoint, ServiceId } from '../services/endpoint.ts';
import type { Forward, RunNetwork } from './run-network.ts';
import type { TraceDir } from '../../shared/trace.ts';

/** Opens a run's connection to one of its forwarded services; by default, TCP to the service. */
export type Dial = (forward: Forward) => Duplex;

export interface RunRequest {
  language: RunLanguage;
  /** Source of the main file. */
  code: string;
  /** Main file name (default main.py / main.js). */
  name?: string;
  /** Files beside the main one. */
  files: { name: string; content: string }[];
  /** The learner's services: the only addresses the program can reach. */
  endpoints: Partial<Record<ServiceId, Endpoint>>;
  /** The variables and forwards made from `endpoints` already (an executor is handed them by the web server). */
  network?: RunNetwork;
  /** How the run's connections reach those services: an executor on another machine tunnels them. */
  dial?: Dial;
  /** Who runs it: when runs must wait, learners take turns (run-queue.ts). */
  learner?: string;
  /** Aborted when the run is no longer wanted before it started (the pane closed while it waited). */
  signal?: AbortSignal;
  cols?: number;
  rows?: number;
  /** Hand what the run's connections carry to `output.wire` (the page shows it decoded). */
  trace?: boolean;
}

/**
 * One thing a run's connection did, as its host forwarder saw it: opened, carried a chunk (`send`
 * from the program, `recv` to it), closed (`dir`: who ended it). `port`: the forward's inside port
 * (which service, the web server knows). `t`: milliseconds since the run's request arrived.
 */
export interface WireChunk {
  conn: number;
  port: number;
  kind: 'open' | 'data' | 'close';
  dir: TraceDir;
  bytes?: Buffer;
  t: number;
  /** Which service `port` reaches, when whoever hands it over knows (the web server does). */
  service?: ServiceId;
}

export interface RunOutput {
  /** Terminal text from the program (stdout and stderr, "\r\n" line endings), or a notice. */
  write(text: string): void;
  /** Exactly once, last: the exit status (non-zero, with a last output line, for a time-out or a kill). */
  exit(code: number): void;
  /** The program started (true) or stopped (false) waiting for a line of input; on changes only. */
  waiting?(on: boolean): void;
  /** Before the start: the run waits for a free slot, with this many runs ahead of it; on changes only. */
  queued?(ahead: number): void;
  /** With `trace`: what the run's connections carried, batched (one call per event-loop turn at most). */
  wire?(chunks: WireChunk[]): void;
}

export interface Run {
  /** Bytes for the program's stdin as the learner typed them ("\r" ends a line, "\x04" is end of input). */
  input(data: string): void;
  /** Ctrl-C: SIGINT to the program. */
  interrupt(): void;
  /** Stops the run (the pane closed, the browser went away); exit() still follows. */
  kill(reason: string): void;
  resize?(cols: number, rows: number): void;
}

export interface SnippetRunner {
  /** Starts a run; `env` is what the program finds in its environment (shown to the learner). */
  start(request: RunRequest, output: RunOutput): Promise<{ run: Run; env: Record<string, string> }>;
  /** Stops every run and any warm pool; no process is left behind. */
  close(): Promise<void>;
  /** Runs computing, alive (idle ones included) and waiting for a slot now: for /api/health. */
  load?(): { busy: number; live: number; queued: number };
}
