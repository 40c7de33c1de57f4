// The runner's work directory, prepared once per server start:
//
//   <workDir>/runtime/inside/        the launcher, bound read-only at /opt/playground
//   <workDir>/runtime/node_modules/  a copy of the JavaScript client packages, bound at /node_modules
//   <workDir>/runtime/empty/         hides /usr/local
//   <workDir>/sandboxes/<pid>-<uid>/ one per live sandbox: etc/ files and net/ sockets
//
// bubblewrap runs as the sandbox's unprivileged uid, so it must be able to walk to every path it
// binds: each directory on the way needs the "search" bit for others. The check below says so
// plainly at start instead of failing every run.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_ETC_ENTRIES, USR_LINK_NAMES, type HostLayout } from './bwrap-args.ts';
import { packageClosure, RUN_NODE_PACKAGES } from './node-packages.ts';
import { isAlive } from '../util/process.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PROJECT_ROOT = path.resolve(HERE, '../..');
const INSIDE_SOURCES = path.join(HERE, 'inside');
/** Records which package versions the copy holds; a matching stamp skips the copy. */
const STAMP = '.packages.json';

export interface Runtime {
  runtimeDir: string;
  sandboxesDir: string;
  nodeBinary: string;
  host: HostLayout;
}

export async function prepareRuntime(workDir: string, checkReachable: boolean): Promise<Runtime> {
  const runtimeDir = path.join(workDir, 'runtime');
  const sandboxesDir = path.join(workDir, 'sandboxes');
  await fsp.mkdir(workDir, { recursive: true });
  for (const dir of [runtimeDir, path.join(runtimeDir, 'empty'), sandboxesDir]) {
    await fsp.mkdir(dir, { recursive: true });
    // Others may pass through (bubblewrap as the sandbox uid) but not list.
    await fsp.chmod(dir, 0o711);
  }
  await fsp.chmod(workDir, 0o711);
  await fsp.cp(INSIDE_SOURCES, path.join(runtimeDir, 'inside'), { recursive: true, force: true });
  await copyNodePackages(runtimeDir);
  await sweepSandboxDirs(sandboxesDir);
  const nodeBinary = fs.realpathSync(process.execPath);
  if (checkReachable) {
    for (const p of [runtimeDir, sandboxesDir, nodeBinary]) assertReachableByOthers(p);
  }
  return { runtimeDir, sandboxesDir, nodeBinary, host: hostLayout() };
}

async function copyNodePackages(runtimeDir: string): Promise<void> {
  const packages = packageClosure(PROJECT_ROOT, RUN_NODE_PACKAGES);
  const target = path.join(runtimeDir, 'node_modules');
  const stamp = JSON.stringify(packages);
  const current = await fsp.readFile(path.join(target, STAMP), 'utf8').catch(() => null);
  if (current === stamp) return;
  const staging = `${target}.copying`;
  await fsp.rm(staging, { recursive: true, force: true });
  for (const { name } of packages) {
    await fsp.cp(path.join(PROJECT_ROOT, 'node_modules', name), path.join(staging, name), { recursive: true });
  }
  await fsp.writeFile(path.join(staging, STAMP), stamp);
  await fsp.chmod(staging, 0o755);
  await fsp.rm(target, { recursive: true, force: true });
  await fsp.rename(staging, target);
}

/** Sandbox directories whose server process is gone (a crash): their sandboxes died with it. */
async function sweepSandboxDirs(sandboxesDir: string): Promise<void> {
  for (const name of await fsp.readdir(sandboxesDir)) {
    const pid = Number(/^(\d+)-/.exec(name)?.[1]);
    if (pid && isAlive(pid)) continue;
    await fsp.rm(path.join(sandboxesDir, name), { recursive: true, force: true });
  }
}

function hostLayout(): HostLayout {
  const usrLinks: Record<string, string> = {};
  for (const name of USR_LINK_NAMES) {
    try {
      const stat = fs.lstatSync(`/${name}`);
      usrLinks[name] = stat.isSymbolicLink() ? fs.readlinkSync(`/${name}`) : 'dir';
    } catch {
      // not on this host
    }
  }
  const etcEntries = HOST_ETC_ENTRIES.filter((e) => fs.existsSync(`/etc/${e}`));
  return { usrLinks, etcEntries };
}

/** Throws unless every directory from / down to `p` lets others search it (and `p` itself is readable). */
export function assertReachableByOthers(p: string): void {
  const parts = path.resolve(p).split(path.sep).filter(Boolean);
  let dir = '/';
  for (const part of parts) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `${dir} (mode ${(mode & 0o777).toString(8)}) does not let other users pass: the snippet sandbox runs ` +
          `as an unprivileged uid and cannot reach ${p}. Use a work directory whose parents have o+x.`,
      );
    }
    dir = path.join(dir, part);
  }
  if ((fs.statSync(p).mode & 0o004) === 0 && !fs.statSync(p).isDirectory()) {
    throw new Error(`${p} is not readable by other users; the snippet sandbox cannot use it`);
  }
}
