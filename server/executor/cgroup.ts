// The executor and everything it starts (the zygote, the sandboxes, the learners' programs) share
// one control group with a small CPU weight and a process cap, so that a class's CPU-bound
// snippets cannot take the cores from the web server, whose terminals must stay quick.
//
// cgroup v1 (the `cpu` and `pids` hierarchies, as on these machines) and v2 (`cpu.weight`,
// `pids.max` in the unified tree) are both used when writable, i.e. as root. Where neither is, the
// runs keep what they always have: nice 19 and per-run rlimits (CPU seconds, processes, memory).
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MAX_CONCURRENT_RUNS, DEFAULT_MAX_PROCESSES } from '../runner/run-limits.ts';

const ROOT = '/sys/fs/cgroup';
export const CGROUP_PREFIX = 'service-playground-executor-';

/** The group's CPU weight against the web server's 1024 (v1 shares; v2 weight is this / 10.24). */
export const EXECUTOR_CPU_SHARES = 128;
/** Processes in the whole group: every live run at its own cap, plus the executor's own. */
export const EXECUTOR_MAX_PIDS = DEFAULT_MAX_CONCURRENT_RUNS * DEFAULT_MAX_PROCESSES + 256;

/** Moves process `pid` into a new group of its own; answers what it did, in words for the log. */
export function joinRunCgroup(pid: number): string {
  const name = `${CGROUP_PREFIX}${pid}`;
  try {
    if (fs.existsSync(path.join(ROOT, 'cgroup.controllers'))) return joinV2(name, pid);
    if (fs.existsSync(path.join(ROOT, 'cpu', 'cpu.shares'))) return joinV1(name, pid);
    return 'no cgroup hierarchy with a cpu controller; runs rely on nice 19 and per-run rlimits';
  } catch (err) {
    return `cannot use cgroups here (${(err as Error).message.split('\n')[0]}); runs rely on nice 19 and per-run rlimits`;
  }
}

function joinV1(name: string, pid: number): string {
  const done: string[] = [];
  for (const [controller, file, value] of [
    ['cpu', 'cpu.shares', String(EXECUTOR_CPU_SHARES)],
    ['pids', 'pids.max', String(EXECUTOR_MAX_PIDS)],
  ] as const) {
    const hierarchy = path.join(ROOT, controller);
    if (!fs.existsSync(path.join(hierarchy, 'cgroup.procs'))) continue;
    removeStale(hierarchy);
    const dir = path.join(hierarchy, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, file), value);
    fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
    done.push(`${file} ${value}`);
  }
  return `runs share cgroup ${name} (v1: ${done.join(', ')})`;
}

function joinV2(name: string, pid: number): string {
  removeStale(ROOT);
  const dir = path.join(ROOT, name);
  fs.mkdirSync(dir, { recursive: true });
  const weight = Math.max(1, Math.round(EXECUTOR_CPU_SHARES / 10.24));
  fs.writeFileSync(path.join(dir, 'cpu.weight'), String(weight));
  fs.writeFileSync(path.join(dir, 'pids.max'), String(EXECUTOR_MAX_PIDS));
  fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
  return `runs share cgroup ${name} (v2: cpu.weight ${weight}, pids.max ${EXECUTOR_MAX_PIDS})`;
}

/** Groups of executors that have ended: an empty group can be removed, a populated one cannot. */
function removeStale(hierarchy: string): void {
  for (const entry of fs.readdirSync(hierarchy)) {
    if (!entry.startsWith(CGROUP_PREFIX)) continue;
    try {
      fs.rmdirSync(path.join(hierarchy, entry));
    } catch {
      // still has processes: another executor's, alive
    }
  }
}
