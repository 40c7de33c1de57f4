// Hostile snippets against the real sandbox (sandbox.ts has the threat model): each test attacks
// one wall and asserts that it held, that the run ended with a clear last line, and that nothing
// of the run is left running. Short limits (options) keep the whole file fast. The runs go the way
// the web server's go: through an executor process (executor/), over its protocol.
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceName } from '../../shared/protocol.ts';
import { SERVICES } from '../services/registry.ts';
import type { Endpoint } from '../services/endpoint.ts';
import { testEndpoint } from '../testing/endpoints.ts';
import { CapturedRun } from './captured-run.ts';
import { startTestExecutor } from '../testing/executor.ts';
import type { PlaygroundSnippetRunner } from './index.ts';
import { processesOfUid } from './proc-scan.ts';
import { DEFAULT_UID_RANGE } from './run-limits.ts';
import { PROJECT_ROOT } from './runtime-dir.ts';
import type { RunRequest } from './types.ts';

const WALL_MS = 4_000;
const LONG_WALL_MS = 6_000;
const CPU_SECONDS = 1;
const MAX_OUTPUT = 1024 * 1024;
const GRACE_MS = 1_000;
const MEMORY = 256 * 1024 * 1024;
/** A variable only the server's process has: it must not be found anywhere inside. */
const SECRET = `server-secret-${process.pid}-${Date.now()}`;

let runner: PlaygroundSnippetRunner;
let workDir: string;
let endpoints: Record<ServiceName, Endpoint>;

beforeAll(async () => {
  process.env.PLAYGROUND_TEST_SECRET = SECRET;
  endpoints = Object.fromEntries(SERVICES.names.map((s) => [s, testEndpoint(s)]));
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-sandbox-int-'));
  runner = await startTestExecutor(
    workDir,
    {
      wallTimeMs: WALL_MS,
      longWallTimeMs: LONG_WALL_MS,
      cpuSeconds: CPU_SECONDS,
      maxOutputBytes: MAX_OUTPUT,
      interruptGraceMs: GRACE_MS,
      memoryBytes: MEMORY,
      poolSize: { python: 2, javascript: 1 },
    },
    { PLAYGROUND_TEST_SECRET: SECRET },
  );
  await runner.warm();
});

afterAll(async () => {
  await runner?.close();
  delete process.env.PLAYGROUND_TEST_SECRET;
  await fs.rm(workDir, { recursive: true, force: true });
});

/**
 * The pids a Python run sees: a zygote clone (as root) is its own pid 1; bubblewrap has an init
 * and a forwarder besides the program.
 */
const RUN_PIDS = process.getuid?.() === 0 ? [1] : [1, 2, 3];

async function start(code: string, language: RunRequest['language'] = 'python') {
  const output = new CapturedRun();
  const { run } = await runner.start({ language, code, files: [], endpoints }, output);
  return { output, run, uid: run.uid };
}

async function runToEnd(code: string, language: RunRequest['language'] = 'python') {
  const { output, uid } = await start(code, language);
  const exitCode = await output.exited;
  return { text: output.text, code: exitCode, uid };
}

/** Nothing of the run is alive: no process of its uid (exit() comes after the sandbox is gone). */
async function expectNothingLeft(uid: number) {
  expect(await processesOfUid(uid)).toEqual([]);
}

/** A Python program that prints one JSON object; its result parsed. */
async function probe(code: string): Promise<Record<string, unknown>> {
  const { text, code: exitCode } = await runToEnd(`import json, os, socket, errno\n${code}`);
  expect(exitCode, text).toBe(0);
  return JSON.parse(text.trim().split('\r\n').pop()!);
}

