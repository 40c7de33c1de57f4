// A whole private playground, in-process, for lessons:check, tests and benchmarks: the supervisor starts private instances of the four
// services (as `npm start` does) in `dataDir`, and a server on a free loopback port serves them.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlaygroundServer, type PlaygroundServer } from './app.ts';
import { readinessTable, runnerWorkDir, startRunner } from './main.ts';
import { stopLeftovers } from './services/process/leftovers.ts';
import { SERVICES } from './services/registry.ts';
import { Supervisor } from './services/supervisor.ts';
import type { Endpoint, ServiceId } from './services/endpoint.ts';
import { isAlive } from './util/process.ts';
import type { SnippetRunner } from './runner/types.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Stack {
  supervisor: Supervisor;
  app: PlaygroundServer;
  endpoints: Record<ServiceId, Endpoint>;
  baseUrl: string;
  /** The snippet runner the server uses (a classroom server for the tests shares it). */
  runner: SnippetRunner;
  stop(): Promise<void>;
}

export async function startStack(
  dataDir: string,
  log: (line: string) => void,
  options: { classroom?: boolean } = {},
): Promise<Stack> {
  // Always private instances: a developer's URL settings must not leak into tests or benchmarks.
  const env = { ...process.env };
  for (const a of SERVICES.adapters) delete env[a.urlEnv];
  const supervisor = new Supervisor({
    adapters: SERVICES.adapters,
    dataDir,
    env,
    log,
    classroom: options.classroom,
  });
  const statuses = await supervisor.startAll();
  log(`\n${readinessTable(statuses, supervisor.services)}`);
  const failed = SERVICES.names.filter((s) => !statuses[s].ok);
  if (failed.length > 0) {
    await supervisor.stopAll();
    throw new Error(`services did not start: ${failed.map((s) => `${s} (${statuses[s].message})`).join('; ')}`);
  }
  const endpoints = Object.fromEntries(SERVICES.names.map((s) => [s, supervisor.endpoint(s)!]));
  const { executor, problem } = await startRunner(runnerWorkDir(dataDir), { env: {} });
  if (problem) {
    await executor.stop();
    throw new Error(problem);
  }
  const runner = executor.client;
  const app = await createPlaygroundServer({
    supervisor,
    lessonsDir: path.join(ROOT, 'lessons'),
    dataDir,
    clientDir: path.join(ROOT, 'dist', 'client'),
    runner,
    executor: executor.state,
  });
  const port = await app.listen(0, '127.0.0.1');
  return {
    supervisor,
    app,
    runner,
    endpoints,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await app.close();
      await executor.stop();
      await supervisor.stopAll();
      await fs.rm(runnerWorkDir(dataDir), { recursive: true, force: true });
    },
  };
}

/**
 * Each test or benchmark run gets `.playground/<prefix>-<pid>/`, so two runs at once never share or stop each
 * other's instances. Directories of runs whose process is gone are swept, stopping any instance
 * such a crashed run left behind.
 */
export async function freshTestDataDir(prefix = 'test'): Promise<string> {
  const base = path.join(ROOT, '.playground');
  await fs.mkdir(base, { recursive: true });
  for (const name of await fs.readdir(base)) {
    const pid = Number(/^(?:test|bench|lessons)-(\d+)$/.exec(name)?.[1]);
    if (!pid || isAlive(pid)) continue;
    // The shared servers' pid files (`pids/`) and those of classroom workspace managers' learner
    // instances (`…/workspaces/pids/`), anywhere under the run's directory.
    for (const dir of await fs.readdir(path.join(base, name), { recursive: true })) {
      if (path.basename(dir) === 'pids') await stopLeftovers(path.join(base, name, dir));
    }
    await fs.rm(path.join(base, name), { recursive: true, force: true });
  }
  return path.join(base, `${prefix}-${process.pid}`);
}
