// A classroom-mode server for the tests, on the same private services as the single-user one (the
// global setup starts both): its own store and workspaces under `<dataDir>/classroom/`, a fixed
// instructor secret, and a small warm pool.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createPlaygroundServer } from '../app.ts';
import { readClassroomConfig } from '../classroom/config.ts';
import { startClassroom } from '../classroom/index.ts';
import { ROOT, type Stack } from '../stack.ts';

export const TEST_INSTRUCTOR_SECRET = 'test-instructor-secret';

export async function startClassroomServer(
  stack: Stack,
  dataDir: string,
  log: (line: string) => void,
): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const dir = path.join(dataDir, 'classroom');
  await fs.mkdir(dir, { recursive: true });
  const config = readClassroomConfig({ INSTRUCTOR_SECRET: TEST_INSTRUCTOR_SECRET, CLASSROOM_PREWARM: '2' });
  const running = await startClassroom({
    supervisor: stack.supervisor,
    config,
    dataDir: dir,
    lessonsDir: path.join(ROOT, 'lessons'),
    log,
  });
  const app = await createPlaygroundServer({
    supervisor: stack.supervisor,
    lessonsDir: path.join(ROOT, 'lessons'),
    dataDir: dir,
    clientDir: path.join(ROOT, 'dist', 'client'),
    runner: stack.runner,
    classroom: { classroom: running.classroom, secret: running.secret },
  });
  const port = await app.listen(0, '127.0.0.1');
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await app.close();
      await running.close();
    },
  };
}