describe('what the program can read', () => {
  it("not /etc/shadow, /root, the project, .playground/, the runner's work dir, nor the server's environment", async () => {
    const paths = ['/etc/shadow', '/root', PROJECT_ROOT, path.join(PROJECT_ROOT, '.playground'), workDir];
    const result = await probe(
      [
        'def attempt(p):',
        '    try:',
        '        return sorted(os.listdir(p)) if os.path.isdir(p) else open(p).read()',
        '    except OSError as e:',
        '        return errno.errorcode[e.errno]',
        `found = {p: attempt(p) for p in ${JSON.stringify(paths)}}`,
        'env1 = open("/proc/1/environ").read()',
        'envs = open("/proc/self/environ").read()',
        `found["secret"] = ${JSON.stringify(SECRET)} in env1 + envs + str(dict(os.environ))`,
        'found["env1"] = env1',
        'found["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())',
        'print(json.dumps(found))',
      ].join('\n'),
    );
    for (const p of paths) expect(result[p], p).toBe('ENOENT');
    expect(result.secret).toBe(false);
    expect(result.env1).toBe('');
    // Its own pid namespace: no server, no other run. In a bubblewrap sandbox: its init, the
    // program and the forwarder; in a zygote's clone: the init (which is the forwarder) and the program.
    expect(result.pids).toEqual(RUN_PIDS);
  });

  it('a JavaScript run sees its client packages and nothing else of node_modules or the project', async () => {
    const { text, code } = await runToEnd(
      [
        "const fs = require('fs');",
        `console.log(JSON.stringify({ modules: fs.readdirSync('/node_modules'), project: fs.existsSync(${JSON.stringify(PROJECT_ROOT)}), secret: JSON.stringify(process.env).includes(${JSON.stringify(SECRET)}) }));`,
      ].join('\n'),
      'javascript',
    );
    expect(code, text).toBe(0);
    const seen = JSON.parse(text.trim());
    expect(seen.modules).toEqual(expect.arrayContaining(['ioredis', 'redis', 'amqplib', 'mysql2', 'memcache-client']));
    for (const notThere of ['express', 'vite', 'vitest', 'zod', 'ws']) expect(seen.modules).not.toContain(notThere);
    expect(seen.project).toBe(false);
    expect(seen.secret).toBe(false);
  });

  it("another run's files and processes are out of sight", async () => {
    const first = await start(
      'open("mine.txt", "w").write("private")\nprint("written", flush=True)\nimport time\ntime.sleep(30)',
    );
    await first.output.until('written');
    const seen = await probe(
      'print(json.dumps({"home": os.listdir("."), "pids": len([p for p in os.listdir("/proc") if p.isdigit()])}))',
    );
    expect(seen).toEqual({ home: ['main.py'], pids: RUN_PIDS.length });
    first.run.kill('test over');
    await first.output.exited;
    await expectNothingLeft(first.uid);
  });
});

describe('who the program is', () => {
  it('an unprivileged uid of the sandbox range, without capabilities, one per run', async () => {
    const code =
      'print(json.dumps({"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(), "groups": os.getgroups(), "cap": [l.split()[1] for l in open("/proc/self/status") if l.startswith("Cap")]}))';
    const [a, b] = await Promise.all([probe(code), probe(code)]);
    for (const seen of [a, b]) {
      expect(seen.uid).toBe(seen.euid);
      expect(seen.uid).toBeGreaterThanOrEqual(DEFAULT_UID_RANGE.first);
      expect(seen.uid).toBeLessThan(DEFAULT_UID_RANGE.first + DEFAULT_UID_RANGE.count);
      expect(seen.gid).toBe(seen.uid);
      expect(seen.groups).toEqual([]);
      for (const cap of seen.cap as string[]) expect(cap).toMatch(/^0+$/);
    }
    expect(a.uid).not.toBe(b.uid);
  });

  it('cannot make user namespaces (for kernel exploits) and has no controlling terminal (TIOCSTI)', async () => {
    const seen = await probe(
      [
        'import subprocess',
        'u = subprocess.run(["unshare", "--user", "true"], capture_output=True, text=True)',
        'try:',
        '    open("/dev/tty").close()',
        '    tty = "opened"',
        'except OSError as e:',
        '    tty = errno.errorcode[e.errno]',
        'print(json.dumps({"unshare": u.returncode, "tty": tty}))',
      ].join('\n'),
    );
    expect(seen.unshare).not.toBe(0);
    expect(seen.tty).toBe('ENXIO');
  });
});

