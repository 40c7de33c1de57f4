import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { EXIT_KILLED, EXIT_TIMED_OUT, noticeLine, signalMessage, stopExitCode, stopMessage } from './exit-notice.ts';

const limits = { cpuSeconds: 10, memoryBytes: 512 * 1024 * 1024 };
const code = (signal: keyof typeof os.constants.signals) => 128 + os.constants.signals[signal];

describe('stop notices', () => {
  it('say why the runner stopped a run, with the limit', () => {
    expect(stopMessage({ kind: 'wall-time', ms: 30_000, longRunning: false })).toBe(
      'stopped: the program ran for 30 s, the time limit of a run',
    );
    expect(stopMessage({ kind: 'wall-time', ms: 600_000, longRunning: true })).toBe(
      'stopped: a consumer or subscriber may run for 10 min, and that time is up',
    );
    expect(stopMessage({ kind: 'output', bytes: 10 * 1024 * 1024 })).toBe(
      'stopped: the program wrote more than 10 MB of output',
    );
    expect(stopMessage({ kind: 'interrupt-ignored', graceMs: 3000 })).toBe(
      'killed: the program was still running 3 s after Ctrl-C',
    );
    expect(stopMessage({ kind: 'killed', reason: 'the pane was closed' })).toBe('stopped: the pane was closed');
  });

  it('exit 124 for a time-out, 137 for any other stop', () => {
    expect(stopExitCode({ kind: 'wall-time', ms: 1, longRunning: false })).toBe(EXIT_TIMED_OUT);
    expect(stopExitCode({ kind: 'output', bytes: 1 })).toBe(EXIT_KILLED);
    expect(stopExitCode({ kind: 'second-interrupt' })).toBe(137);
  });
});

describe('signalMessage', () => {
  it('names the limit behind SIGXCPU, SIGKILL and SIGABRT', () => {
    expect(signalMessage(code('SIGXCPU'), limits)).toBe('stopped: CPU time limit exceeded (10 s of CPU per process)');
    expect(signalMessage(code('SIGKILL'), limits)).toMatch(/^Killed \(SIGKILL\)/);
    expect(signalMessage(code('SIGABRT'), limits)).toMatch(/memory limit of 512 MB/);
    expect(signalMessage(code('SIGTERM'), limits)).toBe('terminated by SIGTERM');
  });

  it('is silent for normal exits and for Ctrl-C', () => {
    for (const c of [0, 1, 2, 127, 128, code('SIGINT'), 255]) expect(signalMessage(c, limits)).toBeNull();
  });
});

it('a notice is one dimmed line', () => {
  expect(noticeLine('x')).toBe('\x1b[2m[x]\x1b[0m\r\n');
});
