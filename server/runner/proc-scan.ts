// Finding processes by uid and family through /proc, as root sees it: the check that a sandbox
// left nothing behind, and the way to a sandbox's program for Ctrl-C.
import fs from 'node:fs/promises';

/**
 * Live pids (host numbering) whose real or effective uid is `uid`. Reads Uid: from status, since a
 * process that made itself non-dumpable shows a root-owned /proc/<pid> directory. Zombies are not
 * counted: they run nothing and hold nothing but a pid, and the sandbox's pid 1 stays one until
 * the host's init reaps it (bubblewrap's outer process exits without waiting for it).
 */
export async function processesOfUid(uid: number): Promise<number[]> {
  const found: number[] = [];
  const names = await fs.readdir('/proc');
  await Promise.all(
    names.map(async (name) => {
      if (!/^\d+$/.test(name)) return;
      let status: string;
      try {
        status = await fs.readFile(`/proc/${name}/status`, 'utf8');
      } catch {
        return; // gone meanwhile
      }
      const m = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
      if (!m || (Number(m[1]) !== uid && Number(m[2]) !== uid)) return;
      if (/^State:\s+[ZX]/m.test(status)) return;
      found.push(Number(name));
    }),
  );
  return found;
}

/** Direct children of a process (needs CONFIG_PROC_CHILDREN, which Debian's kernels have). */
export async function childrenOf(pid: number): Promise<number[]> {
  try {
    const text = await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU time a process has used (user + system), in clock ticks (USER_HZ, 100 a second on Linux); null if gone. */
export async function cpuTicksOf(pid: number): Promise<number | null> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state is field 3, utime and stime fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** A process's group id, from /proc/<pid>/stat (in the reader's pid namespace), or null if gone. */
export async function processGroupOf(pid: number): Promise<number | null> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]);
  } catch {
    return null;
  }
}
