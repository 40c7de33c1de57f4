// What the benches read from /proc: the machine's busy CPU time, and the memory of a process
// with everything under it (its children, theirs, …).
import fs from 'node:fs/promises';

const TICK_MS = 10;

/** The whole machine's busy CPU time so far (all cores), in ms. */
export async function machineBusyMs(): Promise<number> {
  const first = (await fs.readFile('/proc/stat', 'utf8')).split('\n')[0].split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = first;
  return (user + nice + system + irq + softirq + steal) * TICK_MS;
}

/** `pid` and its descendants. */
export async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await fs.readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]) ?? []));
  return tree;
}

/**
 * The proportional set size (PSS) of `pid` and its descendants, in kB: pages shared between them
 * (a zygote and its clones share most of theirs) count once in all, not once per process.
 */
export async function treePssKb(pid: number): Promise<number> {
  let total = 0;
  for (const p of await processTree(pid)) {
    const rollup = await fs.readFile(`/proc/${p}/smaps_rollup`, 'utf8').catch(() => '');
    total += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
  }
  return total;
}
