// One uid per live sandbox, from a named range (run-limits.ts). RLIMIT_NPROC counts a real uid's
// tasks across the whole host, so a uid of its own is what lets the process limit contain a fork
// bomb to its run; it also keeps runs from signalling or ptracing each other.
//
// Several runners may share the host (a developer's `npm start`, parallel test workers), each with
// its own work directory, so a uid is claimed host-wide: an exclusive lock file named after it in
// LOCK_DIR, holding the claimant's pid. A claim whose process is gone is stale and taken over.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { processesOfUid } from './proc-scan.ts';
import { isAlive } from '../util/process.ts';

/** Host-wide, outside any project tree and outside every sandbox. */
export const LOCK_DIR = path.join(os.tmpdir(), 'service-playground-sandbox-uids');

export class UidAllocator {
  private cursor = 0;

  constructor(
    private readonly first: number,
    private readonly count: number,
    private readonly lockDir = LOCK_DIR,
  ) {}

  /** A uid no other live sandbox on this host has; throws when the whole range is taken. */
  async claim(): Promise<number> {
    await fs.mkdir(this.lockDir, { recursive: true, mode: 0o700 });
    for (let tried = 0; tried < this.count; tried++) {
      // Round robin: a uid just released is the last to be handed out again.
      const uid = this.first + ((this.cursor + tried) % this.count);
      if (await this.tryClaim(uid)) {
        this.cursor = (this.cursor + tried + 1) % this.count;
        return uid;
      }
    }
    throw new Error(`all ${this.count} sandbox uids are in use`);
  }

  async release(uid: number): Promise<void> {
    await fs.rm(this.lockFile(uid), { force: true });
  }

  private lockFile(uid: number): string {
    return path.join(this.lockDir, String(uid));
  }

  private async tryClaim(uid: number): Promise<boolean> {
    const file = this.lockFile(uid);
    try {
      await fs.writeFile(file, String(process.pid), { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await fs.readFile(file, 'utf8').catch(() => ''));
      if (owner && isAlive(owner)) return false;
      // Stale: its server died (and bubblewrap's --die-with-parent took its sandbox along). A
      // process still running under the uid would share the process limit: then leave it alone.
      if ((await processesOfUid(uid)).length > 0) return false;
      await fs.rm(file, { force: true });
      try {
        await fs.writeFile(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      } catch {
        return false; // another runner took it over first
      }
    }
    return true;
  }
}
