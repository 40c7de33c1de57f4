// What only the fork path can get wrong: every Python run is a clone of the same zygote, so nothing
// one run leaves (files, environment, module state, listening sockets, children) may reach the
// next; and the zygote killed with -9 mid-run ends the runs it had with a message and is back
// within 2 s. (sandbox.int.test.ts holds the rest of the sandbox's promises, for both paths.)
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../services/registry.ts';
import { testEndpoint } from '../testing/endpoints.ts';
import { CapturedRun } from './captured-run.ts';
import { createSnippetRunner, type PlaygroundSnippetRunner } from './index.ts';
import { childrenOf, processesOfUid } from './proc-scan.ts';

let runner: PlaygroundSnippetRunner;
let workDir: string;
const endpoints = () => Object.fromEntries(SERVICES.names.map((s) => [s, testEndpoint(s)]));

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-zygote-int-'));
  runner = await createSnippetRunner({ workDir, wallTimeMs: 20_000, log: () => {}, python: 'zygote' });
  await runner.warm();
});

afterAll(async () => {
  await runner?.close();
  await fs.rm(workDir, { recursive: true, force: true });
});

async function start(code: string) {
  const output = new CapturedRun();
  const { run } = await runner.start({ language: 'python', code, files: [], endpoints: endpoints() }, output);
  return { output, run };
}

/** The zygote: the one child of this process running zygote.py. */
async function zygotePid(): Promise<number> {
  for (const pid of await childrenOf(process.pid)) {
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('zygote.py')) return pid;
  }
  throw new Error('no zygote among the children of this process');
}

describe('runs cloned from the zygote (as root, as the server runs)', () => {
  it('leave nothing to the next run: files, environment, modules, sockets, children', async () => {
    const first = await start(
      [
        'import os, socket, subprocess, sys, json, xml.dom.minidom, redis',
        'open("left.txt", "w").write("x"); open("/tmp/left.txt", "w").write("x"); open("/dev/shm/left", "w").write("x")',
        'os.environ["LEFT"] = "x"',
        'redis.LEFT = "x"; json.LEFT = "x"; sys.LEFT = "x"',
        'listener = socket.socket(); listener.bind(("127.0.0.1", 47001)); listener.listen()',
        'subprocess.Popen(["sleep", "30"], start_new_session=True)',
        'print("left", flush=True)',
      ].join('\n'),
    );
    await first.output.until('left');
    expect(await first.output.exited).toBe(0);
    const second = await start(
      [
        'import os, socket, sys, json, redis',
        'try:',
        '    socket.create_connection(("127.0.0.1", 47001), timeout=1); port = "open"',
        'except OSError as e:',
        '    port = e.strerror',
        'print(json.dumps({',
        '  "home": sorted(os.listdir(".")), "tmp": os.listdir("/tmp"), "shm": os.listdir("/dev/shm"),',
        '  "env": "LEFT" in os.environ,',
        '  "modules": [hasattr(m, "LEFT") for m in (redis, json, sys)] + ["xml.dom.minidom" in sys.modules],',
        '  "port": port,',
        '  "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),',
        '}))',
      ].join('\n'),
    );
    expect(await second.output.exited).toBe(0);
    expect(JSON.parse(second.output.text.trim().split('\r\n').pop()!)).toEqual({
      home: ['main.py'],
      tmp: [],
      shm: [],
      env: false,
      modules: [false, false, false, false],
      port: 'Connection refused',
      pids: [1],
    });
    // The first run's child went with it.
    expect(await processesOfUid(first.run.uid)).toEqual([]);
  });

  it('a zygote killed mid-run ends its runs with a message, is back within 2 s, and runs again', async () => {
    const { output } = await start('import time\nprint("waiting", flush=True)\ntime.sleep(30)');
    await output.until('waiting');
    const killedAt = Date.now();
    process.kill(await zygotePid(), 'SIGKILL');
    expect(await output.exited).toBe(137);
    expect(output.text).toContain('the Python zygote ended during the run');
    let next: Awaited<ReturnType<typeof start>> | null = null;
    while (Date.now() - killedAt < 5_000) {
      const attempt = await start('print("back")');
      if ((await attempt.output.exited) === 0) {
        next = attempt;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(next?.output.text).toContain('back');
    expect(Date.now() - killedAt).toBeLessThan(2_000);
  });
});
