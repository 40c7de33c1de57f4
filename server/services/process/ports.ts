// Loopback ports for the daemons the playground runs (shared servers, learners' instances). The
// kernel hands out a free port and forgets it once the probe socket closes, so two daemons started
// at the same moment could be given the same one; ports handed out here stay reserved
// (process-wide: tests run several managers in one process) until their daemon stops for good.
// Another program can still take a port between the check and the bind — a learner's instance then
// fails to start and is retried on a new port (supervised-process.ts' startAttempts).
import { freePort } from '../net-util.ts';

const reserved = new Set<number>();
/** The kernel rarely repeats itself; a few tries are plenty. */
const MAX_TRIES = 20;

export async function reservePort(): Promise<number> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const port = await freePort();
    if (!reserved.has(port)) {
      reserved.add(port);
      return port;
    }
  }
  throw new Error(`no free loopback port after ${MAX_TRIES} tries`);
}

export function releasePort(port: number): void {
  reserved.delete(port);
}
