import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { epollWatchesStdin, parseSyscall, waitingOnStdin } from './stdin-wait.ts';

describe('parseSyscall', () => {
  it('reads the call number and its first argument', () => {
    expect(parseSyscall('0 0x0 0x7ffd1 0x2000 0x0 0x0 0x0 0x7ffd 0x7f12\n')).toEqual({ nr: 0, fd: 0 });
    expect(parseSyscall('281 0xe 0x7ffd 0x400 0xffffffff 0x0 0x8 0x7ffd 0x7f12')).toEqual({ nr: 281, fd: 14 });
  });

  it('has nothing for a running thread, one outside a call, or a vanished one', () => {
    expect(parseSyscall('running\n')).toBeNull();
    expect(parseSyscall('-1 0x7ffd 0x7f12\n')).toBeNull();
    expect(parseSyscall('')).toBeNull();
  });
});

describe('epollWatchesStdin', () => {
  const fdinfo = (tfds: number[]) =>
    `pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\n${tfds
      .map((t) => `tfd: ${String(t).padStart(8)} events:       19 data:                0  pos:0 ino:2d57 sdev:d`)
      .join('\n')}\n`;

  it('finds fd 0 among the watched fds, and only fd 0', () => {
    expect(epollWatchesStdin(fdinfo([12, 0]))).toBe(true);
    expect(epollWatchesStdin(fdinfo([10, 20, 30]))).toBe(false);
    expect(epollWatchesStdin('')).toBe(false);
  });
});

// Real programs, with a pipe as stdin like a sandboxed run: the kernel's answer, not ours.
describe('waitingOnStdin', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  function start(command: string, args: string[]): ChildProcess {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(child);
    return child;
  }

  /** The answer once the program has settled: polled, as the run session polls it. */
  async function settled(child: ChildProcess, want: boolean): Promise<boolean> {
    let seen = !want;
    for (let i = 0; i < 40 && seen !== want; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await waitingOnStdin(child.pid!);
    }
    return seen;
  }

  const PYTHON = '/usr/bin/python3';

  it("sees Python's input() wait, and not a Python program that sleeps", async () => {
    expect(await settled(start(PYTHON, ['-c', 'input("name? ")']), true)).toBe(true);
    const sleeper = start(PYTHON, ['-c', 'import time; time.sleep(30)']);
    await new Promise((r) => setTimeout(r, 600));
    expect(await waitingOnStdin(sleeper.pid!)).toBe(false);
  });

  it('sees a Node program with a stdin reader, and not one that only waits on a timer', async () => {
    const reader = start(process.execPath, ['-e', "process.stdin.on('data', () => {})"]);
    expect(await settled(reader, true)).toBe(true);
    const timer = start(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    await new Promise((r) => setTimeout(r, 800));
    expect(await waitingOnStdin(timer.pid!)).toBe(false);
  });

  it('stops seeing the wait once the line is read and the program moves on', async () => {
    const child = start(PYTHON, ['-c', 'input(); import time; time.sleep(30)']);
    expect(await settled(child, true)).toBe(true);
    child.stdin!.write('Ada\n');
    expect(await settled(child, false)).toBe(false);
  });

  it('is false for a process that is gone', async () => {
    expect(await waitingOnStdin(2 ** 22 + 12345)).toBe(false);
  });
});
