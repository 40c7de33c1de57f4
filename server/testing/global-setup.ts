// Global setup of the integration and e2e projects: the same supervisor as `npm start` starts
// private instances of the four services (data in .playground/test/, apart from a developer's own),
// and a playground server on a free port serves the built client and /ws against them.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { SERVICE_NAMES } from '../../shared/services.ts';
import { createPlaygroundServer, type PlaygroundServer } from '../app.ts';
import { readinessTable } from '../main.ts';
import { ADAPTERS } from '../services/registry.ts';
import { Supervisor } from '../services/supervisor.ts';
import type { Endpoint } from '../services/types.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Stack {
  supervisor: Supervisor;
  app: PlaygroundServer;
  endpoints: Record<(typeof SERVICE_NAMES)[number], Endpoint>;
  baseUrl: string;
  users: number;
  dataDir: string;
}

// The integration and e2e projects each run this setup, in the same vitest process; they share one
// stack (held on globalThis, since each project loads this module afresh) instead of booting twice.
const shared = globalThis as { __playgroundTestStack?: Promise<Stack> };

export async function setup(project: TestProject): Promise<void> {
  shared.__playgroundTestStack ??= startStack();
  const stack = await shared.__playgroundTestStack;
  stack.users++;
  project.provide('endpoints', stack.endpoints);
  project.provide('baseUrl', stack.baseUrl);
}

export async function teardown(): Promise<void> {
  const stack = await shared.__playgroundTestStack;
  if (!stack || --stack.users > 0) return;
  shared.__playgroundTestStack = undefined;
  await stack.app.close();
  await stack.supervisor.stopAll();
  await fs.rm(stack.dataDir, { recursive: true, force: true });
}

/**
 * Each test run gets `.playground/test-<pid>/`, so two runs at once (a developer's and an editor's)
 * never share or kill each other's instances. Directories of runs whose process is gone are swept,
 * stopping any instance such a crashed run left behind.
 */
async function freshTestDataDir(): Promise<string> {
  const base = path.join(ROOT, '.playground');
  await fs.mkdir(base, { recursive: true });
  for (const name of await fs.readdir(base)) {
    const pid = Number(/^test-(\d+)$/.exec(name)?.[1]);
    if (!pid || isAlive(pid)) continue;
    const stale = new Supervisor({ adapters: [], dataDir: path.join(base, name) });
    await stale.startAll(); // with no adapters this only stops leftovers named in its pid files
    await fs.rm(path.join(base, name), { recursive: true, force: true });
  }
  return path.join(base, `test-${process.pid}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startStack(): Promise<Stack> {
  const dataDir = await freshTestDataDir();
  // Tests must not pick up a developer's URL settings: they always use private instances.
  const env = { ...process.env };
  for (const a of ADAPTERS) delete env[a.urlEnv];
  const supervisor = new Supervisor({
    adapters: ADAPTERS,
    dataDir,
    env,
    log: (line) => console.log(`[services] ${line}`),
  });
  const statuses = await supervisor.startAll();
  console.log(`[services]\n${readinessTable(statuses)}`);
  const failed = SERVICE_NAMES.filter((s) => !statuses[s].ok);
  if (failed.length > 0) {
    await supervisor.stopAll();
    throw new Error(`services did not start for the tests: ${failed.map((s) => `${s} (${statuses[s].message})`).join('; ')}`);
  }
  const endpoints = Object.fromEntries(SERVICE_NAMES.map((s) => [s, supervisor.endpoint(s)!])) as Stack['endpoints'];
  const app = await createPlaygroundServer({
    supervisor,
    lessonsDir: path.join(ROOT, 'lessons'),
    clientDir: path.join(ROOT, 'dist', 'client'),
  });
  const port = await app.listen(0, '127.0.0.1');
  return { supervisor, app, endpoints, baseUrl: `http://127.0.0.1:${port}`, users: 0, dataDir };
}
