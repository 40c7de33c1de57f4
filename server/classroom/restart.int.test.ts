// A classroom server killed with SIGKILL and started again on the same data directory: the class,
// the learner's session, progress, saved files and the learner's data are all there. This runs the
// real `server/main.ts --classroom` in a child process (with its own private services).
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshTestDataDir } from '../stack.ts';
import { ClassroomDriver, Learner } from '../testing/classroom-client.ts';
import { killHard, startClassroomProcess, stopClassroomProcesses } from '../testing/classroom-process.ts';

const SECRET = 'restart-test-instructor-secret';

let dataDir = '';
const startServer = () => startClassroomProcess({ dataDir, secret: SECRET });

afterAll(async () => {
  await stopClassroomProcesses();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('a classroom server killed with SIGKILL', () => {
  it('comes back with the class, the learner, their progress, saved files and data', async () => {
    dataDir = path.join(await freshTestDataDir('test'), 'restart');
    await fs.mkdir(dataDir, { recursive: true });
    const first = await startServer();
    const driver = new ClassroomDriver(first.baseUrl, SECRET);
    const klass = await driver.createClass('Persistence');
    const learner = await driver.join(klass.code, 'Grace');
    const ws = await learner.connect();
    await ws.open('redis', 'redis', 20_000);
    await ws.open('mysql', 'mysql', 20_000);
    await ws.run('redis', 'SET survives yes');
    await ws.run('mysql', 'CREATE TABLE notes (n INT);');
    await ws.run('mysql', 'INSERT INTO notes VALUES (42);');
    const saved = await learner.fetch('/api/files', {
      method: 'PUT',
      body: JSON.stringify({ lesson: 'redis/strings', files: [{ name: 'main.py', content: 'print("kept")' }] }),
    });
    expect(saved.status).toBe(200);
    await learner.fetch('/api/progress/current', {
      method: 'PUT',
      body: JSON.stringify({ lesson: 'memcached/' + (await firstLesson(learner)) }),
    });
    ws.close();

    await killHard(first.child);
    const second = await startServer();
    const again = new ClassroomDriver(second.baseUrl, SECRET);
    const sameLearner = new Learner(second.baseUrl, learner.cookie, learner.session);

    const classes = (await (await again.instructor('/api/classes')).json()) as {
      classes: Array<{ code: string; learners: number }>;
    };
    expect(classes.classes).toEqual([expect.objectContaining({ code: klass.code, learners: 1 })]);
    expect(await (await sameLearner.fetch('/api/session')).json()).toMatchObject({
      role: 'learner',
      learner: { name: 'Grace' },
    });
    const files = (await (await sameLearner.fetch('/api/files?lesson=redis/strings')).json()) as {
      files: Array<{ content: string }>;
    };
    expect(files.files[0].content).toBe('print("kept")');
    const course = (await (await sameLearner.fetch('/api/course')).json()) as { progress: { current: string | null } };
    expect(course.progress.current).toMatch(/^memcached\//);

    const ws2 = await sameLearner.connect();
    await ws2.open('redis', 'redis', 30_000);
    await ws2.open('mysql', 'mysql', 30_000);
    expect(await ws2.run('redis', 'GET survives')).toContain('"yes"');
    expect(await ws2.run('mysql', 'SELECT n FROM notes;')).toContain('42');
    ws2.close();
  }, 300_000);
});

async function firstLesson(learner: Learner): Promise<string> {
  const course = (await (await learner.fetch('/api/course')).json()) as {
    courses: Array<{ slug: string; lessons: Array<{ slug: string }> }>;
  };
  return course.courses.find((c) => c.slug === 'memcached')!.lessons[0].slug;
}
