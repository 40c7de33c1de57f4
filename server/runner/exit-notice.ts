// The last line a run shows when it did not simply end: why it was stopped, in plain words, and
// the exit code the learner sees. bubblewrap reports a program killed by signal N as 128 + N, as
// shells do, and the words for those follow bash's.
import os from 'node:os';
import { DIM, RESET } from '../../shared/ansi.ts';
import type { RunLimits } from './run-limits.ts';
import { formatSize } from '../util/sizes.ts';

/** Why the runner itself stopped a run. */
export type StopReason =
  | { kind: 'wall-time'; ms: number; longRunning: boolean }
  | { kind: 'output'; bytes: number }
  | { kind: 'interrupt-ignored'; graceMs: number }
  | { kind: 'second-interrupt' }
  | { kind: 'killed'; reason: string };

/** GNU timeout's exit code for a time-out; any other stop by the runner is a SIGKILL (128 + 9). */
export const EXIT_TIMED_OUT = 124;
export const EXIT_KILLED = 128 + 9;

function seconds(ms: number): string {
  return ms % 60_000 === 0 && ms >= 60_000 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`;
}

export function stopMessage(reason: StopReason): string {
  switch (reason.kind) {
    case 'wall-time':
      return reason.longRunning
        ? `stopped: a consumer or subscriber may run for ${seconds(reason.ms)}, and that time is up`
        : `stopped: the program ran for ${seconds(reason.ms)}, the time limit of a run`;
    case 'output':
      return `stopped: the program wrote more than ${formatSize(reason.bytes)} of output`;
    case 'interrupt-ignored':
      return `killed: the program was still running ${seconds(reason.graceMs)} after Ctrl-C`;
    case 'second-interrupt':
      return 'killed by a second Ctrl-C';
    case 'killed':
      return `stopped: ${reason.reason}`;
    default: {
      const _exhaustive: never = reason;
      return _exhaustive;
    }
  }
}

export function stopExitCode(reason: StopReason): number {
  return reason.kind === 'wall-time' ? EXIT_TIMED_OUT : EXIT_KILLED;
}

/**
 * A line for an exit code that means a signal the learner did not ask for, or null. SIGINT (130)
 * has none: the program's own KeyboardInterrupt or silence is what a shell shows too.
 */
export function signalMessage(code: number, limits: Pick<RunLimits, 'cpuSeconds' | 'memoryBytes'>): string | null {
  if (code <= 128 || code > 128 + 64) return null;
  const signal = code - 128;
  const name = Object.entries(os.constants.signals).find(([, n]) => n === signal)?.[0] ?? `signal ${signal}`;
  switch (name) {
    case 'SIGINT':
      return null;
    case 'SIGXCPU':
      return `stopped: CPU time limit exceeded (${limits.cpuSeconds} s of CPU per process)`;
    case 'SIGKILL':
      return `Killed (SIGKILL), e.g. after the CPU time limit of ${limits.cpuSeconds} s`;
    case 'SIGABRT':
      return `Aborted (SIGABRT); with Node, often the memory limit of ${formatSize(limits.memoryBytes)}`;
    case 'SIGSEGV':
      return `Segmentation fault (SIGSEGV); possibly the memory limit of ${formatSize(limits.memoryBytes)}`;
    case 'SIGXFSZ':
      return 'stopped: a file grew past the size limit (SIGXFSZ)';
    default:
      return `terminated by ${name}`;
  }
}

/** A notice line as terminal text, dimmed so it reads as the playground's and not the program's. */
export function noticeLine(text: string): string {
  return `${DIM}[${text}]${RESET}\r\n`;
}
