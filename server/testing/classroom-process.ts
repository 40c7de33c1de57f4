// A classroom server in a child process (`server/main.ts --classroom`, its own private services in
// its own data directory), for the tests that kill it with SIGKILL and start it again on the same
// data: server/classroom/restart.int.test.ts and e2e/classroom-faults.e2e.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from '../stack.ts';
import { SERVICES } from '../services/registry.ts';

/** The private broker and database boot first; a busy machine takes longer. */
const START_TIMEOUT_MS = 120_000;

export interface ClassroomProcess {
  child: ChildProcess;
  baseUrl: string;
  port: number;
  log(): string;
}

const children = new Set<ChildProcess>();

/** Starts the server (on `port`, or any free one with 0) and answers once it prints that it is ready. */
export async function startClassroomProcess(options: {
  dataDir: string;
  secret: string;
  port?: number;
}): Promise<ClassroomProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    PLAYGROUND_DATA_DIR: options.dataDir,
    INSTRUCTOR_SECRET: options.secret,
    CLASSROOM_PREWARM: '0',
  };
  for (const a of SERVICES.adapters) delete env[a.urlEnv];
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--classroom'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const port = Number((await readyLine(child, /Playground ready at http:\/\/localhost:(\d+)/, () => out))[1]);
  return { child, port, baseUrl: `http://127.0.0.1:${port}`, log: () => out };
}

/**
 * Answers the match of `pattern` once the child prints it on stdout; rejects, with what it printed
 * (`output()`), when it exits first or takes longer than START_TIMEOUT_MS.
 */
export function readyLine(child: ChildProcess, pattern: RegExp, output: () => string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready within ${START_TIMEOUT_MS} ms:\n${output()}`)),
      START_TIMEOUT_MS,
    );
    const look = () => {
      const m = pattern.exec(output());
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', look);
        child.off('exit', exited);
        resolve(m);
      }
    };
    const exited = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before it was ready:\n${output()}`));
    };
    child.stdout!.on('data', look);
    child.once('exit', exited);
  });
}

/** SIGKILL, as a crash or the OOM killer would: no cleanup runs. */
export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Stops every server these helpers started (SIGTERM, so each stops its services in order). */
export async function stopClassroomProcesses(): Promise<void> {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
  children.clear();
}
