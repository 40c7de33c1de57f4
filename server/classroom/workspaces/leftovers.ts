// A server killed with SIGKILL leaves its learners' memcached and Redis processes running (they
// are in process groups of their own). Their pid files (`<pid>\n<command>\n<port>\n<signal>\n`)
// name them; a live process whose command line shows that program and port is ours, and is stopped
// with the signal its spec chose — SIGTERM for Redis, which then writes its snapshot
// (shutdown-on-sigterm save), so the keys survive — and SIGKILL if it does not go within the
// grace period.
import fs from 'node:fs/promises';
import path from 'node:path';
import { STOP_GRACE_MS } from './supervised-process.ts';

const EXIT_POLL_MS = 20;

/** Running, and not a zombie that nobody reaps (an orphan's parent may be a pid 1 that does not). */
async function alive(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== '' && state !== 'Z' && state !== 'X';
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}

/**
 * Whether `pid` is the instance the pid file describes. memcached keeps its argv (`-p PORT`); Redis
 * retitles itself "redis-server 127.0.0.1:PORT". A pid reused by an unrelated process fails both.
 */
export async function isOurInstance(pid: number, command: string, port: number): Promise<boolean> {
  if (!(pid > 1) || !command || !(port > 0)) return false;
  const cmdline = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
  const program = command.split('/').pop()!;
  return cmdline.includes(program) && new RegExp(`(?:^|[\\s:])${port}(?:\\s|$)`).test(cmdline);
}

/** Stops every leftover named in `pidDir`, in parallel; answers how many there were. */
export async function stopLeftovers(pidDir: string, log: (line: string) => void): Promise<number> {
  const names = await fs.readdir(pidDir).catch(() => [] as string[]);
  const stopped = await Promise.all(
    names.map(async (name) => {
      const file = path.join(pidDir, name);
      const [pidText, command, portText, stopSignal] = (await fs.readFile(file, 'utf8').catch(() => '')).split('\n');
      const pid = Number(pidText);
      let ours = false;
      if (await isOurInstance(pid, command, Number(portText))) {
        ours = true;
        log(`stopping a leftover ${name.replace(/\.pid$/, '')} (pid ${pid}) from an earlier run`);
        signalGroup(pid, stopSignal === 'SIGKILL' ? 'SIGKILL' : 'SIGTERM');
        const deadline = Date.now() + STOP_GRACE_MS;
        while ((await alive(pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, EXIT_POLL_MS));
        signalGroup(pid, 'SIGKILL');
      }
      await fs.rm(file, { force: true });
      return ours;
    }),
  );
  return stopped.filter(Boolean).length;
}
