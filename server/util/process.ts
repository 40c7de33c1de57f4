// Asking about and signalling other processes by pid.
import { readFileSync } from 'node:fs';

/**
 * Whether `pid` runs and is not a zombie. An instance orphaned by a killed server may be
 * reparented to a pid 1 that never reaps it, and kill(pid, 0) still succeeds on those; a process
 * of another user (EPERM) counts as running.
 */
export function isAlive(pid: number | undefined): boolean {
  if (!pid || pid < 1) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // no /proc: kill(0) is all there is to go by
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** Signals the process group `pid` leads (its children too), or the process alone if it leads none. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}
