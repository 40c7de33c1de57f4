// Whether a program is blocked waiting for what the learner types, read from /proc as root sees
// it (the same access as Ctrl-C's process-group lookup). Nothing is asked of the program: the
// kernel says which system call each of its threads sleeps in.
//   - Python's input() and sys.stdin.read*() sleep in read(2) on fd 0.
//   - Node reads stdin through libuv's epoll: the loop sleeps in epoll_wait/epoll_pwait on an epoll
//     set that holds fd 0 only while a reader (readline, a 'data' listener) wants input.
// A program busy computing, sleeping, or waiting on a socket (a consumer) is not waiting for input.
import fs from 'node:fs/promises';

interface SyscallNumbers {
  read: number[];
  epoll: number[];
}

/** Linux system call numbers of the two architectures the playground runs on. */
const SYSCALLS: Partial<Record<NodeJS.Architecture, SyscallNumbers>> = {
  // read, pread64, readv | epoll_wait, epoll_pwait, epoll_pwait2
  x64: { read: [0, 17, 19], epoll: [232, 281, 441] },
  // read, readv, pread64 | epoll_pwait, epoll_pwait2
  arm64: { read: [63, 65, 67], epoll: [22, 441] },
};

const STDIN_FD = 0;

/**
 * True when some thread of `pid` is asleep reading fd 0, directly or through an epoll set that
 * watches it. False when it is not, when the process is gone, or on an architecture not listed.
 */
export async function waitingOnStdin(pid: number, arch: NodeJS.Architecture = process.arch): Promise<boolean> {
  const numbers = SYSCALLS[arch];
  if (!numbers) return false;
  let tasks: string[];
  try {
    tasks = await fs.readdir(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  for (const tid of tasks) {
    const call = parseSyscall(await readOr(`/proc/${pid}/task/${tid}/syscall`));
    if (!call) continue;
    if (numbers.read.includes(call.nr) && call.fd === STDIN_FD) return true;
    if (numbers.epoll.includes(call.nr) && epollWatchesStdin(await readOr(`/proc/${pid}/fdinfo/${call.fd}`))) {
      return true;
    }
  }
  return false;
}

/**
 * "/proc/<pid>/task/<tid>/syscall" of a sleeping thread: the call's number, then its arguments in
 * hex ("0 0x0 0x7f… 0x2000 …"). A running thread shows "running", one not in a call "-1 …".
 */
export function parseSyscall(text: string): { nr: number; fd: number } | null {
  const [nr, first] = text.trim().split(' ');
  if (!/^\d+$/.test(nr ?? '') || !/^0x[0-9a-f]+$/i.test(first ?? '')) return null;
  return { nr: Number(nr), fd: Number.parseInt(first!.slice(2), 16) };
}

/** An epoll fd's fdinfo lists one "tfd:" line per watched fd. */
export function epollWatchesStdin(fdinfo: string): boolean {
  return new RegExp(`^tfd:\\s+${STDIN_FD}\\s`, 'm').test(fdinfo);
}

async function readOr(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return ''; // the thread or fd went away meanwhile
  }
}
