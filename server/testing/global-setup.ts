// Global setup of the integration and e2e projects: one whole playground (see stack.ts) on private
// instances in `.playground/test-<pid>/`, apart from a developer's own `npm start`.
import fs from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { sharedAdminFromSupervisor } from '../classroom/workspaces/shared-admin.ts';
import { freshTestDataDir, startStack, type Stack } from '../stack.ts';
import { TEST_INSTRUCTOR_SECRET, startClassroomServer } from './classroom-stack.ts';

interface Shared {
  stack: Stack;
  classroom: { baseUrl: string; stop(): Promise<void> };
  dataDir: string;
  users: number;
}

// The integration and e2e projects each run this setup, in the same vitest process; they share one
// stack (held on globalThis, since each project loads this module afresh) instead of booting twice.
const holder = globalThis as { __playgroundTestStack?: Promise<Shared> };

export async function setup(project: TestProject): Promise<void> {
  holder.__playgroundTestStack ??= (async () => {
    const dataDir = await freshTestDataDir();
    // The management API lets the classroom's workspace tests make learners' vhosts and users.
    const stack = await startStack(dataDir, (line) => console.log(`[services] ${line}`), { classroom: true });
    const classroom = await startClassroomServer(stack, dataDir, (line) => console.log(`[classroom] ${line}`));
    return { stack, classroom, dataDir, users: 0 };
  })();
  const shared = await holder.__playgroundTestStack;
  shared.users++;
  project.provide('endpoints', shared.stack.endpoints);
  const { supervisor } = shared.stack;
  project.provide('serviceAdmins', Object.fromEntries(supervisor.services.names.map((s) => [s, supervisor.admin(s)])));
  project.provide('baseUrl', shared.stack.baseUrl);
  project.provide('classroomBaseUrl', shared.classroom.baseUrl);
  project.provide('instructorSecret', TEST_INSTRUCTOR_SECRET);
  project.provide('sharedAdmin', sharedAdminFromSupervisor(shared.stack.supervisor, {}));
}

export async function teardown(): Promise<void> {
  const shared = await holder.__playgroundTestStack;
  if (!shared || --shared.users > 0) return;
  holder.__playgroundTestStack = undefined;
  await shared.classroom.stop();
  await shared.stack.stop();
  await fs.rm(shared.dataDir, { recursive: true, force: true });
}
