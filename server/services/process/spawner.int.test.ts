// The daemons' spawner: what SupervisedProcess relies on from a ChildProcess, from a process that
// is not the web server's child.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processGroupOf } from '../../runner/proc-scan.ts';
import { spawnDaemon, type DaemonChild } from './spawner.ts';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-spawner-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const exited = (d: DaemonChild) =>
  new Promise<[number | null, string | null]>((resolve) => d.once('exit', (code, signal) => resolve([code, signal])));

function daemon(script: string, log = path.join(dir, 'log')) {
  return spawnDaemon({
    command: '/bin/sh',
    args: ['-c', script],
    cwd: dir,
    env: { PATH: '/usr/bin:/bin' },
    logFile: log,
  });
}

describe('spawnDaemon', () => {
  it('starts a daemon in a session of its own, its output appended to the log, and reports its exit code', async () => {
    const log = path.join(dir, 'one.log');
    await fs.writeFile(log, 'before\n');
    const d = daemon('echo "out $PATH"; echo err >&2; sleep 0.2; exit 3', log);
    const end = exited(d);
    await d.started;
    expect(d.pid).toBeGreaterThan(0);
    expect(await processGroupOf(d.pid!)).toBe(d.pid);
    // Not this process's child: the spawner forked it, not this event loop.
    const stat = await fs.readFile(`/proc/${d.pid}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])).not.toBe(process.pid);
    expect(await end).toEqual([3, null]);
    expect(d.exitCode).toBe(3);
    expect(await fs.readFile(log, 'utf8')).toBe('before\nout /usr/bin:/bin\nerr\n');
  });

  it('reports a daemon killed by a signal with its name', async () => {
    const d = daemon('sleep 30');
    const end = exited(d);
    await d.started;
    process.kill(-d.pid!, 'SIGKILL');
    expect(await end).toEqual([null, 'SIGKILL']);
    expect(d.signalCode).toBe('SIGKILL');
  });

  it('says what is wrong with a command that cannot start, as spawn() does', async () => {
    const d = spawnDaemon({
      command: path.join(dir, 'missing'),
      args: [],
      cwd: dir,
      env: {},
      logFile: path.join(dir, 'log'),
    });
    const error = new Promise<Error>((resolve) => d.once('error', resolve));
    await d.started;
    expect(d.pid).toBeUndefined();
    expect((await error).message).toBe(`spawn ${path.join(dir, 'missing')} ENOENT`);
  });
});