describe('the network', () => {
  it("a loopback port that is not the learner's is refused, and the listener never hears of it", async () => {
    let connections = 0;
    const server = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const seen = await probe(
        [
          's = socket.socket()',
          's.settimeout(5)',
          `print(json.dumps({"err": errno.errorcode.get(s.connect_ex(("127.0.0.1", ${port})))}))`,
        ].join('\n'),
      );
      expect(seen.err).toBe('ECONNREFUSED');
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  });

  it('an outside address is unreachable at once (no packet leaves)', async () => {
    const seen = await probe(
      [
        'import time',
        's = socket.socket()',
        's.settimeout(5)',
        't = time.monotonic()',
        'err = s.connect_ex(("192.0.2.1", 80))',
        'print(json.dumps({"err": errno.errorcode.get(err), "ms": (time.monotonic() - t) * 1000}))',
      ].join('\n'),
    );
    expect(seen.err).toBe('ENETUNREACH');
    expect(seen.ms).toBeLessThan(100);
  });

  it("the learner's own service is reachable through the forwarder, on the same URL", async () => {
    const seen = await probe(
      'import redis\nprint(json.dumps({"ping": redis.Redis.from_url(os.environ["REDIS_URL"]).ping()}))',
    );
    expect(seen.ping).toBe(true);
  });
});

