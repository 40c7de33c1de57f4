// The queue in front of real sandboxes, on a runner with one slot so that runs must wait: learners
// take turns, an idle run gives its slot away, a run given up while it waits leaves the queue.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../services/registry.ts';
import { testEndpoint } from '../testing/endpoints.ts';
import { CapturedRun } from './captured-run.ts';
import { createSnippetRunner, type PlaygroundSnippetRunner } from './index.ts';

let runner: PlaygroundSnippetRunner;
let workDir: string;
const endpoints = () => Object.fromEntries(SERVICES.names.map((s) => [s, testEndpoint(s)]));

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-queue-int-'));
  runner = await createSnippetRunner({
    workDir,
    wallTimeMs: 20_000,
    log: () => {},
    poolSize: { python: 3, javascript: 0 },
    queue: { slots: 1, perLearner: 1 },
  });
  await runner.warm();
});

afterAll(async () => {
  await runner?.close();
  await fs.rm(workDir, { recursive: true, force: true });
});

/** Starts a Python run for `learner`; `started` settles when it leaves the queue and starts. */
function start(learner: string, code: string, signal?: AbortSignal) {
  const output = new CapturedRun();
  const started = runner.start(
    { language: 'python', code, files: [], endpoints: endpoints(), learner, signal },
    output,
  );
  started.catch(() => {});
  return { output, started };
}

/** Busy for `seconds` of CPU, then says so: a run that holds its slot all along. */
const busyFor = (seconds: number, label: string) =>
  `import time\nend = time.process_time() + ${seconds}\nwhile time.process_time() < end:\n    pass\nprint("${label} done")`;

describe('the run queue', () => {
  it("a learner's flood delays another learner's run by one run at most", async () => {
    const flood = [0, 1, 2, 3].map((i) => start('flooder', busyFor(0.5, `flood ${i}`)));
    await new Promise((r) => setTimeout(r, 100));
    const other = start('other', 'print("other ran")');
    await other.started;
    expect(await other.output.exited).toBe(0);
    expect(other.output.text).toContain('other ran');
    // It was told its place, behind at most one of the flooder's runs.
    expect(other.output.places.length).toBeGreaterThan(0);
    expect(other.output.places[0]).toBeLessThanOrEqual(1);
    const doneBefore = flood.filter((f) => f.output.code !== null).length;
    expect(doneBefore).toBeLessThanOrEqual(2);
    for (const f of flood) expect(await f.output.exited).toBe(0);
    // The slot is given back once the sandbox is gone, a moment after the exit.
    await expect.poll(() => runner.load()).toEqual({ busy: 0, live: 0, queued: 0 });
  });

  it('a run that sits idle gives its slot to the next one', async () => {
    const sleeper = start('ann', 'import time\nprint("sleeping", flush=True)\ntime.sleep(6)');
    await sleeper.started;
    await sleeper.output.until('sleeping');
    const next = start('bob', 'print("bob ran")');
    await next.started;
    expect(await next.output.exited).toBe(0);
    expect(sleeper.output.code).toBeNull();
    await expect.poll(() => runner.load().live).toBe(1);
    await sleeper.output.exited;
  });

  it('a run given up while it waits never starts', async () => {
    const hog = start('ann', busyFor(1, 'hog'));
    await hog.started;
    const abort = new AbortController();
    const waiting = start('bob', 'print("should not run")', abort.signal);
    await new Promise((r) => setTimeout(r, 100));
    expect(runner.load().queued).toBe(1);
    abort.abort();
    await expect(waiting.started).rejects.toThrow(/given up while it waited/);
    expect(runner.load().queued).toBe(0);
    expect(await hog.output.exited).toBe(0);
    expect(waiting.output.text).toBe('');
  });
});
