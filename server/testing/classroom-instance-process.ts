// A classroom instance on the shared backends in a child process (classroom-instance-main.ts), for
// the failover test and bench/instances.ts: `kill()` takes it down as a machine that dies would —
// SIGKILL to the app, and to the memcached and Redis it ran for its learners, with no cleanup and
// no goodbye on the event channel.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isOurInstance, parsePidFile } from '../services/process/leftovers.ts';
import { ROOT } from '../stack.ts';
import { signalGroup } from '../util/process.ts';
import type { SharedBackends } from './classroom-instances.ts';
import { killHard, readyLine } from './classroom-process.ts';

export interface InstanceProcess {
  name: string;
  baseUrl: string;
  child: ChildProcess;
  /** SIGKILL to the app and to its learners' servers at once. */
  kill(): Promise<void>;
  /** SIGTERM: it stops in order and removes its data directory. */
  stop(): Promise<void>;
  log(): string;
}

export async function startInstanceProcess(name: string, backends: SharedBackends): Promise<InstanceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/testing/classroom-instance-main.ts'], {
    cwd: ROOT,
    env: { ...process.env, CLASSROOM_INSTANCE: JSON.stringify({ name, backends }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const [, baseUrl, dataDir] = await readyLine(child, /serves at (\S+) from (\S+)\n/, () => out);
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    name,
    baseUrl,
    child,
    log: () => out,
    async kill() {
      // Each learner server is in a process group of its own (supervised-process.ts): they outlive
      // the app unless signalled, as they would not outlive its machine. Their pid files name them.
      const pids = path.join(dataDir, 'workspaces', 'pids');
      const groups: number[] = [];
      for (const file of await fs.readdir(pids).catch(() => [] as string[])) {
        const record = parsePidFile(await fs.readFile(path.join(pids, file), 'utf8').catch(() => ''));
        if (await isOurInstance(record.pid, record.command, record.port)) groups.push(record.pid);
      }
      await killHard(child);
      for (const pid of groups) signalGroup(pid, 'SIGKILL');
      await fs.rm(dataDir, { recursive: true, force: true });
    },
    async stop() {
      if (gone()) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
