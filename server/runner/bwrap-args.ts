// The bubblewrap command line of one sandbox. Pure: what to expose is decided here from a few facts
// about the host, and a unit test pins it (see sandbox.ts for the threat model this implements).
import type { RunLanguage } from '../../shared/protocol.ts';

export const BWRAP = '/usr/bin/bwrap';
/** Debian's interpreter, which has Debian's python3-* client libraries (the first python3 on PATH may not). */
export const PYTHON = '/usr/bin/python3';

/** Paths inside the sandbox. */
export const INSIDE = {
  home: '/home/learner',
  /** The launcher (read-only). */
  bin: '/opt/playground',
  /** The JavaScript client packages; Node finds /node_modules from any file under /home for require and import alike. */
  nodeModules: '/node_modules',
  /** The Node binary the server itself runs on. */
  node: '/opt/node/bin/node',
  /** The unix sockets of the run's forwarded services. */
  net: '/run/playground',
} as const;

export const SANDBOX_HOSTNAME = 'playground';

/** The PATH programs see: the system's binaries, nothing of the project or of /usr/local. */
export const INSIDE_PATH = '/usr/bin:/bin';

/**
 * /etc entries bound from the host when present: the dynamic linker's cache, the time zone and
 * Python's site configuration. Everything else in /etc (shadow, ssh keys, service configs) stays out.
 */
export const HOST_ETC_ENTRIES = ['ld.so.cache', 'localtime', 'alternatives', 'python3', 'python3.11'];

/** The top-level links of a merged-/usr system (or directories on an older layout). */
export const USR_LINK_NAMES = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

export interface HostLayout {
  /** For each of USR_LINK_NAMES present on the host: a symlink target ("usr/bin") or "dir". */
  usrLinks: Record<string, string>;
  /** The HOST_ETC_ENTRIES that exist. */
  etcEntries: string[];
}

export interface SandboxPaths {
  /** Read-only runtime of this runner: inside/ (launcher), node_modules/, empty/. */
  runtimeDir: string;
  /** This sandbox's own host directory: etc/ (passwd, group, hosts, nsswitch.conf) and net/ (sockets). */
  sandboxDir: string;
  /** The Node binary to run JavaScript with (process.execPath, resolved). */
  nodeBinary: string;
}

export interface TmpfsSizes {
  homeBytes: number;
  tmpBytes: number;
}

export function bwrapArgs(
  language: RunLanguage,
  paths: SandboxPaths,
  host: HostLayout,
  sizes: TmpfsSizes,
  niceness: number,
): string[] {
  // prettier-ignore
  const args: string[] = [
    // New user, pid, net, ipc, uts and cgroup namespaces; no user namespaces inside (less kernel
    // surface for an exploit); killed with its parent; a session of its own, so no terminal of
    // the server's can be reached (TIOCSTI).
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--hostname', SANDBOX_HOSTNAME,
    // The system, read-only. /usr/local is hidden: only Debian's interpreter and packages.
    '--ro-bind', '/usr', '/usr',
    '--ro-bind', `${paths.runtimeDir}/empty`, '/usr/local',
  ];
  for (const [name, target] of Object.entries(host.usrLinks)) {
    if (target === 'dir') args.push('--ro-bind', `/${name}`, `/${name}`);
    else args.push('--symlink', target, `/${name}`);
  }
  for (const entry of host.etcEntries) args.push('--ro-bind', `/etc/${entry}`, `/etc/${entry}`);
  for (const file of ['passwd', 'group', 'hosts', 'nsswitch.conf']) {
    args.push('--ro-bind', `${paths.sandboxDir}/etc/${file}`, `/etc/${file}`);
  }
  // prettier-ignore
  args.push(
    '--proc', '/proc',
    '--dev', '/dev',
    // Sizes before each tmpfs: bubblewrap's default is half of the RAM.
    '--size', String(sizes.tmpBytes), '--tmpfs', '/dev/shm',
    '--remount-ro', '/dev',
    '--size', String(sizes.homeBytes), '--tmpfs', INSIDE.home,
    '--size', String(sizes.tmpBytes), '--tmpfs', '/tmp',
    '--ro-bind', `${paths.runtimeDir}/inside`, INSIDE.bin,
    '--ro-bind', `${paths.sandboxDir}/net`, INSIDE.net,
  );
  if (language === 'javascript') {
    args.push('--ro-bind', `${paths.runtimeDir}/node_modules`, INSIDE.nodeModules);
    args.push('--ro-bind', paths.nodeBinary, INSIDE.node);
  }
  // prettier-ignore
  args.push(
    // The root itself (a tmpfs bubblewrap made, without a size cap) becomes read-only.
    '--remount-ro', '/',
    '--chdir', INSIDE.home,
    '--setenv', 'HOME', INSIDE.home,
    '--setenv', 'PATH', INSIDE_PATH,
    '--setenv', 'LANG', 'C.UTF-8',
    '--',
    PYTHON, '-I', '-u', `${INSIDE.bin}/launcher.py`, language, String(niceness),
  );
  return args;
}

/** The small /etc files each sandbox gets: its user, loopback names, and files-only name lookup. */
export function etcFiles(uid: number): Record<string, string> {
  return {
    passwd: `root:x:0:0:root:/root:/usr/sbin/nologin\nlearner:x:${uid}:${uid}:learner:${INSIDE.home}:/bin/sh\n`,
    group: `root:x:0:\nlearner:x:${uid}:\n`,
    // Only IPv4: the forwarder listens on 127.0.0.1, and Node tries ::1 first when "localhost" has both.
    hosts: `127.0.0.1\tlocalhost ${SANDBOX_HOSTNAME}\n`,
    'nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files\n',
  };
}