describe('limits', () => {
  it('a fork bomb is contained, stopped at the wall-time limit, and leaves no process', async () => {
    const started = Date.now();
    const { output, uid } = await start(
      [
        'import os',
        'print("forking", flush=True)',
        'while True:',
        '    try:',
        '        os.fork()',
        '    except OSError:',
        '        pass',
      ].join('\n'),
    );
    await output.until('forking');
    const code = await output.exited;
    expect(code).not.toBe(0);
    expect(output.text).toMatch(
      /\[(stopped: the program ran for 4 s, the time limit of a run|stopped: CPU time limit exceeded[^\]]*)\]/,
    );
    expect(Date.now() - started).toBeLessThan(WALL_MS + 5_000);
    await expectNothingLeft(uid);
    // The server and other runs are fine.
    expect(await runToEnd('print("still here")')).toMatchObject({ text: 'still here\r\n', code: 0 });
  });

  it('a 2 GB allocation fails with MemoryError (Python) and RangeError (Node)', async () => {
    const py = await runToEnd('x = bytearray(2 * 1024**3)\nprint("allocated")');
    expect(py.code).toBe(1);
    expect(py.text).toMatch(/MemoryError/);
    const js = await runToEnd(
      "const b = Buffer.alloc(2 * 1024 ** 3); console.log('allocated', b.length);",
      'javascript',
    );
    expect(js.code).not.toBe(0);
    expect(js.text).toMatch(/RangeError|out of memory/i);
    expect(js.text).not.toContain('allocated');
  });

  it('filling the disk ends in an error: the home, /tmp and /dev/shm are small, / and /dev are read-only', async () => {
    const seen = await probe(
      [
        'result = {}',
        'for p in ["/home/learner/fill", "/tmp/fill", "/dev/shm/fill", "/fill", "/dev/fill", "/usr/fill"]:',
        '    try:',
        '        with open(p, "wb") as f:',
        '            for _ in range(64):',
        '                f.write(b"x" * (1 << 20))',
        '        result[p] = "wrote 64 MB"',
        '    except OSError as e:',
        '        result[p] = errno.errorcode[e.errno]',
        'print(json.dumps(result))',
      ].join('\n'),
    );
    expect(seen['/home/learner/fill']).toMatch(/^(ENOSPC|EFBIG)$/);
    expect(seen['/tmp/fill']).toMatch(/^(ENOSPC|EFBIG)$/);
    expect(seen['/dev/shm/fill']).toMatch(/^(ENOSPC|EFBIG)$/);
    expect(seen['/fill']).toBe('EROFS');
    expect(seen['/dev/fill']).toBe('EROFS');
    expect(seen['/usr/fill']).toMatch(/^(EROFS|EACCES)$/);
  });

  it('100 MB of output is cut at the limit with a message', async () => {
    const { text, code, uid } = await runToEnd(
      'import sys\nline = "y" * 1023 + "\\n"\nfor _ in range(100 * 1024):\n    sys.stdout.write(line)',
    );
    expect(code).not.toBe(0);
    expect(text.length).toBeLessThan(MAX_OUTPUT * 1.01 + 200);
    expect(text).toMatch(/\[stopped: the program wrote more than 1 MB of output\]\x1b\[0m\r\n$/);
    await expectNothingLeft(uid);
  });

  it('an infinite loop ends at the CPU limit', async () => {
    const { text, code } = await runToEnd('while True:\n    pass');
    expect(code).toBe(128 + os.constants.signals.SIGXCPU);
    expect(text).toContain(`[stopped: CPU time limit exceeded (${CPU_SECONDS} s of CPU per process)]`);
  });

  it('a program that waits ends at the wall-time limit with exit code 124', async () => {
    const { text, code, uid } = await runToEnd('import time\nprint("sleeping")\ntime.sleep(60)');
    expect(code).toBe(124);
    expect(text).toBe('sleeping\r\n\x1b[2m[stopped: the program ran for 4 s, the time limit of a run]\x1b[0m\r\n');
    await expectNothingLeft(uid);
  });

  it('a subscriber gets the longer wall-time limit, then stops with its own message', async () => {
    const started = Date.now();
    const { text, code } = await runToEnd(
      [
        'import os, time, redis',
        'p = redis.Redis.from_url(os.environ["REDIS_URL"]).pubsub()',
        `p.subscribe("nobody-sends-here-${process.pid}")`,
        'print("listening", flush=True)',
        'time.sleep(60)',
      ].join('\n'),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(LONG_WALL_MS);
    expect(code).toBe(124);
    expect(text).toBe(
      'listening\r\n\x1b[2m[stopped: a consumer or subscriber may run for 6 s, and that time is up]\x1b[0m\r\n',
    );
  });

  it('a program that ignores Ctrl-C is killed after the grace period', async () => {
    const { output, run, uid } = await start(
      'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint("ignoring", flush=True)\nwhile True:\n    time.sleep(0.05)',
    );
    await output.until('ignoring');
    const interruptedAt = Date.now();
    run.interrupt();
    expect(await output.exited).toBe(137);
    expect(Date.now() - interruptedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(output.text).toContain('[killed: the program was still running 1 s after Ctrl-C]');
    await expectNothingLeft(uid);
  });

  it('a second Ctrl-C kills at once', async () => {
    const { output, run } = await start(
      'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint("ignoring", flush=True)\ntime.sleep(60)',
    );
    await output.until('ignoring');
    run.interrupt();
    run.interrupt();
    expect(await output.exited).toBe(137);
    expect(output.text).toContain('[killed by a second Ctrl-C]');
  });

  it('kill() mid-run (the browser went away) leaves no process behind', async () => {
    const { output, run, uid } = await start(
      'import os, time, subprocess\nsubprocess.Popen(["sleep", "60"])\nos.fork() or time.sleep(60)\nprint("children started", flush=True)\ntime.sleep(60)',
    );
    // Wait until the run's own processes and the program's two children run under the uid.
    const all = RUN_PIDS.length + 2;
    for (let i = 0; i < 100 && (await processesOfUid(uid)).length < all; i++)
      await new Promise((r) => setTimeout(r, 20));
    const pids = await processesOfUid(uid);
    expect(pids.length).toBeGreaterThanOrEqual(all);
    run.kill('the pane was closed');
    expect(await output.exited).toBe(137);
    expect(output.text).toContain('[stopped: the pane was closed]');
    await expectNothingLeft(uid);
    // And by pid, as the kernel sees it: each is gone, or a zombie waiting for the host's init.
    for (const pid of pids) {
      let state = 'gone';
      try {
        state = (await fs.readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1][0];
      } catch {
        // gone
      }
      expect(['gone', 'Z', 'X']).toContain(state);
    }
  });
});

describe('shutting down', () => {
  it('close() stops every run and the warm pool, and leaves no process of any of their uids', async () => {
    // A range of its own, so that other test files' sandboxes cannot be mistaken for leftovers.
    const range = { first: DEFAULT_UID_RANGE.first + DEFAULT_UID_RANGE.count, count: 10 };
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'playground-sandbox-close-'));
    const own = await startTestExecutor(dir, {
      uidRange: range,
      poolSize: { python: 1, javascript: 1 },
    });
    try {
      await own.warm();
      const output = new CapturedRun();
      await own.start(
        { language: 'python', code: 'print("up", flush=True)\nimport time\ntime.sleep(60)', files: [], endpoints },
        output,
      );
      await output.until('up');
      const uids = Array.from({ length: range.count }, (_, i) => range.first + i);
      const before = (await Promise.all(uids.map(processesOfUid))).flat();
      expect(before.length).toBeGreaterThanOrEqual(3); // the run and two warm sandboxes
      await own.close();
      expect(await output.exited).toBe(137);
      expect(output.text).toContain('[stopped: the server is shutting down]');
      expect((await Promise.all(uids.map(processesOfUid))).flat()).toEqual([]);
      await expect(
        own.start({ language: 'python', code: '', files: [], endpoints }, new CapturedRun()),
      ).rejects.toThrow(/shut down/);
    } finally {
      await own.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
