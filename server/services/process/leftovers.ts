// Pid files, and the leftovers they name. Every daemon the playground runs is in a process group of
// its own, so a server killed with SIGKILL leaves them running. Each one's pid file
// (`<pid>\n<command>\n<port>\n<signal>\n`; the port may be empty) names it; at the next start a live
// process whose command line shows that program (and that port, when there is one) is ours, and is
// stopped with the signal its spec chose — SIGTERM for Redis, which then writes its snapshot
// (shutdown-on-sigterm save), so the keys survive — and SIGKILL if it does not go within the grace
// period. A pid reused by an unrelated process matches neither and is left alone.
import fs from 'node:fs/promises';
import path from 'node:path';
import { sleep } from '../../util/async.ts';
import { isAlive, signalGroup } from '../../util/process.ts';

const EXIT_POLL_MS = 20;
/** How long a leftover gets to go after its signal, before SIGKILL (Redis saves meanwhile). */
const LEFTOVER_GRACE_MS = 10_000;

export interface PidRecord {
  pid: number;
  command: string;
  port?: number;
  stopSignal: 'SIGTERM' | 'SIGKILL';
}

export async function writePidFile(file: string, record: PidRecord): Promise<void> {
  await fs.writeFile(file, `${record.pid}\n${record.command}\n${record.port ?? ''}\n${record.stopSignal}\n`);
}

export function parsePidFile(text: string): PidRecord {
  const [pid, command, port, signal] = text.split('\n');
  return {
    pid: Number(pid),
    command: command ?? '',
    port: port ? Number(port) : undefined,
    stopSignal: signal === 'SIGKILL' ? 'SIGKILL' : 'SIGTERM',
  };
}

/**
 * Whether `pid` is the daemon the pid file describes. memcached keeps its argv (`-p PORT`); Redis
 * retitles itself "redis-server 127.0.0.1:PORT"; without a port the program's name must match.
 */
export async function isOurInstance(pid: number, command: string, port?: number): Promise<boolean> {
  if (!(pid > 1) || !command) return false;
  const cmdline = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
  const program = command.split('/').pop()!;
  if (!cmdline.includes(program)) return false;
  return port === undefined || new RegExp(`(?:^|[\\s:=])${port}(?:\\s|$)`).test(cmdline);
}

/** Stops every leftover named in `pidDir`, in parallel, and removes the files; answers how many there were. */
export async function stopLeftovers(pidDir: string, log: (line: string) => void = () => {}): Promise<number> {
  const names = await fs.readdir(pidDir).catch(() => [] as string[]);
  const stopped = await Promise.all(
    names.map(async (name) => {
      const file = path.join(pidDir, name);
      const record = parsePidFile(await fs.readFile(file, 'utf8').catch(() => ''));
      let ours = false;
      if (await isOurInstance(record.pid, record.command, record.port)) {
        ours = true;
        log(`stopping a leftover ${name.replace(/\.pid$/, '')} (pid ${record.pid}) from an earlier run`);
        signalGroup(record.pid, record.stopSignal);
        const deadline = Date.now() + LEFTOVER_GRACE_MS;
        while (isAlive(record.pid) && Date.now() < deadline) await sleep(EXIT_POLL_MS);
        signalGroup(record.pid, 'SIGKILL');
      }
      await fs.rm(file, { force: true });
      return ours;
    }),
  );
  return stopped.filter(Boolean).length;
}
