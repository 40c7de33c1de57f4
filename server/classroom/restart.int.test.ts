// A classroom server killed with SIGKILL and started again on the same data directory: the class,
// the learner's session, progress, saved files and the learner's data are all there. This runs the
// real `server/main.ts --classroom` in a child process (with its own private services).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, freshTestDataDir } from '../stack.ts';
import { ClassroomDriver, Learner } from '../testing/classroom-client.ts';
import { SERVICES } from '../services/registry.ts';

const SECRET = 'restart-test-instructor-secret';
const START_TIMEOUT_MS = 120_000;

let dataDir = '';
const children = new Set<ChildProcess>();

/** Starts the server and answers its base URL once it prints that it is ready. */
async function startServer(): Promise<{ child: ChildProcess; baseUrl: string; log: () => string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    PLAYGROUND_DATA_DIR: dataDir,
    INSTRUCTOR_SECRET: SECRET,
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
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready within ${START_TIMEOUT_MS} ms:\n${out}`)),
      START_TIMEOUT_MS,
    );
    const look = () => {
      const m = /Playground ready at http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before it was ready:\n${out}`));
    });
  });
  return { child, baseUrl, log: () => out };
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

afterAll(async () => {
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
