// "Survives kill -9 with nothing lost", tested the only way that means anything: a child process
// (kill9-writer.ts) writes through a real store and prints one line after each write resolved; the
// test SIGKILLs it after a random number of lines, opens the store again and checks that every
// write that was acknowledged is there. The write in flight at the kill may or may not have landed,
// but never half.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import {
  at,
  CHECKED_STEP,
  classId,
  files,
  LESSON,
  learnerId,
  WRITE_KINDS,
  workspaceId,
  type WriteKind,
} from './kill9-workload.ts';
import type { ClassroomStore } from '../../classroom/store/types.ts';

export type StoreKind = 'sqlite' | 'mysql';

const WRITER = fileURLToPath(new URL('./kill9-writer.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface KilledRun {
  /** Writes acknowledged before the kill, in order. */
  acks: Array<{ kind: WriteKind; i: number }>;
  killAfter: number;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Starts the writer, SIGKILLs it once it has acknowledged `killAfter` writes, and answers every
 * acknowledgement it printed (the pipe keeps what was written before the kill).
 */
export function runAndKill(options: {
  kind: StoreKind;
  target: string;
  round: number;
  killAfter: number;
}): Promise<KilledRun> {
  const { kind, target, round, killAfter } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, kind, String(round)], {
      cwd: REPO_ROOT,
      // The target (a URL with a password, for MySQL) goes by environment, not by argv: not in `ps`.
      env: { ...process.env, KILL9_STORE_TARGET: target },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: KilledRun['acks'] = [];
    let stderr = '';
    let pending = '';
    let ready = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') {
          ready = true;
          continue;
        }
        const [k, n] = line.split(' ');
        if (!ready || !WRITE_KINDS.includes(k as WriteKind) || !/^\d+$/.test(n)) {
          child.kill('SIGKILL');
          reject(new Error(`writer printed ${JSON.stringify(line)}`));
          return;
        }
        acks.push({ kind: k as WriteKind, i: Number(n) });
        if (acks.length === killAfter) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ acks, killAfter, signal, stderr }));
  });
}

/**
 * Every acknowledged write of the round is in the store. The writes are sequential, so the
 * acknowledged ones are a prefix of the workload; only the one after it may have landed unannounced.
 */
export async function expectAcknowledged(store: ClassroomStore, round: number, run: KilledRun): Promise<void> {
  const context = `round ${round}, killed after ${run.killAfter} acks`;
  expect(run.signal, `${context}: the writer should have been killed; stderr: ${run.stderr}`).toBe('SIGKILL');
  expect(run.acks.length, context).toBeGreaterThanOrEqual(run.killAfter);
  run.acks.forEach((ack, n) => {
    expect(ack, `${context}: acks in workload order`).toEqual({
      kind: WRITE_KINDS[n % WRITE_KINDS.length],
      i: Math.floor(n / WRITE_KINDS.length),
    });
  });

  const last = new Map<WriteKind, number>();
  for (const ack of run.acks) last.set(ack.kind, ack.i);
  const upTo = (kind: WriteKind) => last.get(kind) ?? -1;

  for (let i = 0; i <= upTo('class'); i++) {
    expect(await store.classById(classId(round, i)), `${context}: class ${i}`).toStrictEqual({
      id: classId(round, i),
      name: `Class ${i}`,
      code: `R${round}C${i}`,
      createdAt: at(i),
      archivedAt: null,
    });
  }
  for (let i = 0; i <= upTo('learner'); i++) {
    const learner = await store.learnerById(learnerId(round, i));
    expect(learner?.name, `${context}: learner ${i}`).toBe(`Learner ${i}`);
    expect(learner?.classId, `${context}: learner ${i}`).toBe(classId(round, i));
  }
  for (let i = 0; i <= upTo('files'); i++) {
    expect(await store.filesOf(learnerId(round, i), LESSON), `${context}: files ${i}`).toStrictEqual({
      files: files(round, i),
      savedAt: at(i),
    });
  }
  for (let i = 0; i <= upTo('workspace'); i++) {
    expect(await store.workspaceById(workspaceId(round, i)), `${context}: workspace ${i}`).toStrictEqual({
      id: workspaceId(round, i),
      learnerId: learnerId(round, i),
      secrets: { mysql: `pw-${i}` },
      createdAt: at(i),
    });
  }

  const checks = upTo('check') + 1;
  if (checks > 0) {
    const step = (await store.stepsOf(learnerId(round, 0))).find((s) => s.step === CHECKED_STEP);
    // Acknowledged attempts all counted; at most the one in flight besides.
    expect([checks, checks + 1], `${context}: attempts ${step?.attempts}`).toContain(step?.attempts);
    expect(step!.doneAt, context).toBe(at(0));
    expect(step!.lastAttemptAt, context).toBe(at(step!.attempts - 1));
  }
  if (upTo('touch') >= 0) {
    const lastActive = (await store.learnerById(learnerId(round, 0)))?.lastActiveAt;
    expect([at(upTo('touch')), at(upTo('touch') + 1)], `${context}: touch ${lastActive}`).toContain(lastActive);
  }
  if (upTo('meta') >= 0) {
    const value = await store.getMeta(`round-${round}`);
    expect([String(upTo('meta')), String(upTo('meta') + 1)], `${context}: meta ${value}`).toContain(value);
  }
}

/** A kill point: at least one whole iteration, and at most a few seconds of writing. */
export function randomKillPoint(): number {
  return WRITE_KINDS.length + Math.floor(Math.random() * 1_500);
}
